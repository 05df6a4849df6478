// The Vulkan object types the kit creates, for the per-device created/destroyed counts (VulkanObjectCounter).
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>A kind of Vulkan object counted by <see cref="VulkanObjectCounter"/> (every kind a device's children create).</summary>
public enum VulkanObjectKind
{
    /// <summary>VkBuffer.</summary>
    Buffer,
    /// <summary>VkDeviceMemory (one allocation per buffer).</summary>
    DeviceMemory,
    /// <summary>VkShaderModule (destroyed right after its pipeline is built).</summary>
    ShaderModule,
    /// <summary>VkDescriptorSetLayout.</summary>
    DescriptorSetLayout,
    /// <summary>VkPipelineLayout.</summary>
    PipelineLayout,
    /// <summary>VkPipeline (compute).</summary>
    Pipeline,
    /// <summary>VkDescriptorPool.</summary>
    DescriptorPool,
    /// <summary>VkDescriptorSet (freed with its pool).</summary>
    DescriptorSet,
    /// <summary>VkPipelineCache.</summary>
    PipelineCache,
    /// <summary>VkCommandPool.</summary>
    CommandPool,
    /// <summary>VkCommandBuffer (freed with its pool).</summary>
    CommandBuffer,
    /// <summary>VkFence.</summary>
    Fence,
    /// <summary>VkQueryPool (timestamps).</summary>
    QueryPool,
}
