// `ghnqat finetune`: GHN-QAT — finetunes a float GHN with SimQuant or NoiseQuant in the target nets' forward pass.
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Train;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Finetune;

/// <summary>
/// Runs <see cref="GhnTrainer"/> from a float GHN with a QAT config (<see cref="QatPresets"/>) and writes the same
/// files as <c>train</c>: OUT/{checkpoint,ghn}.safetensors, train-log.jsonl, loss.png.
/// </summary>
internal sealed class FinetuneCommand : Command<FinetuneCommand.Settings>
{
    /// <summary>Metadata key naming the float GHN a finetune started from.</summary>
    public const string FinetunedFromKey = "ghnqat.finetuned_from";

    /// <summary>Options of <c>finetune</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--from <FILE>")]
        [Description("The float GHN (.safetensors model or checkpoint written by train) to start from.")]
        public string? From { get; init; }

        [CommandOption("--bits <SCHEME>")]
        [Description("Scheme quantized in the forward pass: w8a8, w4a8, w4a4 or w2a2 (first conv and classifier stay 8-bit).")]
        [DefaultValue("w4a4")]
        public string Bits { get; init; } = "w4a4";

        [CommandOption("--quant <MODE>")]
        [Description("sim (SimQuant: fake quant, straight-through), noise (NoiseQuant: uniform noise of one step) mixed (SimQuant weights, NoiseQuant activations: a second W2A2 stage) or none (a float finetune: the control for the extra training a QAT finetune gives the GHN).")]
        [DefaultValue("sim")]
        public string Quant { get; init; } = "sim";

        [CommandOption("--preset <NAME>")]
        [Description("tiny (seconds, for tests) or small (the real CPU run, ≤ 60 min on 2 cores).")]
        [DefaultValue("small")]
        public string Preset { get; init; } = "small";

        [CommandOption("--steps <N>")]
        [Description("Override the preset's number of finetune steps.")]
        public int? Steps { get; init; }

        [CommandOption("--lr <LR>")]
        [Description("Override the learning rate (default: the preset's float lr / 10).")]
        public double? Lr { get; init; }

        [CommandOption("--seed <K>")]
        [Description("Override the preset's seed.")]
        public ulong? Seed { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Run folder (default runs/ghn-qat-<bits>-<quant>).")]
        public string? Out { get; init; }

        [CommandOption("--resume <CHECKPOINT>")]
        [Description("Continue a finetune from its checkpoint (its config wins; --steps may extend it).")]
        public string? Resume { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads (0 = all cores): a step runs this many target nets at once, one thread each.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder (gzipped IDX files).")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(Resume))
                return Spectre.Console.ValidationResult.Error("--from FILE (a float GHN) or --resume CHECKPOINT is required");
            if (!string.IsNullOrWhiteSpace(From) && !string.IsNullOrWhiteSpace(Resume))
                return Spectre.Console.ValidationResult.Error("give --from (a new finetune) or --resume (continue one), not both");
            if (!QuantScheme.TryParse(Bits, out _)) return Spectre.Console.ValidationResult.Error($"--bits '{Bits}' is not a scheme (w8a8, w4a8, w4a4, w2a2)");
            if (Quant.Trim().ToLowerInvariant() is not ("sim" or "noise" or "mixed" or "none")) return Spectre.Console.ValidationResult.Error("--quant must be sim, noise, mixed or none");
            if (Steps is < 1) return Spectre.Console.ValidationResult.Error("--steps must be ≥ 1");
            if (Lr is double lr && !(lr > 0 && lr < 1)) return Spectre.Console.ValidationResult.Error("--lr must be in (0, 1)");
            if (Threads is < 0 or > 256) return Spectre.Console.ValidationResult.Error("--threads must be 0..256");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        TorchEnvironment.Initialize(s.Threads);
        var data = FashionMnist.Load(DatasetSplit.Train, s.Data);
        using var trainer = s.Resume is not null ? GhnTrainer.Resume(s.Resume, data, s.Steps) : Start(s, data);
        var config = trainer.Config;
        if (s.Resume is not null && config.ParseScheme() is null && FinetunedFrom(s.Resume) is null)
            throw new Runtime.Errors.GhnQatException(Runtime.Errors.GhnQatErrorCode.InvalidArgument,
                $"{s.Resume}: a float training checkpoint; resume it with 'train --resume'");
        string dir = s.Out ?? Path.Combine("runs", $"ghn-qat-{config.Scheme}-{config.Quant}");
        string headline = string.Create(CultureInfo.InvariantCulture,
            $"finetuning {(config.ParseScheme() is null ? "the float GHN (no quantization" : $"GHN-QAT ({config.Quant} {config.Scheme}")}, {config.Preset}: {config.Steps} steps × {config.MetaBatch} nets × {config.BatchSize} images, lr {config.LearningRate:G3}) from step {trainer.Step} → {dir}");
        // A resumed run keeps the float GHN it started from, as its checkpoint recorded it.
        string? from = s.From ?? FinetunedFrom(s.Resume!);
        var extra = from is null ? null : new Dictionary<string, string> { [FinetunedFromKey] = from };
        return TrainRun.Execute(trainer, dir, "finetune", headline, extra, s.Json, cancellationToken);
    }

    private static string? FinetunedFrom(string checkpoint)
    {
        using var file = Runtime.IO.SafetensorsFile.Open(checkpoint);
        return file.Metadata.GetValueOrDefault(FinetunedFromKey);
    }

    private static GhnTrainer Start(Settings s, ImageDataset data)
    {
        var loaded = GhnCheckpoint.Load(s.From!);
        var c = QatPresets.Finetune(s.Preset, loaded.Model.Config, QuantModes.Parse(s.Quant), QuantScheme.Parse(s.Bits));
        if (s.Steps is int steps) c = c with { Steps = steps };
        if (s.Lr is double lr) c = c with { LearningRate = lr };
        if (s.Seed is ulong seed) c = c with { Seed = seed };
        return GhnTrainer.FromModel(c, data, loaded.Model);
    }
}
