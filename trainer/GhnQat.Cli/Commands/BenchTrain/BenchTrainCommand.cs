// `ghnqat bench-train`: ms per meta-batch step and the GHN's share of it, written to docs/benchmarks/.
using System.ComponentModel;
using System.Globalization;
using System.Text;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.IO;
using GhnQat.Trainer;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Reports;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;

namespace GhnQat.Cli.BenchTrain;

/// <summary>Runs <see cref="StepBenchmark"/> and writes a Markdown + JSON + PNG report.</summary>
internal sealed class BenchTrainCommand : Command<BenchTrainCommand.Settings>
{
    /// <summary>Options of <c>bench-train</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILE>")]
        [Description("A trained GHN (default: a fresh GHN of the preset's size; speed does not depend on the weights).")]
        public string? Ghn { get; init; }

        [CommandOption("--preset <NAME>")]
        [Description("Preset whose meta-batch, batch size and GHN size are measured.")]
        [DefaultValue("small")]
        public string Preset { get; init; } = "small";

        [CommandOption("--repeats <N>")]
        [Description("Measured meta-batches (after one warm-up).")]
        [DefaultValue(20)]
        public int Repeats { get; init; } = 20;

        [CommandOption("--threads <N>")]
        [Description("Torch intra-op threads (0 = default).")]
        [DefaultValue(2)]
        public int Threads { get; init; } = 2;

        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder.")]
        [DefaultValue("docs/benchmarks")]
        public string Out { get; init; } = "docs/benchmarks";

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder.")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate() => Repeats is < 1 or > 10_000
            ? Spectre.Console.ValidationResult.Error("--repeats must be 1..10000") : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        TorchEnvironment.Initialize(s.Threads);
        var config = TrainConfig.FromPreset(s.Preset);
        using var model = s.Ghn is null
            ? new Ghn2(config.Ghn, GraphVocabulary.CreateGhn2(config.Ghn.Classes))
            : GhnCheckpoint.Load(s.Ghn).Model;
        var data = FashionMnist.Load(DatasetSplit.Train, s.Data);
        var pool = ArchSpace.Sample(ArchSplit.Train, 2000, config.Seed);
        var r = StepBenchmark.Run(model, pool, data, config.MetaBatch, config.BatchSize, s.Repeats, seed: 42);
        Directory.CreateDirectory(s.Out);
        string stem = Path.Combine(s.Out, "train-step");
        string cpu = Measure.CpuName();
        var md = new StringBuilder();
        md.Append("# Training step cost (float GHN-2)\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Device: CPU `{cpu}`, {Environment.ProcessorCount} cores, torch threads {s.Threads}; TorchSharp-cpu 0.107.0.\n");
        md.Append(CultureInfo.InvariantCulture, $"Preset `{s.Preset}`: {r.MetaBatch} nets × {r.BatchSize} images per step; median of {r.Repeats} meta-batches drawn from the train split.\n\n");
        md.Append("| part | ms per meta-batch (median) |\n|---|---|\n");
        md.Append(CultureInfo.InvariantCulture, $"| GHN forward (graph → all tensors of {r.MetaBatch} nets) | {r.GhnForwardMs:F0} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| target nets: forward + backward (predicted tensors as leaves) | {r.TargetsMs:F0} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| GHN backward (fed with the leaves' gradients) | {r.GhnBackwardMs:F0} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| full step (sum) | {r.FullMs:F0} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| **GHN share** = (GHN forward + backward) / full | **{r.GhnShare:P0}** |\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Load average while measuring (other jobs on the machine): {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.\n");
        md.Append("The optimizer update is not included (a few ms). Command: `").Append(Provenance.Command).Append("` at commit `").Append(Provenance.Commit).Append("`.\n\n![parts](train-step.png)\n");
        AtomicFile.Write(stem + ".md", f => f.Write(Encoding.UTF8.GetBytes(md.ToString())));
        var document = new { cpu, threads = s.Threads, preset = s.Preset, result = r, ghn_share = r.GhnShare, command = Provenance.Command, commit = Provenance.Commit };
        AtomicFile.Write(stem + ".json", f => f.Write(Encoding.UTF8.GetBytes(JsonStdout.Serialize(document))));
        Plots.Bars(stem + ".png", "ms per meta-batch step", "ms", ["GHN forward", "target nets fwd+bwd", "GHN backward", "full step"],
            [("median", [r.GhnForwardMs, r.TargetsMs, r.GhnBackwardMs, r.FullMs], [0, 0, 0, 0])]);
        Console.Out.WriteLine(md.ToString());
        if (json.Enabled) json.Print(document);
        return CliApp.ExitOk;
    }
}
