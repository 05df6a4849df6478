// `ghnqat train`: trains a GHN-2 in float on the train split, with resumable checkpoints, progress and a loss curve.
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Data;
using GhnQat.Trainer;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Train;

/// <summary>Runs <see cref="GhnTrainer"/> and writes OUT/{checkpoint,ghn}.safetensors, train-log.jsonl, loss.png.</summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    /// <summary>Options of <c>train</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--preset <NAME>")]
        [Description("tiny (seconds, for tests) or small (the real CPU run, about an hour on 2 cores).")]
        [DefaultValue("small")]
        public string Preset { get; init; } = "small";

        [CommandOption("--steps <N>")]
        [Description("Override the preset's number of steps.")]
        public int? Steps { get; init; }

        [CommandOption("--lr <RATE>")]
        [Description("Override the preset's Adam learning rate.")]
        public double? LearningRate { get; init; }

        [CommandOption("--meta-batch <M>")]
        [Description("Override the preset's nets per step.")]
        public int? MetaBatch { get; init; }

        [CommandOption("--decay-at <FRACTIONS>")]
        [Description("Override the preset's lr schedule: lr × 0.1 after each of these fractions of the steps, comma-separated (small: 0.667,0.833).")]
        public string? DecayAt { get; init; }

        [CommandOption("--hidden <D>")]
        [Description("Override the preset's GHN hidden size (node embedding width).")]
        public int? Hidden { get; init; }

        [CommandOption("--seed <K>")]
        [Description("Override the preset's seed.")]
        public ulong? Seed { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Run folder for checkpoints, log and plot (default runs/ghn-<preset>).")]
        public string? Out { get; init; }

        [CommandOption("--resume <CHECKPOINT>")]
        [Description("Continue from a checkpoint written by train (its config wins; --steps may extend it).")]
        public string? Resume { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads (0 = all cores): a step runs this many target nets at once, one thread each.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("cpu, or cuda where a CUDA build of libtorch is present.")]
        [DefaultValue("cpu")]
        public string Device { get; init; } = "cpu";

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder (gzipped IDX files).")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (Steps is < 1) return Spectre.Console.ValidationResult.Error("--steps must be ≥ 1");
            if (LearningRate is not null && !(LearningRate > 0 && LearningRate < 1))
                return Spectre.Console.ValidationResult.Error("--lr must be in (0, 1)");
            if (MetaBatch is < 1 or > 256) return Spectre.Console.ValidationResult.Error("--meta-batch must be 1..256");
            if (Threads is < 0 or > 256) return Spectre.Console.ValidationResult.Error("--threads must be 0..256");
            if (DecayAt is not null && ParseFractions(DecayAt) is null)
                return Spectre.Console.ValidationResult.Error($"--decay-at must be comma-separated numbers, e.g. 0.85,0.93; got '{DecayAt}'");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        TorchEnvironment.Initialize(settings.Threads, settings.Device);
        var data = FashionMnist.Load(DatasetSplit.Train, settings.Data);
        using var trainer = settings.Resume is null
            ? new GhnTrainer(Configure(settings), data)
            : GhnTrainer.Resume(settings.Resume, data, settings.Steps);
        var config = trainer.Config;
        string dir = settings.Out ?? Path.Combine("runs", "ghn-" + config.Preset);
        string headline = string.Create(CultureInfo.InvariantCulture,
            $"training GHN-2 ({config.Preset}: {config.Steps} steps × {config.MetaBatch} nets × {config.BatchSize} images, hidden {config.Ghn.Hidden}, {trainer.Model.parameters().Sum(p => p.numel())} params, lr {config.LearningRate} × 0.1 at steps {string.Join(", ", config.DecayAt.Select(f => (int)(f * config.Steps)))}) from step {trainer.Step} → {dir}");
        return TrainRun.Execute(trainer, dir, "train", headline, extraMetadata: null, settings.Json, cancellationToken);
    }

    private static TrainConfig Configure(Settings s)
    {
        var c = TrainConfig.FromPreset(s.Preset);
        if (s.Steps is int steps) c = c with { Steps = steps };
        if (s.Seed is ulong seed) c = c with { Seed = seed };
        if (s.LearningRate is double lr) c = c with { LearningRate = lr };
        if (s.MetaBatch is int m) c = c with { MetaBatch = m };
        if (s.DecayAt is not null) c = c with { DecayAt = ParseFractions(s.DecayAt)! };
        if (s.Hidden is int d) c = c with { Ghn = c.Ghn with { Hidden = d } };
        return c;
    }

    /// <summary>"0.85,0.93" → [0.85, 0.93]; null when an entry is not a number (the range is TrainConfig.Validate's).</summary>
    internal static double[]? ParseFractions(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])) return null;
        }
        return values;
    }
}
