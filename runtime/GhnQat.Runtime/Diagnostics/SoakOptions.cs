// How long a soak runs and how often it samples memory.
namespace GhnQat.Runtime.Diagnostics;

/// <summary>Options of <see cref="SoakRunner"/>; every field has a usable default.</summary>
public sealed record SoakOptions
{
    /// <summary>Inferences in total, warm-up included (one inference = one job of one image).</summary>
    public int Inferences { get; init; } = 10_000;

    /// <summary>
    /// Inferences before the baseline sample: pools, JIT-compiled code and the driver's caches settle here, so growth
    /// afterwards means a leak.
    /// </summary>
    public int WarmupInferences { get; init; } = 100;

    /// <summary>Samples after the baseline, evenly spaced over the remaining inferences (the last one at the end).</summary>
    public int Samples { get; init; } = 10;
}
