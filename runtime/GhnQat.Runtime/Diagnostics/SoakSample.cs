// One memory sample of a soak run.
namespace GhnQat.Runtime.Diagnostics;

/// <summary>Memory after <see cref="Inference"/> inferences, measured after a full, aggressive (decommitting) garbage collection.</summary>
/// <param name="Inference">Inferences done when the sample was taken.</param>
/// <param name="Seconds">Seconds since the soak started.</param>
/// <param name="ManagedBytes">Managed heap after the collection (<c>GC.GetTotalMemory</c>).</param>
/// <param name="ResidentBytes">Process resident set (/proc/self/statm), −1 where unavailable.</param>
/// <param name="ResidentSharedBytes">Its file-backed part (mapped libraries and files), −1 where unavailable.</param>
/// <param name="LiveVulkanObjects">Vulkan objects alive on the device (−1 without a device).</param>
public readonly record struct SoakSample(int Inference, double Seconds, long ManagedBytes, long ResidentBytes, long ResidentSharedBytes,
    long LiveVulkanObjects)
{
    /// <summary>Anonymous resident memory (resident − file-backed): heaps, stacks, the driver's allocations.</summary>
    public long ResidentAnonymousBytes => ResidentBytes < 0 || ResidentSharedBytes < 0 ? -1 : ResidentBytes - ResidentSharedBytes;
}
