// How long a soak runs and how often it samples memory.
namespace GhnQat.Runtime.Diagnostics;

/// <summary>Options of <see cref="SoakRunner"/>; every field has a usable default.</summary>
public sealed record SoakOptions
{
    /// <summary>Inferences in total, warm-up included (one inference = one job of one image).</summary>
    public int Inferences { get; init; } = 10_000;

    /// <summary>
    /// Inferences before the baseline sample, at least: pools, JIT-compiled code and the driver's caches settle here, so
    /// growth afterwards means a leak. The sampling code runs <see cref="SoakRunner.PrimingSamples"/> times during it,
    /// and it goes on until the JIT has been quiet for <see cref="SoakRunner.JitQuietSeconds"/>.
    /// </summary>
    public int WarmupInferences { get; init; } = 1000;

    /// <summary>Samples after the baseline, evenly spaced over the remaining inferences (the last one at the end).</summary>
    public int Samples { get; init; } = 10;

    /// <summary>
    /// The longest the warm-up waits, after its requested inferences, for the JIT to be quiet; past it the baseline is
    /// taken anyway and <see cref="SoakReport.JitSettledBeforeBaseline"/> is false. A process whose other threads keep
    /// running new code (a test host polling its parent, say) may never be quiet for long.
    /// </summary>
    public double MaxJitSettleSeconds { get; init; } = 30;

    /// <summary>
    /// Whether each sample calls glibc's <c>malloc_trim(0)</c> after the garbage collection and before reading the
    /// resident set (Linux with glibc only; elsewhere nothing is trimmed). Both figures are kept in every sample.
    /// </summary>
    public bool TrimNativeHeap { get; init; } = true;
}
