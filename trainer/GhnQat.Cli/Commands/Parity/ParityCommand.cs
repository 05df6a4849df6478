// `ghnqat parity`: many nets × bit widths through the on-device chain; CPU reference vs ONNX Runtime at every layer.
using System.ComponentModel;
using System.Globalization;
using System.Text;
using GhnQat.Cli.Output;
using GhnQat.Cli.Predict;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Reports;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Parity;

/// <summary>Predicts, quantizes and runs nets of one split at several schemes; compares CPU and ORT codes everywhere.</summary>
internal sealed class ParityCommand : Command<ParityCommand.Settings>
{
    /// <summary>Options of <c>parity</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILE>")]
        [Description("GHN model file.")]
        public string? Ghn { get; init; }

        [CommandOption("--split <SPLIT>")]
        [Description("Split the nets come from.")]
        [DefaultValue("id")]
        public string Split { get; init; } = "id";

        [CommandOption("--nets <N>")]
        [Description("Nets (ArchSpace.Sample(split, N, --seed)).")]
        [DefaultValue(20)]
        public int Nets { get; init; } = 20;

        [CommandOption("--seed <K>")]
        [Description("Seed of the sampled nets.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--schemes <LIST>")]
        [Description("Comma-separated schemes.")]
        [DefaultValue("w8a8,w4a8,w4a4,w2a2")]
        public string Schemes { get; init; } = "w8a8,w4a8,w4a4,w2a2";

        [CommandOption("--images <N>")]
        [Description("Test images compared layer by layer against ORT (and scored).")]
        [DefaultValue(256)]
        public int Images { get; init; } = 256;

        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder.")]
        [DefaultValue("docs/results")]
        public string Out { get; init; } = "docs/results";

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder.")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Ghn) ? Spectre.Console.ValidationResult.Error("--ghn FILE is required")
            : Nets < 1 || Images < 1 ? Spectre.Console.ValidationResult.Error("--nets and --images must be ≥ 1")
            : Spectre.Console.ValidationResult.Success();
    }

    private sealed record Row(string Scheme, int Nets, int Tensors, long Values, long Mismatches, int LogitsIdentical, double Accuracy, double AccuracyStdError);

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        var split = ArchSpace.ParseSplit(s.Split);
        var schemes = s.Schemes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(QuantScheme.Parse).ToArray();
        var specs = ArchSpace.Sample(split, s.Nets, s.Seed);
        var predictor = CalibrationSet.Predictor(Ghn.Load(s.Ghn!), s.Data, ImageDataset.DefaultCalibrationCount);
        var test = FashionMnist.Load(DatasetSplit.Test, s.Data).Take(s.Images);
        var images = new float[test.Count * test.ImageElements];
        test.Normalize(0, test.Count, images);
        var rows = new List<Row>();
        var progress = new ConsoleProgress("parity", specs.Count * schemes.Length) { PlainInterval = TimeSpan.FromMinutes(1) };
        int done = 0;
        foreach (var scheme in schemes)
        {
            int tensors = 0, identical = 0;
            long values = 0, mismatches = 0;
            var accuracies = new List<double>();
            foreach (var spec in specs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var net = predictor.Predict(spec, scheme).Quantized!;
                using var oracle = new OrtOracle(net);
                var cpu = new CpuReference(net).Run(images, test.Count, keepCodes: true);
                var report = OrtParity.Compare(net, oracle.Run(images, test.Count), cpu);
                tensors += report.Tensors.Count;
                values += report.Compared;
                mismatches += report.Mismatches;
                identical += report.Tensors[^1].IsExact ? 1 : 0;
                var predicted = cpu.ArgMax();
                accuracies.Add(Enumerable.Range(0, test.Count).Count(i => predicted[i] == test.GetLabel(i)) / (double)test.Count);
                progress.Update(++done, $"{scheme.Name} mismatches {mismatches}");
            }
            double mean = accuracies.Average() * 100;
            double se = Math.Sqrt(accuracies.Sum(a => Math.Pow((a * 100) - mean, 2)) / Math.Max(1, accuracies.Count - 1) / accuracies.Count);
            rows.Add(new Row(scheme.Name, specs.Count, tensors, values, mismatches, identical, mean, se));
            progress.Log(string.Create(CultureInfo.InvariantCulture,
                $"{scheme.Name}: {specs.Count} nets, {tensors} tensors, {values} values, {mismatches} mismatches, logits identical {identical}/{specs.Count}, top-1 {mean:F1} ± {se:F1} %"));
        }
        progress.ClearBar();
        Write(s, split, rows, test.Count, json);
        return rows.All(r => r.Mismatches == 0) ? CliApp.ExitOk : CliApp.ExitInternal;
    }

    private static void Write(Settings s, ArchSplit split, List<Row> rows, int images, JsonStdout json)
    {
        string name = ArchSpace.SplitName(split);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Runtime parity: CPU reference vs ONNX Runtime ({name} nets)\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Each net: weights predicted by the C# GHN (`{s.Ghn}`), calibrated on the first 512 training images, quantized by the contract (docs/quantization.md), run on the first {images} Fashion-MNIST test images by the integer CPU reference and by ONNX Runtime 1.31.1 (exported integer graph, all optimizations off). Every layer's codes and the logits are compared.\n\n");
        md.Append("| scheme | nets | tensors compared | values compared | mismatches | logits bit-identical | top-1 % (CPU reference, mean ± s.e.) |\n|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
            md.Append(CultureInfo.InvariantCulture, $"| {r.Scheme} | {r.Nets} | {r.Tensors} | {r.Values} | **{r.Mismatches}** | {r.LogitsIdentical}/{r.Nets} | {r.Accuracy:F1} ± {r.AccuracyStdError:F1} |\n");
        md.Append("\nCommand: `").Append(Provenance.Command).Append("` at commit `").Append(Provenance.Commit).Append(CultureInfo.InvariantCulture, $"`. Device: CPU ({Environment.ProcessorCount} cores).\n\n![accuracy](runtime-parity-{name}.png)\n");
        Directory.CreateDirectory(s.Out);
        string stem = Path.Combine(s.Out, $"runtime-parity-{name}");
        AtomicFile.Write(stem + ".md", f => f.Write(Encoding.UTF8.GetBytes(md.ToString())));
        var document = new { split = name, ghn = s.Ghn, images, command = Provenance.Command, commit = Provenance.Commit, rows };
        AtomicFile.Write(stem + ".json", f => f.Write(Encoding.UTF8.GetBytes(JsonStdout.Serialize(document))));
        Plots.Bars(stem + ".png", $"runtime top-1 on {images} test images ({name} nets)", "top-1 %", rows.Select(r => r.Scheme).ToArray(),
            [("CPU reference = ORT", rows.Select(r => r.Accuracy).ToArray(), rows.Select(r => r.AccuracyStdError).ToArray())]);
        Console.Out.WriteLine(md.ToString());
        if (json.Enabled) json.Print(document);
    }
}
