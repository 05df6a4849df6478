// The run loop shared by `train` and `finetune`: steps, one log line per interval, checkpoints, final model and plot.
using System.Globalization;
using System.Text.Json;
using GhnQat.Cli.Output;
using GhnQat.Trainer.Training;

namespace GhnQat.Cli.Train;

/// <summary>Drives a <see cref="GhnTrainer"/> to its last step and writes OUT/{checkpoint,ghn}.safetensors, log, plot.</summary>
internal static class TrainRun
{
    private const string Dataset = "fashion-mnist train (60000)";

    /// <summary>
    /// Runs the remaining steps. <paramref name="headline"/> is printed first; <paramref name="extraMetadata"/> is added
    /// to every checkpoint and to the final model (e.g. the float GHN a finetune started from). With
    /// <paramref name="json"/> the log lines go to stderr and the result (files, summary, config) is printed as JSON.
    /// </summary>
    public static int Execute(GhnTrainer trainer, string dir, string label, string headline,
        IReadOnlyDictionary<string, string>? extraMetadata, bool json, CancellationToken cancellationToken)
    {
        using var stdout = JsonStdout.Begin(json);
        var config = trainer.Config;
        Directory.CreateDirectory(dir);
        string checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        string logPath = Path.Combine(dir, "train-log.jsonl");
        var history = TrainLog.Read(logPath, trainer.Step);
        var progress = new ConsoleProgress(label, config.Steps, trainer.Step);
        progress.Log(headline);
        double windowLoss = 0, windowAcc = 0, windowMs = 0;
        int windowCount = 0;
        while (trainer.Step < config.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var r = trainer.TrainStep();
            history.Add(r);
            if (r.Skipped)
            {
                progress.Log(string.Create(CultureInfo.InvariantCulture, $"step {r.Step} | {r.SkipReason ?? "not finite"}: update skipped"));
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
                trainer.SaveCheckpoint(checkpoint, With(Provenance.Metadata(Dataset), extraMetadata));
            }
        }
        progress.ClearBar();
        string model = Path.Combine(dir, "ghn.safetensors");
        var summary = TrainLog.Summary(history);
        var final = With(Provenance.Metadata(Dataset, JsonSerializer.Serialize(summary)), extraMetadata);
        GhnCheckpoint.Save(model, trainer.Model, config, adam: null, trainer.Step, final);
        string plot = Path.Combine(dir, "loss.png");
        TrainLog.Plot(plot, history, config.Preset);
        Console.Out.WriteLine($"wrote {model} (model), {checkpoint} (resumable), {logPath}, {plot}");
        if (stdout.Enabled)
        {
            using var configJson = JsonDocument.Parse(config.ToJson());
            stdout.Print(new
            {
                model, checkpoint, log = logPath, plot, summary,
                config = configJson.RootElement, command = Provenance.Command, commit = Provenance.Commit,
            });
        }
        return CliApp.ExitOk;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> meta, IReadOnlyDictionary<string, string>? extra)
    {
        if (extra is not null)
        {
            foreach (var (k, v) in extra) meta[k] = v;
        }
        return meta;
    }
}
