// How a VulkanWorker is built: batch capacity, CPU fallback, timeouts and workgroup width.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Options of a <see cref="VulkanWorker"/>; every field has a usable default.</summary>
public sealed record VulkanWorkerOptions
{
    /// <summary>Largest batch one <see cref="VulkanWorker.Schedule"/> takes (buffers are sized for it at load).</summary>
    public int MaxBatch { get; init; } = 64;

    /// <summary>
    /// When the device fails (lost, hung submit), run later work on the bit-exact <c>CpuReference</c> instead of
    /// throwing. Results are identical; only speed differs. Off by default: failures surface as VulkanError.
    /// </summary>
    public bool AllowCpuFallback { get; init; }

    /// <summary>Longest a job may run before it is reported as hung (VulkanError).</summary>
    public TimeSpan FenceTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Workgroup width in invocations; 0 picks the device subgroup size × 8 (64 on lavapipe), within limits.</summary>
    public uint LocalSize { get; init; }

    /// <summary>
    /// Record a timestamp around every kernel of each <see cref="VulkanWorker.Schedule"/>, for
    /// <see cref="VulkanWorker.ReadProfile"/>. Needs timestamp support on the compute queue (VulkanUnavailable otherwise).
    /// </summary>
    public bool EnableProfiling { get; init; }

    /// <summary>
    /// File of a pipeline cache kept across runs (header-checked against the device's vendor, device, driver version
    /// and pipelineCacheUUID; a foreign or damaged file is ignored and rewritten). Null: no cache.
    /// </summary>
    public string? PipelineCachePath { get; init; }

    /// <summary>Run every pipeline once at load, so the first real job does not pay the driver's JIT (~40 ms each on lavapipe).</summary>
    public bool WarmupAtLoad { get; init; } = true;
}
