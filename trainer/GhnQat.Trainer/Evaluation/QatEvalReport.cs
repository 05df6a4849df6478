// The GHN-Q vs GHN-QAT report: per split × bits × method, both protocols, as Markdown, JSON and a bar chart.
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.IO;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.Reports;

namespace GhnQat.Trainer.Evaluation;

/// <summary>Per-net accuracies of float and QAT GHNs at several bit widths under the GHN-2 and deploy protocols.</summary>
public sealed record QatEvalReport(string Command, string Commit, ulong Seed, double Seconds, int CalibrationImages,
    IReadOnlyList<QatEvalReport.GhnInfo> Ghns, IReadOnlyList<QatEvalReport.Cell> Cells)
{
    /// <summary>The bits label of the float column.</summary>
    public const string Fp32 = "fp32";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly string[] Methods = [QuantModes.Label(QuantMode.None), QuantModes.Label(QuantMode.Sim), QuantModes.Label(QuantMode.Noise), QuantModes.Label(QuantMode.Mixed)];

    /// <summary>One evaluated GHN file: its method label, the scheme it was finetuned for, and how it was trained.</summary>
    public sealed record GhnInfo(string File, string Method, string? Scheme, string TrainCommand);

    /// <summary>One table cell: per-net top-1 (fractions) of one method at one width on one split, per protocol.</summary>
    public sealed record Cell(string Split, string Bits, string Method, int Images, List<string> Names,
        List<double> Ghn2Protocol, List<double> Deploy)
    {
        /// <summary>Nets the deploy protocol could not calibrate (a non-finite range or BN statistic: the net's
        /// activations overflow float32); each counts as 0 % in <see cref="Deploy"/>.</summary>
        public List<string> NotDeployable { get; init; } = [];
    }

    /// <summary>Reads a report written by <see cref="Write"/>.</summary>
    public static QatEvalReport Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<QatEvalReport>(File.ReadAllText(path)) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new GhnQat.Runtime.Errors.GhnQatException(GhnQat.Runtime.Errors.GhnQatErrorCode.InvalidFile,
                $"{path}: not an eval-qat report ({e.Message})");
        }
    }

    /// <summary>
    /// One report from several: other methods, widths or splits evaluated on the same nets (e.g. a QAT GHN after the
    /// float one), and chunks of the same cells on other nets (<c>eval-qat --first-net</c>), whose nets are appended in
    /// the order of <paramref name="parts"/>. GHNs are concatenated, commands joined, times summed. Throws when a net
    /// appears twice in a cell, when a cell's chunks differ in test images, or when the reports differ in seed or
    /// calibration images.
    /// </summary>
    public static QatEvalReport Merge(IReadOnlyList<QatEvalReport> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("nothing to merge", nameof(parts));
        if (parts.Select(p => (p.Seed, p.CalibrationImages)).Distinct().Count() > 1)
            throw MergeError("the reports differ in seed or calibration images, so their nets or protocol differ");
        var cells = new List<Cell>();
        foreach (var chunks in parts.SelectMany(p => p.Cells).GroupBy(c => (c.Split, c.Bits, c.Method)))
        {
            var first = chunks.First();
            if (chunks.Any(c => c.Images != first.Images))
                throw MergeError($"{first.Split} {first.Bits} {first.Method}: chunks on {string.Join(" and ", chunks.Select(c => c.Images).Distinct())} test images");
            var merged = new Cell(first.Split, first.Bits, first.Method, first.Images, [], [], []);
            foreach (var c in chunks)
            {
                var twice = c.Names.FirstOrDefault(merged.Names.Contains);
                if (twice is not null) throw MergeError($"{first.Split} {first.Bits} {first.Method}: net {twice} appears in two reports");
                merged.Names.AddRange(c.Names);
                merged.Ghn2Protocol.AddRange(c.Ghn2Protocol);
                merged.Deploy.AddRange(c.Deploy);
                merged.NotDeployable.AddRange(c.NotDeployable);
            }
            cells.Add(merged);
        }
        return parts[0] with
        {
            Command = string.Join(" ; ", parts.Select(p => p.Command).Distinct()),
            Commit = string.Join(", ", parts.Select(p => p.Commit).Distinct()),
            Seconds = parts.Sum(p => p.Seconds),
            Ghns = parts.SelectMany(p => p.Ghns).DistinctBy(g => g.File).ToArray(),
            Cells = cells,
        };
    }

    private static GhnQat.Runtime.Errors.GhnQatException MergeError(string message) =>
        new(GhnQat.Runtime.Errors.GhnQatErrorCode.InvalidArgument, "--merge: " + message);

    /// <summary>Writes OUT/NAME.md, .json and .png; returns the paths.</summary>
    public IReadOnlyList<string> Write(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        string md = Path.Combine(folder, name + ".md"), json = Path.Combine(folder, name + ".json"), png = Path.Combine(folder, name + ".png");
        WriteText(md, Markdown(name));
        WriteText(json, JsonSerializer.Serialize(this, Indented));
        // One group of bars per split × width (a single split: per width); the deploy protocol when it was run.
        bool deploy = Cells.Any(c => c.Deploy.Count > 0);
        var splits = Splits();
        var groups = splits.SelectMany(sp => BitsOrder().Where(b => Methods.Any(m => Find(sp, b, m) is not null)).Select(b => (Split: sp, Bits: b))).ToArray();
        var labels = groups.Select(g => splits.Length == 1 ? g.Bits.ToUpperInvariant() : $"{g.Split} {g.Bits.ToUpperInvariant()}").ToArray();
        var methods = Methods.Where(m => Cells.Any(c => c.Method == m)).ToArray();
        Plots.Bars(png, $"Fashion-MNIST top-1, {string.Join(", ", splits)} nets, {(deploy ? "deploy protocol (integer, runtime)" : "GHN-2 protocol")}",
            "top-1 %", labels, methods.Select(m =>
            {
                var stats = groups.Select(g => Find(g.Split, g.Bits, m) is { } c ? SplitStats.Of(deploy ? c.Deploy : c.Ghn2Protocol) : null).ToArray();
                return (m, stats.Select(s => Finite(s?.Mean)).ToArray(), stats.Select(s => Finite(s?.StdError)).ToArray());
            }).ToArray(), width: Math.Max(900, 200 + (20 * labels.Length * (methods.Length + 1))), height: labels.Length > 8 ? 600 : 500);
        return [md, json, png];
    }

    /// <summary>The Markdown report: one table per protocol, the paper's CIFAR-10 numbers beside ours.</summary>
    public string Markdown(string name)
    {
        var t = new StringBuilder();
        t.Append(CultureInfo.InvariantCulture, $"# {name}: GHN-Q vs GHN-QAT on unseen nets (Fashion-MNIST)\n\n");
        t.Append("Top-1 % on the first test images of Fashion-MNIST (column *images*: a fixed subset of the 10 000, in order, the same for every net and method), ")
         .Append("mean ± standard error over nets; the same nets in every ")
         .Append("column of a row. GHN-Q = the float GHN quantized after prediction; GHN-QAT = the GHN finetuned with ")
         .Append("SimQuant, NoiseQuant or Mixed (SimQuant weights, noisy activations) at that width (docs/qat.md). FP32 = the float GHN, not quantized.\n\n");
        Table(t, "Deploy protocol (the runtime's numbers, bit-exact)",
            $"BN statistics and activation ranges from the first {CalibrationImages} training images (batches of 64), BN folded, " +
            "integer requantization by the runtime's CpuReference (docs/quantization.md). FP32: float net, BN frozen to the calibration statistics.",
            c => c.Deploy);
        Table(t, "GHN-2 protocol (the paper's setting)",
            "Test batches of 64 in order; BN with each test batch's statistics; fake quantization with each batch's max (unsigned) or max|x| (signed) ranges.",
            c => c.Ghn2Protocol);
        Recovery(t);
        foreach (var c in Cells.Where(c => c.NotDeployable.Count > 0))
            t.Append(CultureInfo.InvariantCulture, $"Not deployable, counted as 0 % in the deploy column ({c.Split}, {c.Bits.ToUpperInvariant()}, {c.Method}): " +
                $"{string.Join(", ", c.NotDeployable)} — calibration overflowed float32 (the net's activations diverge on the calibration images).\n\n");
        t.Append(CultureInfo.InvariantCulture, $"![bar chart]({name}.png)\n\n## Provenance\n\n");
        foreach (var g in Ghns)
            t.Append(CultureInfo.InvariantCulture, $"- {g.Method}{(g.Scheme is null ? "" : $" ({g.Scheme})")}: `{g.File}`, trained by `{g.TrainCommand}`\n");
        t.Append("- Produced by `").Append(Command).Append("` at commit `").Append(Commit)
         .Append(CultureInfo.InvariantCulture, $"` in {Seconds / 60:F1} min; nets `ArchSpace.Sample(split, n, seed {Seed})`; per-net numbers in `{name}.json`.\n");
        t.Append("- Paper: GHN-QAT (arXiv 2309.13773), CIFAR-10, ConvNets-250K, its own quantizer settings — not comparable number for number, ")
         .Append("and not verified from the full text (see ../shared/reference/ghn2-and-qat-brief.md §5.2).\n");
        return t.ToString();
    }

    private void Table(StringBuilder t, string title, string how, Func<Cell, List<double>> values)
    {
        if (!Cells.Any(c => values(c).Count > 0)) return;
        t.Append("## ").Append(title).Append("\n\n").Append(how).Append("\n\n| split | bits | nets | images |");
        foreach (string m in Methods) t.Append(' ').Append(m).Append(" |");
        t.Append(" paper, CIFAR-10, unverified |\n|").Append(string.Concat(Enumerable.Repeat("---|", 4 + Methods.Length + 1))).Append('\n');
        foreach (string split in Cells.Select(c => c.Split).Distinct())
        {
            foreach (string bits in BitsOrder())
            {
                var row = Methods.Select(m => Find(split, bits, m)).ToArray();
                var any = row.FirstOrDefault(c => c is not null && values(c).Count > 0);
                if (any is null) continue;
                t.Append(CultureInfo.InvariantCulture, $"| {split} | {bits.ToUpperInvariant()} | {values(any).Count} | {any.Images} |");
                foreach (var c in row) t.Append(' ').Append(c is null ? "—" : SplitStats.Of(values(c)).ToString()).Append(" |");
                t.Append(' ').Append(split == "id" ? Paper(bits) : "").Append(" |\n");
            }
        }
        t.Append('\n');
    }

    // How much of the accuracy post-hoc quantization loses against FP32 each QAT GHN recovers, per split and protocol.
    private void Recovery(StringBuilder t)
    {
        foreach (var (protocol, values) in new (string, Func<Cell, List<double>>)[] { ("deploy protocol", c => c.Deploy), ("GHN-2 protocol", c => c.Ghn2Protocol) })
        {
            var lines = new List<string>();
            foreach (string split in Splits())
            {
                foreach (string bits in BitsOrder().Where(b => b != Fp32))
                {
                    double fp = Mean(Find(split, Fp32, Methods[0]), values), q = Mean(Find(split, bits, Methods[0]), values);
                    foreach (string m in Methods.Skip(1))
                    {
                        double qat = Mean(Find(split, bits, m), values);
                        if (double.IsNaN(fp) || double.IsNaN(q) || double.IsNaN(qat)) continue;
                        // A share of a loss within the cells' noise (under two standard errors of the difference) says nothing.
                        string recovered = fp - q > 2 * DifferenceStdError(Find(split, Fp32, Methods[0])!, Find(split, bits, Methods[0])!, values)
                            ? string.Create(CultureInfo.InvariantCulture, $"; recovers {100 * (qat - q) / (fp - q):0;-0;0} % of the {fp - q:F1} pp GHN-Q loses against FP32")
                            : string.Create(CultureInfo.InvariantCulture, $"; GHN-Q is {Signed(q - fp)} pp from FP32 here, too close for a recovered share");
                        lines.Add(string.Create(CultureInfo.InvariantCulture, $"- {split} {bits.ToUpperInvariant()} {m}: {Signed(qat - q)} pp over GHN-Q") + recovered);
                    }
                }
            }
            if (lines.Count > 0) t.Append(CultureInfo.InvariantCulture, $"## Gain of QAT over GHN-Q ({protocol})\n\n").Append(string.Join('\n', lines)).Append("\n\n");
        }
    }

    // Standard error (pp) of the difference of two cells' means: paired per net where both cells hold the same nets
    // (the usual case: nets vary far more between each other than the difference does), else as independent samples.
    private static double DifferenceStdError(Cell a, Cell b, Func<Cell, List<double>> values)
    {
        List<double> x = values(a), y = values(b);
        if (a.Names.SequenceEqual(b.Names) && x.Count == y.Count)
            return SplitStats.Of(x.Zip(y, (u, v) => u - v).ToList()).StdError;
        return Math.Sqrt(Math.Pow(SplitStats.Of(x).StdError, 2) + Math.Pow(SplitStats.Of(y).StdError, 2));
    }

    /// <summary>Percentage points with their sign and one decimal; a value that rounds to zero prints "+0.0", never "-+0.0" or "-0.0".</summary>
    internal static string Signed(double pp)
    {
        double rounded = Math.Round(pp, 1);
        return (rounded == 0 ? 0.0 : rounded).ToString("+0.0;-0.0;+0.0", CultureInfo.InvariantCulture);
    }

    private static double Mean(Cell? c, Func<Cell, List<double>> values) =>
        c is null || values(c).Count == 0 ? double.NaN : SplitStats.Of(values(c)).Mean;

    private string[] Splits() => Cells.Select(c => c.Split).Distinct().ToArray();

    private static string Paper(string bits) => bits switch
    {
        "w4a4" => "GHN-Q 37.2 → GHN-QAT 52.5",
        "w2a2" => "GHN-QAT 25.6 (NoiseQuant)",
        _ => "—",
    };

    private string[] BitsOrder() => Cells.Select(c => c.Bits).Distinct().ToArray();

    private Cell? Find(string split, string bits, string method) =>
        Cells.FirstOrDefault(c => c.Split == split && c.Bits == bits && c.Method == method);

    private static double Finite(double? v) => v is double d && double.IsFinite(d) ? d : 0;

    private static void WriteText(string path, string text) =>
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text)));
}
