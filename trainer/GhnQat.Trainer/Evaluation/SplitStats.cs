// Mean and standard error of per-net accuracies, as GHN-2 reports them.
namespace GhnQat.Trainer.Evaluation;

/// <summary>Summary of per-net accuracies (percent).</summary>
/// <param name="Mean">Mean top-1, percent.</param>
/// <param name="StdError">Standard error of the mean, percent (sample std / √n).</param>
/// <param name="Count">Nets.</param>
public sealed record SplitStats(double Mean, double StdError, int Count)
{
    /// <summary>Summarizes accuracies given as fractions 0..1.</summary>
    public static SplitStats Of(IReadOnlyList<double> fractions)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        int n = fractions.Count;
        if (n == 0) return new SplitStats(double.NaN, double.NaN, 0);
        double mean = fractions.Average() * 100;
        double var = n > 1 ? fractions.Sum(f => Math.Pow((f * 100) - mean, 2)) / (n - 1) : 0;
        return new SplitStats(mean, Math.Sqrt(var / n), n);
    }

    /// <summary>"82.4 ± 0.3".</summary>
    public override string ToString() =>
        Count == 0 ? "—" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Mean:F1} ± {StdError:F1}");
}
