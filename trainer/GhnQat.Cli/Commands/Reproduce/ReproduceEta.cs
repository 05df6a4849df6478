// Time estimates for reproduce stages: training stages as steps × ms/step (measured in this run folder's train logs
// once there are any, else the documented step costs), other stages from their documented timings × the machine
// factor (measured ÷ documented ms/step of the training done so far).
using System.Globalization;
using GhnQat.Cli.Train;

namespace GhnQat.Cli.Reproduce;

/// <summary>Estimates seconds per stage and says what each estimate is based on.</summary>
internal sealed class ReproduceEta
{
    // Documented ms per step. small: docs/qat.md "Step cost" (2-core VM, --threads 1, nice 19, load ≈ 5.5): float
    // 1616, SimQuant 1661, NoiseQuant 1925. tiny: the reproduce tiny run on the same VM, --threads 2, load ≈ 6
    // (docs/reproduce.md). Mixed: NoiseQuant's × 0.94, the ratio of the median ms/step of the two W2A2 runs at
    // --threads 2 on the same VM (runs/qat-w2a2-mixed-stage2 1058, runs/qat-w2a2-noise 1130; docs/qat.md §3b).
    private static readonly Dictionary<string, double> SmallMs = new() { ["none"] = 1616, ["sim"] = 1661, ["noise"] = 1925, ["mixed"] = 1802 };
    private static readonly Dictionary<string, double> TinyMs = new() { ["none"] = 230, ["sim"] = 430, ["noise"] = 390, ["mixed"] = 365 };

    private readonly Dictionary<string, double> _documented;

    public ReproduceEta(string preset) =>
        _documented = preset.Trim().Equals("tiny", StringComparison.OrdinalIgnoreCase) ? TinyMs : SmallMs;

    /// <summary>
    /// Seconds <paramref name="stage"/> still needs (<paramref name="resume"/>: it continues its own log), the basis,
    /// and whether the documented number was scaled by <see cref="MachineFactor"/>.
    /// </summary>
    public (double Seconds, string Basis, bool Scaled) Estimate(ReproduceStage stage, IReadOnlyList<ReproduceStage> all, bool resume)
    {
        double factor = MachineFactor(all).Factor;
        if (stage.Training is not (int steps, string quant))
        {
            return stage.Copies.Count > 0
                ? (stage.Documented.Seconds, stage.Documented.Basis, false)
                : (stage.Documented.Seconds * factor, stage.Documented.Basis, factor != 1);
        }
        var own = Measure(stage);
        int left = resume ? Math.Max(0, steps - own.Steps) : steps;
        if (own.Steps > 0) return (left * own.Ms / 1000, "ms/step measured in this run", false);
        var same = all.Where(t => t.Training?.Quant == quant).Select(Measure).FirstOrDefault(m => m.Steps > 0);
        if (same.Steps > 0) return (left * same.Ms / 1000, "ms/step measured in this run", false);
        return (left * _documented[quant] * factor / 1000, "documented ms/step", factor != 1);
    }

    /// <summary>Measured ÷ documented ms/step of the first training stage with a log (1 when none has one).</summary>
    public (double Factor, string Basis) MachineFactor(IReadOnlyList<ReproduceStage> all)
    {
        foreach (var t in all.Where(t => t.Training is not null))
        {
            var m = Measure(t);
            if (m.Steps == 0) continue;
            double f = m.Ms / _documented[t.Training!.Value.Quant];
            return (f, string.Create(CultureInfo.InvariantCulture, $"documented timings × {f:F2}, this run's {t.Name} ms/step ÷ the documented"));
        }
        return (1, "");
    }

    /// <summary>"h:mm:ss" or "m:ss".</summary>
    public static string Format(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Round(seconds)));
        return t.TotalHours >= 1
            ? ((int)t.TotalHours).ToString(CultureInfo.InvariantCulture) + t.ToString(@"\:mm\:ss", CultureInfo.InvariantCulture)
            : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    // Mean ms of the logged, not skipped steps in the stage's train-log.jsonl (its folder may hold an earlier try).
    private static (int Steps, double Ms) Measure(ReproduceStage stage)
    {
        if (stage.RunFolder is null) return (0, 0);
        var ok = TrainLog.Read(Path.Combine(stage.RunFolder, "train-log.jsonl"), int.MaxValue).Where(r => !r.Skipped).ToList();
        return ok.Count == 0 ? (0, 0) : (ok.Count, ok.Average(r => r.Milliseconds));
    }
}
