// The demo's table (split × bit width), and its run folder: demo.md, demo.json, demo-accuracy.png, demo-speed.png.
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Cli.Output;
using GhnQat.Runtime.IO;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Reports;

namespace GhnQat.Cli.Demo;

/// <summary>Aggregates the cells per split and bit width and writes the run folder.</summary>
internal sealed class DemoReport
{
    /// <summary>One line of the table: the nets of one split at one bit width.</summary>
    public sealed record Row(string Split, string Bits, string Backend, int Nets, double Runtime, double RuntimeStdError,
        double? Trainer, double? TrainerStdError, long CpuValues, long CpuMismatches, long OrtValues, long OrtMismatches,
        double MedianPredictMs, double MedianImagesPerSecond);

    /// <summary>Values compared by one kind of check, and how many differed.</summary>
    public sealed record CheckTotal(long Values, long Mismatches);

    /// <summary>Everything the run measured, as written to demo.json.</summary>
    public sealed record Summary(string Command, string Commit, string Backend, string? FallbackReason, string CpuName,
        int Images, int OrtImages, ulong Seed, double MaxMmacs, IReadOnlyDictionary<string, int> SkippedLargerNets, double Seconds, int ValidationErrors, int ValidationWarnings, bool ValidationEnabled,
        IReadOnlyList<Row> Rows, IReadOnlyList<DemoCell> Cells)
    {
        /// <summary>Codes compared with the CPU reference, and how many differ.</summary>
        public CheckTotal CpuCheck => new(Cells.Sum(c => c.CpuValues), Cells.Sum(c => c.CpuMismatches));

        /// <summary>Codes compared with ONNX Runtime, and how many differ.</summary>
        public CheckTotal OrtCheck => new(Cells.Sum(c => c.OrtValues), Cells.Sum(c => c.OrtMismatches));

        /// <summary>Whether every check agreed bit for bit and the validation layer was silent.</summary>
        public bool AllExact => CpuCheck.Mismatches == 0 && OrtCheck.Mismatches == 0 && ValidationErrors == 0 && ValidationWarnings == 0
            && Cells.All(c => c.RuntimeTop1 == c.CpuTop1);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Rows in split order, then bit-width order.</summary>
    public static List<Row> Aggregate(IReadOnlyList<DemoCell> cells, IReadOnlyList<string> splits, IReadOnlyList<string> bits)
    {
        var rows = new List<Row>();
        foreach (string split in splits)
        {
            foreach (string b in bits)
            {
                var group = cells.Where(c => c.Split == split && c.Bits == b).ToList();
                if (group.Count == 0) continue;
                var runtime = SplitStats.Of(group.Select(c => c.RuntimeTop1).ToList());
                var trainer = group.All(c => c.TrainerTop1 is not null) ? SplitStats.Of(group.Select(c => c.TrainerTop1!.Value).ToList()) : null;
                rows.Add(new Row(split, b, group[0].Backend, group.Count, runtime.Mean, runtime.StdError, trainer?.Mean, trainer?.StdError,
                    group.Sum(c => c.CpuValues), group.Sum(c => c.CpuMismatches), group.Sum(c => c.OrtValues), group.Sum(c => c.OrtMismatches),
                    Measure.Median(group.Select(c => c.PredictMs)), Measure.Median(group.Select(c => c.ImagesPerSecond))));
            }
        }
        return rows;
    }

    /// <summary>The table as fixed-width text (what the terminal shows).</summary>
    public static string Table(IReadOnlyList<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"{"split",-7} {"bits",-5} {"nets",4}  {"runtime top-1 %",-15}  {"trainer top-1 %",-15}  {"Δ pp",5}  {"vs CPU ref",-16}  {"vs ORT",-16}  {"predict ms",10}  {"images/s",8}  backend"));
        foreach (var r in rows)
        {
            sb.AppendLine(Inv($"{r.Split,-7} {r.Bits,-5} {r.Nets,4}  {Pm(r.Runtime, r.RuntimeStdError),-15}  {Pm(r.Trainer, r.TrainerStdError),-15}  {Delta(r),5}  {Check(r.CpuValues, r.CpuMismatches),-16}  {Check(r.OrtValues, r.OrtMismatches),-16}  {r.MedianPredictMs,10:F1}  {r.MedianImagesPerSecond,8:F0}  {r.Backend}"));
        }
        return sb.ToString();
    }

    /// <summary>Writes demo.md, demo.json and the two PNGs into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, Summary s, IReadOnlyList<string> splits, IReadOnlyList<string> bits)
    {
        Directory.CreateDirectory(folder);
        string md = Path.Combine(folder, "demo.md"), json = Path.Combine(folder, "demo.json");
        string accuracy = Path.Combine(folder, "demo-accuracy.png"), speed = Path.Combine(folder, "demo-speed.png");
        AtomicFile.Write(md, f => f.Write(Encoding.UTF8.GetBytes(Markdown(s))));
        AtomicFile.Write(json, f => f.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(s, JsonOptions))));
        var present = splits.Where(sp => s.Rows.Any(r => r.Split == sp)).ToArray();
        Plots.Bars(accuracy, $"runtime top-1 on {s.Images} Fashion-MNIST test images, per split", "top-1 %", present,
            bits.Select(b => (b, present.Select(sp => Find(s, sp, b)?.Runtime ?? 0).ToArray(), present.Select(sp => Find(s, sp, b)?.RuntimeStdError ?? 0).ToArray())).ToList());
        Plots.Bars(speed, $"median throughput at batch 64 ({s.Backend})", "images / s", present,
            bits.Select(b => (b, present.Select(sp => Find(s, sp, b)?.MedianImagesPerSecond ?? 0).ToArray(), new double[present.Length])).ToList());
        return [md, json, accuracy, speed];
    }

    /// <summary>The JSON document (also printed by <c>--json</c>).</summary>
    public static string Json(Summary s) => JsonSerializer.Serialize(s, JsonOptions);

    private static string Markdown(Summary s)
    {
        var (cpuValues, cpuMismatches) = s.CpuCheck;
        var (ortValues, ortMismatches) = s.OrtCheck;
        var md = new StringBuilder();
        md.AppendLine("# GhnQat.Edge demo").AppendLine();
        md.AppendLine(Inv($"Unseen nets sampled from each test split (seed {s.Seed}); for each, the shipped GHN predicts every weight on the device (C# runtime), the runtime calibrates on the first 512 training images (quantization-aware: BN statistics and ranges of the quantized net), quantizes and packs, and runs the integer net on **{s.Backend}** over the first {s.Images} Fashion-MNIST test images. Every layer of every image is compared with the bit-exact CPU reference; the first {s.OrtImages} images also with ONNX Runtime (the exported integer graph). fp32 = the float GHN's net on the CPU float executor, BN frozen to the calibration statistics."));
        md.AppendLine();
        md.AppendLine(s.MaxMmacs > 0
            ? Inv($"Nets: per split, the first of its seeded sample with at most {s.MaxMmacs} M multiply-accumulates per image (`--max-mmacs`; larger ones skipped: {string.Join(", ", s.SkippedLargerNets.Select(kv => $"{kv.Key} {kv.Value}"))}) — `wide` nets reach 1000 M, too slow for a 5-minute run on 2 CPU cores.")
            : "Nets: per split, the first of its seeded sample, no size cap.");
        md.AppendLine();
        md.AppendLine("*trainer* = the trainer's own prediction of the same net (TorchSharp GHN) deployed by the same protocol and scored on the same images; Δ = runtime − trainer. *predict ms* = GHN + calibrate + quantize + pack per net (median); *images/s* = median steady-state throughput at batch 64.");
        md.AppendLine();
        if (s.FallbackReason is not null) md.AppendLine($"> No Vulkan: {s.FallbackReason} — the integer nets ran on the CPU reference.").AppendLine();
        md.AppendLine("| split | bits | nets | runtime top-1 % | trainer top-1 % | Δ pp | vs CPU reference (mismatches / values) | vs ONNX Runtime | predict ms | images/s | backend |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in s.Rows)
        {
            md.AppendLine(Inv($"| {r.Split} | {r.Bits} | {r.Nets} | {Pm(r.Runtime, r.RuntimeStdError)} | {Pm(r.Trainer, r.TrainerStdError)} | {Delta(r)} | {Check(r.CpuValues, r.CpuMismatches)} | {Check(r.OrtValues, r.OrtMismatches)} | {r.MedianPredictMs:F1} | {r.MedianImagesPerSecond:F0} | {r.Backend} |"));
        }
        md.AppendLine();
        md.AppendLine(Inv($"Checks: **{cpuMismatches} mismatches** in {cpuValues:N0} values vs the CPU reference; **{ortMismatches} mismatches** in {ortValues:N0} values vs ONNX Runtime; validation layer {(s.ValidationEnabled ? $"on: {s.ValidationErrors} errors, {s.ValidationWarnings} warnings" : "off")}."));
        md.AppendLine();
        md.AppendLine("![accuracy](demo-accuracy.png)").AppendLine().AppendLine("![speed](demo-speed.png)").AppendLine();
        md.AppendLine("## Nets").AppendLine();
        md.AppendLine("| split | net | bits | runtime top-1 % | trainer top-1 % | GHN ms | calibrate ms | quantize+pack ms | images/s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in s.Cells)
        {
            md.AppendLine(Inv($"| {c.Split} | {c.Net} | {c.Bits} | {c.RuntimeTop1 * 100:F1} | {(c.TrainerTop1 is { } t ? (t * 100).ToString("F1", CultureInfo.InvariantCulture) : "—")} | {c.GhnMs:F1} | {c.CalibrateMs:F0} | {c.QuantizeAndPackMs:F1} | {c.ImagesPerSecond:F0} |"));
        }
        md.AppendLine();
        md.AppendLine(Inv($"Command: `{s.Command}` at commit `{s.Commit}`, {s.Seconds:F0} s. CPU: {s.CpuName} ({Environment.ProcessorCount} cores). Backend: {s.Backend}."));
        return md.ToString();
    }

    private static Row? Find(Summary s, string split, string bits) => s.Rows.FirstOrDefault(r => r.Split == split && r.Bits == bits);

    private static string Pm(double? mean, double? se) =>
        mean is null ? "—" : se is > 0 ? Inv($"{mean:F1} ± {se:F1}") : Inv($"{mean:F1}");

    private static string Delta(Row r) => r.Trainer is null ? "—" : Inv($"{r.Runtime - r.Trainer.Value:+0.0;-0.0;0.0}");

    private static string Check(long values, long mismatches) => values == 0 ? "—" : Inv($"{mismatches} / {Compact(values)}");

    private static string Compact(long v) => v >= 1_000_000 ? Inv($"{v / 1e6:F1} M") : v >= 1_000 ? Inv($"{v / 1e3:F0} k") : Inv($"{v}");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
