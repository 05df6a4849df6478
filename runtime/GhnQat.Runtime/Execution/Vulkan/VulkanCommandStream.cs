// The worker's command buffer and fence: record many dispatches with barriers, submit once, poll or wait.
// Unlike VulkanCommandRunner (one command, synchronous) a submit returns at once; the fence says when it is done.
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>One command pool, buffer and fence on the compute queue. Not thread-safe. Dispose before the device.</summary>
internal sealed unsafe class VulkanCommandStream : IDisposable
{
    private readonly VulkanDevice _device;
    private readonly CommandPool _pool;
    private readonly CommandBuffer _commands;
    private readonly Fence _fence;
    private bool _pending;
    private bool _disposed;

    public VulkanCommandStream(VulkanDevice device)
    {
        _device = device;
        try
        {
            VulkanSubmitObjects.Create(device, CommandPoolCreateFlags.None, ref _pool, ref _commands, ref _fence);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The command buffer being recorded (for timestamp queries).</summary>
    public CommandBuffer Commands => _commands;

    /// <summary>Whether a submit has not yet been waited for.</summary>
    public bool IsPending => _pending;

    /// <summary>Starts recording; host writes and earlier submits' shader writes become visible to this one's shaders.</summary>
    public void Begin()
    {
        Vk vk = _device.Api;
        VulkanCheck.Success(vk.ResetCommandPool(_device.Handle, _pool, 0), "vkResetCommandPool");
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        VulkanCheck.Success(vk.BeginCommandBuffer(_commands, &begin), "vkBeginCommandBuffer");
        Barrier(PipelineStageFlags.HostBit | PipelineStageFlags.ComputeShaderBit, AccessFlags.HostWriteBit | AccessFlags.ShaderWriteBit,
            PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
    }

    /// <summary>Records one kernel over <paramref name="images"/> images, then a barrier so the next kernel sees its writes.</summary>
    public void Record(VulkanLayerDispatch dispatch, uint images)
    {
        dispatch.Record(_device.Api, _commands, images);
        Barrier(PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit,
            PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
    }

    /// <summary>Ends recording and submits with the fence; returns without waiting.</summary>
    public void Submit()
    {
        Vk vk = _device.Api;
        Barrier(PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, PipelineStageFlags.HostBit, AccessFlags.HostReadBit);
        VulkanCheck.Success(vk.EndCommandBuffer(_commands), "vkEndCommandBuffer");
        Fence fence = _fence;
        VulkanCheck.Success(vk.ResetFences(_device.Handle, 1, &fence), "vkResetFences");
        VulkanCheck.Success(_device.Submit(_commands, fence), "vkQueueSubmit");
        _pending = true;
    }

    /// <summary>Whether the last submit has finished (true when nothing is pending).</summary>
    public bool Poll()
    {
        if (!_pending) return true;
        Result status = _device.FenceStatus(_fence);
        if (status == Result.NotReady) return false;
        VulkanCheck.Success(status, "vkGetFenceStatus");
        _pending = false;
        return true;
    }

    /// <summary>Waits for the last submit; VulkanError on a timeout, VulkanDeviceLost on a lost device.</summary>
    public void Wait(TimeSpan timeout)
    {
        if (!_pending) return;
        Result waited = _device.WaitForFence(_fence, timeout);
        if (waited == Result.Timeout)
            throw new GhnQatException(GhnQatErrorCode.VulkanError,
                $"vkWaitForFences timed out after {timeout.TotalMilliseconds:0} ms: VK_TIMEOUT (the device may be hung)");
        VulkanCheck.Success(waited, "vkWaitForFences");
        _pending = false;
    }

    /// <summary>Waits for the device to go idle (pending work must not outlive its pool), then destroys fence and pool.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_pending) _ = _device.WaitIdle();
        VulkanSubmitObjects.Destroy(_device, _pool, _commands, _fence);
    }

    private void Barrier(PipelineStageFlags srcStage, AccessFlags srcAccess, PipelineStageFlags dstStage, AccessFlags dstAccess)
    {
        var barrier = new MemoryBarrier { SType = StructureType.MemoryBarrier, SrcAccessMask = srcAccess, DstAccessMask = dstAccess };
        _device.Api.CmdPipelineBarrier(_commands, srcStage, dstStage, 0, 1, &barrier, 0, null, 0, null);
    }
}
