// One memory sample of a soak run.
namespace GhnQat.Runtime.Diagnostics;

/// <summary>
/// Memory after <see cref="Inference"/> inferences, measured after a full, aggressive (decommitting) garbage collection
/// and, where <see cref="SoakOptions.TrimNativeHeap"/> is on, after glibc's <c>malloc_trim(0)</c>.
/// </summary>
/// <param name="Inference">Inferences done when the sample was taken.</param>
/// <param name="Seconds">Seconds since the soak started.</param>
/// <param name="ManagedBytes">Managed heap after the collection (<c>GC.GetTotalMemory</c>).</param>
/// <param name="Resident">Resident set after the collection and the trim (the figure the soak judges).</param>
/// <param name="ResidentBeforeTrim">
/// Resident set after the collection, before the trim: it includes memory native code freed since the previous sample
/// but the C allocator kept cached. Equal to <see cref="Resident"/> where nothing was trimmed.
/// </param>
/// <param name="LiveVulkanObjects">Vulkan objects alive on the device (−1 without a device).</param>
/// <param name="JitCompiledMethods">Methods the JIT had compiled in the process so far, every thread and tier.</param>
public readonly record struct SoakSample(int Inference, double Seconds, long ManagedBytes, ResidentMemory Resident,
    ResidentMemory ResidentBeforeTrim, long LiveVulkanObjects, long JitCompiledMethods)
{
    /// <summary>Resident set after the trim, in bytes (−1 where unavailable).</summary>
    public long ResidentBytes => Resident.TotalBytes;
}
