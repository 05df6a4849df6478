// One recorded step of a network on the device: a specialized pipeline, its push constants and its grid.
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// A kernel of the worker: one dispatch of <see cref="GroupsX"/> (output pixels) × <see cref="GroupsY"/> (output channel
/// blocks) × images workgroups. Owns its pipeline; disposed by the worker before the device.
/// </summary>
internal sealed unsafe class VulkanLayerDispatch : IDisposable
{
    public VulkanLayerDispatch(string name, ComputePipeline pipeline, VulkanPushConstants push, uint pixels, uint blocks,
        uint pixelsPerInvocation, uint localSize)
    {
        Name = name;
        Pipeline = pipeline;
        Push = push;
        GroupsX = VulkanCommandRunner.GroupCount(VulkanCommandRunner.GroupCount(pixels, pixelsPerInvocation), localSize);
        GroupsY = blocks;
    }

    /// <summary>The layer's op node id, or "input" for the image quantization.</summary>
    public string Name { get; }

    public ComputePipeline Pipeline { get; }

    public VulkanPushConstants Push { get; }

    public uint GroupsX { get; }

    /// <summary>Output channel blocks (classes for the classifier).</summary>
    public uint GroupsY { get; }

    /// <summary>Records bind, push and dispatch for <paramref name="images"/> images into <paramref name="commands"/>.</summary>
    public void Record(Vk vk, CommandBuffer commands, uint images)
    {
        vk.CmdBindPipeline(commands, PipelineBindPoint.Compute, Pipeline.Handle);
        DescriptorSet set = Pipeline.DescriptorSet;
        vk.CmdBindDescriptorSets(commands, PipelineBindPoint.Compute, Pipeline.Layout, 0, 1, &set, 0, null);
        VulkanPushConstants push = Push;
        vk.CmdPushConstants(commands, Pipeline.Layout, ShaderStageFlags.ComputeBit, 0, VulkanPushConstants.SizeBytes, &push);
        vk.CmdDispatch(commands, GroupsX, GroupsY, images);
    }

    public void Dispose() => Pipeline.Dispose();
}
