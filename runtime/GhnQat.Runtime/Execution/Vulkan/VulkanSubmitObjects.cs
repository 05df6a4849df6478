// The three objects every one-buffer submitter needs: a command pool, one primary command buffer, one fence;
// created and destroyed here so both submitters count them the same way.
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Creates and destroys a pool, a primary command buffer and an unsignalled fence for one submitter.</summary>
internal static unsafe class VulkanSubmitObjects
{
    /// <summary>
    /// Creates the objects in order into the caller's fields, so a failure part way leaves the ones already made
    /// in those fields for the caller's Dispose to destroy.
    /// </summary>
    public static void Create(VulkanDevice device, CommandPoolCreateFlags flags, ref CommandPool pool,
        ref CommandBuffer commands, ref Fence fence)
    {
        Vk vk = device.Api;
        var poolInfo = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo,
            QueueFamilyIndex = device.QueueFamilyIndex,
            Flags = flags,
        };
        CommandPool p;
        VulkanCheck.Success(vk.CreateCommandPool(device.Handle, &poolInfo, null, &p), "vkCreateCommandPool");
        pool = p;
        device.Objects.OnCreated(VulkanObjectKind.CommandPool);
        var allocInfo = new CommandBufferAllocateInfo
        {
            SType = StructureType.CommandBufferAllocateInfo,
            CommandPool = p,
            Level = CommandBufferLevel.Primary,
            CommandBufferCount = 1,
        };
        CommandBuffer c;
        VulkanCheck.Success(vk.AllocateCommandBuffers(device.Handle, &allocInfo, &c), "vkAllocateCommandBuffers");
        commands = c;
        device.Objects.OnCreated(VulkanObjectKind.CommandBuffer);
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence f;
        VulkanCheck.Success(vk.CreateFence(device.Handle, &fenceInfo, null, &f), "vkCreateFence");
        fence = f;
        device.Objects.OnCreated(VulkanObjectKind.Fence);
    }

    /// <summary>Destroys what <see cref="Create"/> made (null handles are skipped); the pool frees its command buffer.</summary>
    public static void Destroy(VulkanDevice device, CommandPool pool, CommandBuffer commands, Fence fence)
    {
        Vk vk = device.Api;
        if (fence.Handle != 0)
        {
            vk.DestroyFence(device.Handle, fence, null);
            device.Objects.OnDestroyed(VulkanObjectKind.Fence);
        }

        if (pool.Handle != 0)
        {
            vk.DestroyCommandPool(device.Handle, pool, null);
            device.Objects.OnDestroyed(VulkanObjectKind.CommandPool);
            if (commands.Handle != 0) device.Objects.OnDestroyed(VulkanObjectKind.CommandBuffer);
        }
    }
}
