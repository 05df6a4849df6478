// Options of a VulkanInstance: whether to run under the Khronos validation layer and how many messages to keep.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>How to create a <see cref="VulkanInstance"/>.</summary>
public sealed record VulkanInstanceOptions
{
    /// <summary>
    /// Enable <c>VK_LAYER_KHRONOS_validation</c> and a debug-utils messenger. Tests always set this: lavapipe runs
    /// shaders that use features nobody enabled, and only the layer notices (design §7).
    /// </summary>
    public bool EnableValidation { get; init; }

    /// <summary>Application name reported to the driver.</summary>
    public string ApplicationName { get; init; } = "GhnQat.Edge";

    /// <summary>How many of the most recent validation messages <see cref="VulkanInstance.ValidationMessages"/> keeps.</summary>
    public int MaxKeptMessages { get; init; } = 64;

    /// <summary>
    /// The Vulkan loader library to open (file name or path); null opens the system's (libvulkan.so.1). A seam for the
    /// no-loader fault test.
    /// </summary>
    internal string? LoaderLibrary { get; init; }
}
