// Records one command (a dispatch or a buffer copy) into its command buffer, submits it to the compute queue with
// a fence and waits, with a timeout. Synchronous by design for the bring-up; the worker will batch layers later.
using System.Runtime.InteropServices;
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// One command pool, one command buffer and one fence on the device's compute queue. Each call records, submits and
/// waits, so buffers can be read right after it returns. Not thread-safe. Dispose before the device.
/// </summary>
public sealed unsafe class VulkanCommandRunner : IDisposable
{
    /// <summary>Fence timeout used when none is given (generous: lavapipe JIT-compiles on first use).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly VulkanDevice _device;
    private readonly CommandPool _pool;
    private readonly CommandBuffer _commands;
    private readonly Fence _fence;
    private bool _faulted;
    private bool _disposed;

    /// <summary>Creates the pool, command buffer and fence.</summary>
    /// <param name="device">Owner device.</param>
    /// <param name="timeout">How long one submit may take before <see cref="GhnQatErrorCode.VulkanError"/>; default 30 s.</param>
    public VulkanCommandRunner(VulkanDevice device, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        Timeout = timeout ?? DefaultTimeout;
        if (Timeout <= TimeSpan.Zero)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"fence timeout must be positive, got {Timeout}");
        }

        try
        {
            VulkanSubmitObjects.Create(device, CommandPoolCreateFlags.TransientBit, ref _pool, ref _commands, ref _fence);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>How long one submit may run before it is reported as hung.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Workgroups needed to cover <paramref name="items"/> invocations at <paramref name="localSize"/> per group.</summary>
    public static uint GroupCount(uint items, uint localSize) =>
        localSize == 0
            ? throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "workgroup size must be > 0")
            : (uint)(((ulong)items + localSize - 1) / localSize);

    /// <summary>Binds <paramref name="pipeline"/>, pushes <paramref name="pushConstants"/>, dispatches, submits and waits.</summary>
    /// <exception cref="GhnQatException">
    /// InvalidArgument for unbound buffers, a push-constant size mismatch or too many groups; VulkanError when a call
    /// fails or the fence times out.
    /// </exception>
    public void Dispatch(ComputePipeline pipeline, ReadOnlySpan<byte> pushConstants, uint groupCountX, uint groupCountY = 1, uint groupCountZ = 1)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        CheckDispatch(pipeline, pushConstants.Length, groupCountX);
        Vk vk = _device.Api;
        Begin();
        vk.CmdBindPipeline(_commands, PipelineBindPoint.Compute, pipeline.Handle);
        DescriptorSet set = pipeline.DescriptorSet;
        vk.CmdBindDescriptorSets(_commands, PipelineBindPoint.Compute, pipeline.Layout, 0, 1, &set, 0, null);
        if (!pushConstants.IsEmpty)
        {
            fixed (byte* data = pushConstants)
            {
                vk.CmdPushConstants(_commands, pipeline.Layout, ShaderStageFlags.ComputeBit, 0, (uint)pushConstants.Length, data);
            }
        }

        vk.CmdDispatch(_commands, groupCountX, groupCountY, groupCountZ);
        SubmitAndWait($"dispatch of '{pipeline.ShaderVariant}'");
    }

    /// <summary>As <see cref="Dispatch(ComputePipeline, ReadOnlySpan{byte}, uint, uint, uint)"/> with a struct as the push-constant block.</summary>
    public void Dispatch<T>(ComputePipeline pipeline, in T pushConstants, uint groupCountX, uint groupCountY = 1, uint groupCountZ = 1)
        where T : unmanaged =>
        Dispatch(pipeline, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in pushConstants)), groupCountX, groupCountY, groupCountZ);

    /// <summary>Copies <paramref name="sizeBytes"/> bytes between buffers on the queue, then waits.</summary>
    /// <exception cref="GhnQatException">InvalidArgument for an out-of-range copy; VulkanError on failure or timeout.</exception>
    public void CopyBuffer(VulkanBuffer source, VulkanBuffer destination, ulong sizeBytes, ulong sourceOffsetBytes = 0, ulong destinationOffsetBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (sizeBytes == 0 || sourceOffsetBytes + sizeBytes > source.SizeBytes || destinationOffsetBytes + sizeBytes > destination.SizeBytes)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"copy of {sizeBytes} bytes from offset {sourceOffsetBytes} of a {source.SizeBytes}-byte buffer to offset " +
                $"{destinationOffsetBytes} of a {destination.SizeBytes}-byte buffer is out of range");
        }

        Begin();
        var region = new BufferCopy { SrcOffset = sourceOffsetBytes, DstOffset = destinationOffsetBytes, Size = sizeBytes };
        _device.Api.CmdCopyBuffer(_commands, source.Handle, destination.Handle, 1, &region);
        SubmitAndWait("buffer copy");
    }

    /// <summary>Destroys the fence and the command pool (which frees the command buffer).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_faulted)
        {
            // A timed-out submit may still be pending; its pool and fence must not be destroyed under it.
            _ = _device.WaitIdle();
        }

        VulkanSubmitObjects.Destroy(_device, _pool, _commands, _fence);
    }

    private void CheckDispatch(ComputePipeline pipeline, int pushBytes, uint groupCountX)
    {
        if (!pipeline.IsBound)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"pipeline '{pipeline.ShaderVariant}' has no buffers bound: call BindBuffers before dispatching");
        }

        if (pushBytes != pipeline.PushConstantSizeBytes)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"pipeline '{pipeline.ShaderVariant}' takes {pipeline.PushConstantSizeBytes} push-constant bytes, got {pushBytes}");
        }

        uint maxGroups = _device.Info.Capabilities.MaxWorkGroupCountX;
        if (groupCountX > maxGroups)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"dispatch of {groupCountX} workgroups exceeds the device limit of {maxGroups} along x");
        }
    }

    private void Begin()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new GhnQatException(GhnQatErrorCode.VulkanError,
                "this command runner timed out or failed earlier; dispose it (and the device) and start again");
        }

        Vk vk = _device.Api;
        VulkanCheck.Success(vk.ResetCommandPool(_device.Handle, _pool, 0), "vkResetCommandPool");
        var begin = new CommandBufferBeginInfo
        {
            SType = StructureType.CommandBufferBeginInfo,
            Flags = CommandBufferUsageFlags.OneTimeSubmitBit,
        };
        VulkanCheck.Success(vk.BeginCommandBuffer(_commands, &begin), "vkBeginCommandBuffer");

        // Writes of earlier submits (shader or copy) become visible to this command's reads and writes.
        Barrier(
            PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit,
            AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit,
            AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit);
    }

    private void SubmitAndWait(string what)
    {
        Vk vk = _device.Api;
        // This command's writes become visible to the host once the fence signals.
        Barrier(
            PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit,
            AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            PipelineStageFlags.HostBit,
            AccessFlags.HostReadBit);
        VulkanCheck.Success(vk.EndCommandBuffer(_commands), "vkEndCommandBuffer");

        Fence fence = _fence;
        VulkanCheck.Success(vk.ResetFences(_device.Handle, 1, &fence), "vkResetFences");
        Result submitted = _device.Submit(_commands, fence);
        if (submitted != Result.Success)
        {
            _faulted = true;
            throw VulkanCheck.Failure(submitted, "vkQueueSubmit");
        }

        Result waited = _device.WaitForFence(fence, Timeout);
        if (waited == Result.Timeout)
        {
            _faulted = true;
            throw new GhnQatException(GhnQatErrorCode.VulkanError,
                $"vkWaitForFences timed out after {Timeout.TotalMilliseconds:0} ms waiting for the {what}: VK_TIMEOUT " +
                "(the device may be hung or the work too large for one submit)");
        }

        if (waited != Result.Success)
        {
            _faulted = true;
            throw VulkanCheck.Failure(waited, "vkWaitForFences");
        }
    }

    private void Barrier(PipelineStageFlags srcStage, AccessFlags srcAccess, PipelineStageFlags dstStage, AccessFlags dstAccess)
    {
        var barrier = new MemoryBarrier { SType = StructureType.MemoryBarrier, SrcAccessMask = srcAccess, DstAccessMask = dstAccess };
        _device.Api.CmdPipelineBarrier(_commands, srcStage, dstStage, 0, 1, &barrier, 0, null, 0, null);
    }
}
