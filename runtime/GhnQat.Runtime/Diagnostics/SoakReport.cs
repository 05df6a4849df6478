// What a soak run measured: memory samples after warm-up, allocation in steady state, result mismatches, speed.
namespace GhnQat.Runtime.Diagnostics;

/// <summary>The outcome of <see cref="SoakRunner.Run"/>. Sample 0 is the baseline taken right after the warm-up.</summary>
public sealed record SoakReport
{
    /// <summary>Inferences run, warm-up included.</summary>
    public required int Inferences { get; init; }

    /// <summary>
    /// Inferences before the baseline sample: at least the requested warm-up, more where the JIT needed longer to settle.
    /// </summary>
    public required int WarmupInferences { get; init; }

    /// <summary>
    /// Whether the JIT had compiled nothing for <see cref="SoakRunner.JitQuietSeconds"/> when the baseline was taken
    /// (false: it was still compiling after <see cref="SoakOptions.MaxJitSettleSeconds"/> of waiting).
    /// </summary>
    public required bool JitSettledBeforeBaseline { get; init; }

    /// <summary>The baseline, then one sample per interval; the last is taken after the last inference.</summary>
    public required IReadOnlyList<SoakSample> Samples { get; init; }

    /// <summary>Bytes allocated by the soaking thread during the inferences after the warm-up (sampling excluded).</summary>
    public required long SteadyStateAllocatedBytes { get; init; }

    /// <summary>Vulkan objects created after the warm-up (0 when inference reuses everything; −1 without a device).</summary>
    public required long VulkanObjectsCreatedAfterWarmup { get; init; }

    /// <summary>Whether every sample trimmed the C heap before reading the RSS (<see cref="SoakOptions.TrimNativeHeap"/> on, glibc present).</summary>
    public required bool NativeHeapTrimmed { get; init; }

    /// <summary>Inferences whose logits differed (bit for bit) from the CPU reference.</summary>
    public required int Mismatches { get; init; }

    /// <summary>Wall-clock seconds of the whole run, warm-up and sampling included.</summary>
    public required double Seconds { get; init; }

    /// <summary>The baseline sample.</summary>
    public SoakSample Baseline => Samples[0];

    /// <summary>Largest |sample − baseline| of the managed heap, in bytes.</summary>
    public long ManagedMaxDeviationBytes => MaxDeviation(s => s.ManagedBytes);

    /// <summary>
    /// Largest sample − baseline of the managed heap, in bytes (0 where it never rose above the baseline): the direction a
    /// leak moves it. A fall means objects allocated before the baseline were released, by anyone in the process.
    /// </summary>
    public long ManagedMaxGrowthBytes => Samples.Max(s => s.ManagedBytes) - Baseline.ManagedBytes;

    /// <summary>Largest |sample − baseline| of the resident set after the trim, in bytes (0 where RSS is unavailable).</summary>
    public long ResidentMaxDeviationBytes => MaxResidentDeviation(s => s.Resident.TotalBytes);

    /// <summary>The same before the trim: includes freed memory the C allocator kept cached at the moment of the sample.</summary>
    public long ResidentBeforeTrimMaxDeviationBytes => MaxResidentDeviation(s => s.ResidentBeforeTrim.TotalBytes);

    /// <summary>Largest deviation of the anonymous part (C heap, GC heap, stacks) after the trim, in bytes.</summary>
    public long ResidentAnonymousMaxDeviationBytes => MaxResidentDeviation(s => s.Resident.AnonymousBytes);

    /// <summary>Largest deviation of the file-backed part (library and assembly pages), in bytes.</summary>
    public long ResidentFileMaxDeviationBytes => MaxResidentDeviation(s => s.Resident.FileBytes);

    /// <summary>Largest deviation of the shared-memory part (JIT-compiled code), in bytes.</summary>
    public long ResidentSharedMemoryMaxDeviationBytes => MaxResidentDeviation(s => s.Resident.SharedMemoryBytes);

    /// <summary>Managed heap deviation relative to the baseline (0.01 = 1 %).</summary>
    public double ManagedMaxDeviation => ManagedMaxDeviationBytes / (double)Math.Max(1, Baseline.ManagedBytes);

    /// <summary>Managed heap growth relative to the baseline (0.01 = 1 %).</summary>
    public double ManagedMaxGrowth => ManagedMaxGrowthBytes / (double)Math.Max(1, Baseline.ManagedBytes);

    /// <summary>Resident set deviation after the trim relative to the baseline (0.01 = 1 %).</summary>
    public double ResidentMaxDeviation => ResidentMaxDeviationBytes / (double)Math.Max(1, Baseline.Resident.TotalBytes);

    /// <summary>Resident set deviation before the trim relative to its baseline (0.01 = 1 %).</summary>
    public double ResidentBeforeTrimMaxDeviation =>
        ResidentBeforeTrimMaxDeviationBytes / (double)Math.Max(1, Baseline.ResidentBeforeTrim.TotalBytes);

    /// <summary>
    /// Methods the JIT compiled (any thread, any tier) between the baseline and the last sample: 0 when the warm-up
    /// was long enough for tiered compilation to settle; code compiled later grows the RSS without being a leak.
    /// </summary>
    public long JitCompiledMethodsAfterWarmup => Samples[^1].JitCompiledMethods - Baseline.JitCompiledMethods;

    /// <summary>
    /// Whether the managed heap and the RSS after the trim each stayed within <paramref name="fraction"/> of their
    /// baseline (where the RSS is unavailable only the managed heap counts).
    /// </summary>
    public bool IsFlatWithin(double fraction) =>
        ManagedMaxDeviation <= fraction && (!Baseline.Resident.IsAvailable || ResidentMaxDeviation <= fraction);

    /// <summary>Inferences per second over the whole run.</summary>
    public double InferencesPerSecond => Inferences / Seconds;

    private long MaxResidentDeviation(Func<SoakSample, long> value) => Baseline.Resident.IsAvailable ? MaxDeviation(value) : 0;

    private long MaxDeviation(Func<SoakSample, long> value)
    {
        long baseline = value(Baseline), max = 0;
        foreach (SoakSample sample in Samples) max = Math.Max(max, Math.Abs(value(sample) - baseline));
        return max;
    }
}
