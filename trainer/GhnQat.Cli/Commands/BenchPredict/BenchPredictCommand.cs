// `ghnqat bench-predict`: on-device prediction time per net (C# runtime) vs the TorchSharp trainer, same GHN and nets.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GhnQat.Cli.Output;
using GhnQat.Cli.Predict;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Reports;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace GhnQat.Cli.BenchPredict;

/// <summary>Times every on-device stage per net and the trainer's own prediction; writes docs/benchmarks/predict.*.</summary>
internal sealed class BenchPredictCommand : Command<BenchPredictCommand.Settings>
{
    /// <summary>Options of <c>bench-predict</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILE>")]
        [Description("GHN model file.")]
        public string? Ghn { get; init; }

        [CommandOption("--nets <N>")]
        [Description("id nets timed (after a warm-up pass over the same nets).")]
        [DefaultValue(50)]
        public int Nets { get; init; } = 50;

        [CommandOption("--bits <SCHEME>")]
        [Description("Quantization scheme of the on-device chain.")]
        [DefaultValue("w4a4")]
        public string Bits { get; init; } = "w4a4";

        [CommandOption("--threads <N>")]
        [Description("Torch intra-op threads for the TorchSharp side.")]
        [DefaultValue(2)]
        public int Threads { get; init; } = 2;

        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder.")]
        [DefaultValue("docs/benchmarks")]
        public string Out { get; init; } = "docs/benchmarks";

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder (calibration images).")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Ghn) ? Spectre.Console.ValidationResult.Error("--ghn FILE is required")
            : Nets is < 1 or > 10_000 ? Spectre.Console.ValidationResult.Error("--nets must be 1..10000")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        TorchEnvironment.Initialize(s.Threads);
        var scheme = QuantScheme.Parse(s.Bits);
        var specs = ArchSpace.Sample(ArchSplit.Id, s.Nets, 1);
        var predictor = CalibrationSet.Predictor(Ghn.Load(s.Ghn!), s.Data, ImageDataset.DefaultCalibrationCount);
        foreach (var spec in specs) predictor.Predict(spec, scheme); // warm-up: JIT and pools
        var runs = specs.Select(spec => predictor.Predict(spec, scheme).Timings).ToList();

        var loaded = GhnCheckpoint.Load(s.Ghn!);
        using var model = loaded.Model;
        foreach (var spec in specs.Take(5)) DisposeAll(NetEvaluator.Predict(model, spec));
        var torchMs = new List<double>();
        foreach (var spec in specs)
        {
            var clock = Stopwatch.StartNew();
            var p = NetEvaluator.Predict(model, spec);
            torchMs.Add(clock.Elapsed.TotalMilliseconds);
            DisposeAll(p);
        }

        double ghn = Measure.Median(runs.Select(r => r.GhnMs)), cal = Measure.Median(runs.Select(r => r.CalibrateMs)),
            quant = Measure.Median(runs.Select(r => r.QuantizeMs)), pack = Measure.Median(runs.Select(r => r.PackMs)),
            total = Measure.Median(runs.Select(r => r.TotalMs)), predictPart = Measure.Median(runs.Select(r => r.GhnMs + r.QuantizeMs + r.PackMs)),
            torch = Measure.Median(torchMs);
        string cpu = Measure.CpuName();
        var md = new StringBuilder();
        md.Append("# On-device prediction time (C# runtime, no torch)\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Device: CPU `{cpu}`, {Environment.ProcessorCount} cores. {specs.Count} `id` nets (`ArchSpace.Sample(id, {specs.Count}, 1)`, median {Measure.Median(specs.Select(x => (double)x.ParameterCount)):F0} parameters), scheme {scheme.Name}, 512 calibration images; medians after one warm-up pass. GHN `{s.Ghn}`.\n\n");
        md.Append("| stage | median ms per net |\n|---|---|\n");
        md.Append(CultureInfo.InvariantCulture, $"| graph + GHN forward + decode/tile/normalize | {ghn:F2} |\n| calibrate (512 images: BN statistics + activation ranges, float forward ×2) | {cal:F1} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| quantize (fold, scales, codes, multipliers, int32 biases) | {quant:F2} |\n| pack (4-bit lanes / 2-bit planes, file bytes) | {pack:F2} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| **prediction part** (all but calibration) | **{predictPart:F2}** |\n| total | {total:F1} |\n\n");
        md.Append(CultureInfo.InvariantCulture, $"TorchSharp trainer predicting the same nets with the same GHN (no_grad, {s.Threads} threads): median {torch:F2} ms per net → the C# GHN stage is **{torch / ghn:F1}×** faster.\n\n");
        md.Append("Goal (issue 5): prediction part ≤ 20 ms per net on 2 cores. Calibration runs two float forwards of the net over 512 images and dominates; it is proportional to the net's MACs.\n\n");
        md.Append("Command: `").Append(Provenance.Command).Append("` at commit `").Append(Provenance.Commit).Append("`.\n\n![stages](predict.png)\n");
        Directory.CreateDirectory(s.Out);
        string stem = Path.Combine(s.Out, "predict");
        AtomicFile.Write(stem + ".md", f => f.Write(Encoding.UTF8.GetBytes(md.ToString())));
        var document = new
        {
            cpu, nets = specs.Count, scheme = scheme.Name, ghn_ms = ghn, calibrate_ms = cal, quantize_ms = quant, pack_ms = pack,
            prediction_part_ms = predictPart, total_ms = total, torchsharp_ghn_ms = torch, speedup_vs_torchsharp = torch / ghn,
            per_net = runs, command = Provenance.Command, commit = Provenance.Commit,
        };
        AtomicFile.Write(stem + ".json", f => f.Write(Encoding.UTF8.GetBytes(JsonStdout.Serialize(document))));
        Plots.Bars(stem + ".png", "median ms per net", "ms", ["C# GHN", "TorchSharp GHN", "quantize+pack", "calibrate"],
            [("median", [ghn, torch, quant + pack, cal], [0, 0, 0, 0])]);
        Console.Out.WriteLine(md.ToString());
        if (json.Enabled) json.Print(document);
        return CliApp.ExitOk;
    }

    private static void DisposeAll(Dictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values) t.Dispose();
    }
}
