// Device features the kit detects and enables only on request (design §7: require 1.2, detect the rest).
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Optional device features a caller can ask <see cref="VulkanDevice"/> to enable.</summary>
[Flags]
public enum VulkanOptionalFeatures
{
    /// <summary>Nothing beyond Vulkan 1.2 core.</summary>
    None = 0,

    /// <summary><c>shaderInt8</c>: 8-bit integer arithmetic in shaders.</summary>
    ShaderInt8 = 1 << 0,

    /// <summary><c>shaderInt16</c>: 16-bit integer arithmetic in shaders.</summary>
    ShaderInt16 = 1 << 1,

    /// <summary><c>storageBuffer8BitAccess</c>: 8-bit loads and stores in storage buffers.</summary>
    StorageBuffer8BitAccess = 1 << 2,

    /// <summary><c>storageBuffer16BitAccess</c>: 16-bit loads and stores in storage buffers.</summary>
    StorageBuffer16BitAccess = 1 << 3,

    /// <summary><c>shaderIntegerDotProduct</c> (VK_KHR_shader_integer_dot_product): OpSDot/OpUDot/OpSUDot.</summary>
    ShaderIntegerDotProduct = 1 << 4,
}
