// What a soak run measured: memory samples after warm-up, allocation in steady state, result mismatches, speed.
namespace GhnQat.Runtime.Diagnostics;

/// <summary>The outcome of <see cref="SoakRunner.Run"/>. Sample 0 is the baseline taken right after the warm-up.</summary>
public sealed record SoakReport
{
    /// <summary>Inferences run, warm-up included.</summary>
    public required int Inferences { get; init; }

    /// <summary>Inferences before the baseline sample.</summary>
    public required int WarmupInferences { get; init; }

    /// <summary>The baseline, then one sample per interval; the last is taken after the last inference.</summary>
    public required IReadOnlyList<SoakSample> Samples { get; init; }

    /// <summary>Bytes allocated by the soaking thread during the inferences after the warm-up (sampling excluded).</summary>
    public required long SteadyStateAllocatedBytes { get; init; }

    /// <summary>Vulkan objects created after the warm-up (0 when inference reuses everything; −1 without a device).</summary>
    public required long VulkanObjectsCreatedAfterWarmup { get; init; }

    /// <summary>Inferences whose logits differed (bit for bit) from the CPU reference.</summary>
    public required int Mismatches { get; init; }

    /// <summary>Wall-clock seconds of the whole run, warm-up and sampling included.</summary>
    public required double Seconds { get; init; }

    /// <summary>The baseline sample.</summary>
    public SoakSample Baseline => Samples[0];

    /// <summary>Largest |sample − baseline| of the managed heap, in bytes.</summary>
    public long ManagedMaxDeviationBytes => MaxDeviation(s => s.ManagedBytes);

    /// <summary>Largest |sample − baseline| of the resident set, in bytes (0 where RSS is unavailable).</summary>
    public long ResidentMaxDeviationBytes => Baseline.ResidentBytes < 0 ? 0 : MaxDeviation(s => s.ResidentBytes);

    /// <summary>
    /// Largest |sample − baseline| of the anonymous resident memory, in bytes: RSS without the file-backed pages that
    /// code touched for the first time maps in (0 where unavailable).
    /// </summary>
    public long ResidentAnonymousMaxDeviationBytes => Baseline.ResidentAnonymousBytes < 0 ? 0 : MaxDeviation(s => s.ResidentAnonymousBytes);

    /// <summary>Managed heap deviation relative to the baseline (0.01 = 1 %).</summary>
    public double ManagedMaxDeviation => ManagedMaxDeviationBytes / (double)Math.Max(1, Baseline.ManagedBytes);

    /// <summary>Resident set deviation relative to the baseline (0.01 = 1 %).</summary>
    public double ResidentMaxDeviation => ResidentMaxDeviationBytes / (double)Math.Max(1, Baseline.ResidentBytes);

    /// <summary>
    /// Whether the managed heap and the RSS each stayed within <paramref name="fraction"/> of their baseline, or within
    /// their floor in bytes where that is larger (1 % of a small baseline is below the measurement noise).
    /// </summary>
    public bool IsFlatWithin(double fraction, long managedFloorBytes, long residentFloorBytes) =>
        ManagedMaxDeviationBytes <= Math.Max(fraction * Baseline.ManagedBytes, managedFloorBytes)
        && ResidentMaxDeviationBytes <= Math.Max(fraction * Baseline.ResidentBytes, residentFloorBytes);

    /// <summary>Inferences per second over the whole run.</summary>
    public double InferencesPerSecond => Inferences / Seconds;

    private long MaxDeviation(Func<SoakSample, long> value)
    {
        long baseline = value(Baseline), max = 0;
        foreach (SoakSample sample in Samples) max = Math.Max(max, Math.Abs(value(sample) - baseline));
        return max;
    }
}
