// What a VulkanBuffer is for, which decides its memory type.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Role of a <see cref="VulkanBuffer"/>.</summary>
public enum VulkanBufferUsage
{
    /// <summary>Shader storage, device-local (mapped directly on unified-memory devices such as lavapipe).</summary>
    Storage = 0,

    /// <summary>Host-visible, coherent memory for uploads and readback (also bindable as storage).</summary>
    Staging = 1,
}
