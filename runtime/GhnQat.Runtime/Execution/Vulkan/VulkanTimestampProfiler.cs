// Per-kernel device time from timestamp queries (the ggml/ncnn way): one timestamp before the first dispatch and one
// after each, read back after the fence; differences × timestampPeriod give nanoseconds per kernel.
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>A timestamp query pool for one job of <c>kernels</c> dispatches. Not thread-safe. Dispose before the device.</summary>
internal sealed unsafe class VulkanTimestampProfiler : IDisposable
{
    private readonly VulkanDevice _device;
    private readonly QueryPool _pool;
    private readonly uint _count;
    private readonly double _periodNs;
    private readonly ulong[] _ticks;
    private bool _disposed;

    /// <exception cref="GhnQatException">VulkanUnavailable when the compute queue has no timestamp support.</exception>
    public VulkanTimestampProfiler(VulkanDevice device, int kernels)
    {
        _device = device;
        Vk vk = device.Api;
        vk.GetPhysicalDeviceProperties(device.Info.Handle, out PhysicalDeviceProperties props);
        uint families = 0;
        vk.GetPhysicalDeviceQueueFamilyProperties(device.Info.Handle, ref families, null);
        var family = new QueueFamilyProperties[families];
        fixed (QueueFamilyProperties* p = family) vk.GetPhysicalDeviceQueueFamilyProperties(device.Info.Handle, ref families, p);
        if (family[device.QueueFamilyIndex].TimestampValidBits == 0 || props.Limits.TimestampPeriod <= 0)
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable, $"'{device.Info.Name}' has no timestamps on its compute queue: profiling is unavailable");
        _periodNs = props.Limits.TimestampPeriod;
        _count = (uint)kernels + 1;
        _ticks = new ulong[_count];
        var info = new QueryPoolCreateInfo { SType = StructureType.QueryPoolCreateInfo, QueryType = QueryType.Timestamp, QueryCount = _count };
        QueryPool pool;
        VulkanCheck.Success(vk.CreateQueryPool(device.Handle, &info, null, &pool), "vkCreateQueryPool");
        _pool = pool;
        device.Objects.OnCreated(VulkanObjectKind.QueryPool);
    }

    /// <summary>Records the reset of every query (before the first timestamp of a job).</summary>
    public void Reset(CommandBuffer commands) => _device.Api.CmdResetQueryPool(commands, _pool, 0, _count);

    /// <summary>Records timestamp <paramref name="index"/> once all earlier compute work has finished.</summary>
    public void Write(CommandBuffer commands, int index) =>
        _device.Api.CmdWriteTimestamp(commands, PipelineStageFlags.BottomOfPipeBit, _pool, (uint)index);

    /// <summary>
    /// Milliseconds of each kernel of the last completed job into <paramref name="kernelMs"/> (timestamp i+1 − i);
    /// the first <paramref name="written"/> + 1 timestamps must have been recorded.
    /// </summary>
    public void Read(Span<double> kernelMs, int written)
    {
        fixed (ulong* ticks = _ticks)
        {
            VulkanCheck.Success(_device.Api.GetQueryPoolResults(_device.Handle, _pool, 0, (uint)written + 1, (nuint)(_ticks.Length * sizeof(ulong)),
                ticks, sizeof(ulong), QueryResultFlags.Result64Bit | QueryResultFlags.ResultWaitBit), "vkGetQueryPoolResults");
        }

        for (int i = 0; i < written && i < kernelMs.Length; i++) kernelMs[i] = (_ticks[i + 1] - _ticks[i]) * _periodNs / 1e6;
    }

    public void Dispose()
    {
        if (_disposed || _pool.Handle == 0) return;
        _disposed = true;
        _device.Api.DestroyQueryPool(_device.Handle, _pool, null);
        _device.Objects.OnDestroyed(VulkanObjectKind.QueryPool);
    }
}
