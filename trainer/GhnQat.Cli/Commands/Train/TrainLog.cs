// The per-step training log (JSON lines) kept beside a run's checkpoint, its summary and its loss-curve plot.
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.IO;
using GhnQat.Trainer.Reports;
using GhnQat.Trainer.Training;

namespace GhnQat.Cli.Train;

/// <summary>Reads, writes, summarizes and plots a run's step history.</summary>
internal static class TrainLog
{
    /// <summary>Steps before <paramref name="upTo"/> from an existing log (a resumed run keeps its history).</summary>
    public static List<StepResult> Read(string path, int upTo)
    {
        var list = new List<StepResult>();
        if (!File.Exists(path) || upTo == 0) return list;
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            var r = JsonSerializer.Deserialize<StepResult>(line);
            if (r is not null && r.Step < upTo) list.Add(r);
        }
        return list;
    }

    /// <summary>Rewrites the log atomically.</summary>
    public static void Write(string path, IReadOnlyList<StepResult> history)
    {
        var text = new StringBuilder();
        foreach (var r in history)
        {
            text.Append(JsonSerializer.Serialize(r with { Loss = double.IsFinite(r.Loss) ? r.Loss : -1 })).Append('\n');
        }
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Final metrics: steps, skipped steps, and (when any step ran) mean loss/accuracy of the last 10 % of steps, mean ms/step.</summary>
    public static Dictionary<string, double> Summary(IReadOnlyList<StepResult> history)
    {
        var ok = history.Where(r => !r.Skipped).ToList();
        var tail = ok.Skip(ok.Count - Math.Max(1, ok.Count / 10)).ToList();
        var summary = new Dictionary<string, double>
        {
            ["steps"] = history.Count,
            ["skipped_steps"] = history.Count(r => r.Skipped),
        };
        // A run whose every step was skipped (e.g. 2-bit SimQuant, docs/qat.md) has no loss to report: the keys are
        // left out rather than written as NaN, which JSON cannot hold.
        if (tail.Count > 0)
        {
            summary["final_train_loss"] = tail.Average(r => r.Loss);
            summary["final_train_accuracy"] = tail.Average(r => r.Accuracy);
            summary["ms_per_step"] = ok.Average(r => r.Milliseconds);
        }
        return summary;
    }

    /// <summary>Loss curve (moving average over 25 steps) as PNG.</summary>
    public static void Plot(string path, IReadOnlyList<StepResult> history, string preset)
    {
        var ok = history.Where(r => !r.Skipped).ToList();
        if (ok.Count == 0) return;
        int w = Math.Min(25, ok.Count);
        var x = new double[ok.Count - w + 1];
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = ok[i + w - 1].Step;
            y[i] = ok.Skip(i).Take(w).Average(r => r.Loss);
        }
        Plots.Lines(path, string.Create(CultureInfo.InvariantCulture, $"GHN-2 training loss ({preset}, mean of {w} steps)"),
            "step", "cross-entropy", [("train loss", x, y)]);
    }
}
