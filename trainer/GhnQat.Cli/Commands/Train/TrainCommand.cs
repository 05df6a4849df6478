// `ghnqat train`: trains a GHN-2 in float on the train split, with resumable checkpoints, progress and a loss curve.
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Data;
using GhnQat.Trainer;
using GhnQat.Trainer.Reports;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Train;

/// <summary>Runs <see cref="GhnTrainer"/> and writes OUT/{checkpoint,ghn}.safetensors, train-log.jsonl, loss.png.</summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    /// <summary>Options of <c>train</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--preset <NAME>")]
        [Description("tiny (seconds, for tests) or small (the real CPU run, about 45 min on 2 cores).")]
        [DefaultValue("small")]
        public string Preset { get; init; } = "small";

        [CommandOption("--steps <N>")]
        [Description("Override the preset's number of steps.")]
        public int? Steps { get; init; }

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
        [Description("Torch intra-op threads (0 = torch default). Use 1-2 on a shared 2-core machine.")]
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
            if (Threads is < 0 or > 256) return Spectre.Console.ValidationResult.Error("--threads must be 0..256");
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
        Directory.CreateDirectory(dir);
        string checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        string logPath = Path.Combine(dir, "train-log.jsonl");
        var history = TrainLog.Read(logPath, trainer.Step);
        var progress = new ConsoleProgress("train", config.Steps, trainer.Step);
        progress.Log(string.Create(CultureInfo.InvariantCulture,
            $"training GHN-2 ({config.Preset}: {config.Steps} steps × {config.MetaBatch} nets × {config.BatchSize} images, hidden {config.Ghn.Hidden}, {trainer.Model.parameters().Sum(p => p.numel())} params) from step {trainer.Step} → {dir}"));
        double windowLoss = 0, windowAcc = 0, windowMs = 0;
        int windowCount = 0;
        while (trainer.Step < config.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var r = trainer.TrainStep();
            history.Add(r);
            if (r.Skipped)
            {
                progress.Log(string.Create(CultureInfo.InvariantCulture, $"step {r.Step} | loss not finite: update skipped"));
            }
            else
            {
                windowLoss += r.Loss; windowAcc += r.Accuracy; windowMs += r.Milliseconds; windowCount++;
            }
            progress.Update(trainer.Step, string.Create(CultureInfo.InvariantCulture, $"loss {r.Loss:F3}"));
            bool last = trainer.Step == config.Steps;
            if ((trainer.Step % config.LogEvery == 0 || last) && windowCount > 0)
            {
                progress.Log(string.Create(CultureInfo.InvariantCulture,
                    $"step {trainer.Step} | loss {windowLoss / windowCount:F4} | acc {windowAcc / windowCount:P1} | lr {r.LearningRate:G3} | {windowMs / windowCount:F0} ms/step | ETA {progress.Eta(trainer.Step)}"));
                windowLoss = windowAcc = windowMs = 0;
                windowCount = 0;
            }
            if (trainer.Step % config.CheckpointEvery == 0 || last)
            {
                TrainLog.Write(logPath, history);
                trainer.SaveCheckpoint(checkpoint, Provenance.Metadata("fashion-mnist train (60000)"));
            }
        }
        progress.ClearBar();
        var metrics = TrainLog.Summary(history);
        string model = Path.Combine(dir, "ghn.safetensors");
        GhnCheckpoint.Save(model, trainer.Model, config, adam: null, trainer.Step,
            Provenance.Metadata("fashion-mnist train (60000)", JsonSerializer.Serialize(metrics)));
        TrainLog.Plot(Path.Combine(dir, "loss.png"), history, config.Preset);
        Console.Out.WriteLine($"wrote {model} (model), {checkpoint} (resumable), {logPath}, {Path.Combine(dir, "loss.png")}");
        return CliApp.ExitOk;
    }

    private static TrainConfig Configure(Settings s)
    {
        var c = TrainConfig.FromPreset(s.Preset);
        if (s.Steps is int steps) c = c with { Steps = steps };
        if (s.Seed is ulong seed) c = c with { Seed = seed };
        return c;
    }
}
