// `ghnqat eval`: predicted-parameter top-1 per split (GHN-2 protocol) beside random-init and SGD-1-epoch baselines.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Trainer;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace GhnQat.Cli.Eval;

/// <summary>Evaluates a GHN on nets of several splits and writes a Markdown + JSON + PNG report.</summary>
internal sealed class EvalCommand : Command<EvalCommand.Settings>
{
    /// <summary>Options of <c>eval</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILE>")]
        [Description("GHN model or checkpoint (.safetensors) written by train.")]
        public string? Ghn { get; init; }

        [CommandOption("--splits <LIST>")]
        [Description("Comma-separated splits: id, wide, deep, dense, bnfree (train too, for a sanity check).")]
        [DefaultValue("id,wide,deep,dense,bnfree")]
        public string Splits { get; init; } = "id,wide,deep,dense,bnfree";

        [CommandOption("--nets <N>")]
        [Description("Nets per split (GHN-2 reports ≥ 100).")]
        [DefaultValue(100)]
        public int Nets { get; init; } = 100;

        [CommandOption("--nets-wide <N>")]
        [Description("Nets for the wide split (its nets cost ~45× the MACs); default = --nets.")]
        public int? NetsWide { get; init; }

        [CommandOption("--images <N>")]
        [Description("Test images (the first N of the Fashion-MNIST test set, in order).")]
        [DefaultValue(10000)]
        public int Images { get; init; } = 10000;

        [CommandOption("--images-wide <N>")]
        [Description("Test images for the wide split; default = --images.")]
        public int? ImagesWide { get; init; }

        [CommandOption("--baseline-images <N>")]
        [Description("Test images for the random-init and SGD baselines (the first N); default = the split's images.")]
        public int? BaselineImages { get; init; }

        [CommandOption("--merge <JSON,...>")]
        [Description("Instead of evaluating, merge reports (JSON files written by eval) into one report.")]
        public string? Merge { get; init; }

        [CommandOption("--sgd-nets <N>")]
        [Description("Nets per split that also get the SGD-1-epoch baseline (each costs one epoch of training).")]
        [DefaultValue(0)]
        public int SgdNets { get; init; }

        [CommandOption("--sgd-images <N>")]
        [Description("Training images in the SGD baseline's epoch (default: all 60000).")]
        public int? SgdImages { get; init; }

        [CommandOption("--seed <K>")]
        [Description("Seed of the sampled nets (the same seed gives the same nets).")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder.")]
        [DefaultValue("docs/results")]
        public string Out { get; init; } = "docs/results";

        [CommandOption("--name <NAME>")]
        [Description("Report file name stem.")]
        [DefaultValue("ghn-float")]
        public string Name { get; init; } = "ghn-float";

        [CommandOption("--threads <N>")]
        [Description("CPU threads (0 = all cores): test batches run this many at once, one thread each.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder.")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Ghn) && Merge is null) return Spectre.Console.ValidationResult.Error("--ghn FILE is required");
            if (Nets is < 1 or > 100_000) return Spectre.Console.ValidationResult.Error("--nets must be 1..100000");
            if (Images < 1) return Spectre.Console.ValidationResult.Error("--images must be ≥ 1");
            if (SgdNets < 0) return Spectre.Console.ValidationResult.Error("--sgd-nets must be ≥ 0");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        var report = s.Merge is not null ? MergeReports(s) : Evaluate(s, cancellationToken);
        if (json.Enabled) json.Print(report);   // the report file's data, snake_case keys
        return CliApp.ExitOk;
    }

    private static EvalReport Evaluate(Settings s, CancellationToken cancellationToken)
    {
        TorchEnvironment.Initialize(s.Threads);
        var splits = s.Splits.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(ArchSpace.ParseSplit).ToArray();
        var loaded = GhnCheckpoint.Load(s.Ghn!);
        using var model = loaded.Model;
        model.eval();
        var test = FashionMnist.Load(DatasetSplit.Test, s.Data);
        var train = s.SgdNets > 0 ? FashionMnist.Load(DatasetSplit.Train, s.Data) : null;
        if (train is not null && s.SgdImages is int sgdImages) train = train.Take(sgdImages);
        var rows = new List<EvalReport.Row>();
        var clock = Stopwatch.StartNew();
        foreach (var split in splits)
        {
            bool wide = split == ArchSplit.Wide;
            int nets = wide ? s.NetsWide ?? s.Nets : s.Nets;
            int images = wide ? s.ImagesWide ?? s.Images : s.Images;
            var specs = ArchSpace.Sample(split, nets, s.Seed);
            using var evaluator = new NetEvaluator(test, images);
            using var baseline = new NetEvaluator(test, Math.Min(images, s.BaselineImages ?? images));
            var progress = new ConsoleProgress("eval " + ArchSpace.SplitName(split), specs.Count) { PlainInterval = TimeSpan.FromMinutes(1) };
            var row = new EvalReport.Row(ArchSpace.SplitName(split), evaluator.Count, baseline.Count, [], [], [], []);
            for (int i = 0; i < specs.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var spec = specs[i];
                row.Names.Add(spec.Name);
                row.Ghn.Add(evaluator.Accuracy(spec, NetEvaluator.Predict(model, spec)));
                row.Random.Add(baseline.Accuracy(spec, NetEvaluator.KaimingInit(spec, (long)s.Seed + i)));
                if (i < s.SgdNets)
                {
                    var p = NetEvaluator.KaimingInit(spec, (long)s.Seed + i);
                    NetEvaluator.SgdOneEpoch(spec, p, train!, s.Seed + (ulong)i);
                    row.Sgd.Add(baseline.Accuracy(spec, p));
                }
                progress.Update(i + 1, string.Create(CultureInfo.InvariantCulture, $"GHN mean {row.Ghn.Average() * 100:F1} %"));
            }
            progress.ClearBar();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Split,-7} {specs.Count,4} nets × {evaluator.Count} images: GHN {SplitStats.Of(row.Ghn)} | random {SplitStats.Of(row.Random)} | SGD 1 ep {SplitStats.Of(row.Sgd)} ({clock.Elapsed.TotalMinutes:F1} min)"));
            rows.Add(row);
        }
        var report = new EvalReport(s.Ghn!, Provenance.Command, Provenance.Commit, s.Seed, clock.Elapsed.TotalSeconds,
            loaded.Metadata.GetValueOrDefault("ghnqat.command") ?? "(unknown)", train?.Count ?? 0, rows);
        var files = report.Write(s.Out, s.Name);
        Console.Out.WriteLine("wrote " + string.Join(", ", files));
        return report;
    }

    private static EvalReport MergeReports(Settings s)
    {
        var parts = s.Merge!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(EvalReport.Read).ToArray();
        var first = parts[0];
        var merged = first with
        {
            Command = string.Join(" ; ", parts.Select(p => p.Command).Distinct()),
            Seconds = parts.Sum(p => p.Seconds),
            Rows = parts.SelectMany(p => p.Rows).ToArray(),
        };
        var files = merged.Write(s.Out, s.Name);
        Console.Out.WriteLine("wrote " + string.Join(", ", files));
        return merged;
    }
}
