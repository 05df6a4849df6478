// Which physical device to open and which optional features to enable on it.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// Device choice: by <see cref="DeviceIndex"/>, else by <see cref="DeviceNameContains"/>, else the best type
/// (discrete &gt; integrated &gt; virtual &gt; CPU). Only <see cref="RequiredFeatures"/> are enabled — never more.
/// </summary>
public sealed record VulkanDeviceOptions
{
    /// <summary>Index in <see cref="VulkanInstance.PhysicalDevices"/>; null to choose by name or type.</summary>
    public int? DeviceIndex { get; init; }

    /// <summary>Case-insensitive substring of the device name (e.g. "llvmpipe", "NVIDIA"); null to choose by type.</summary>
    public string? DeviceNameContains { get; init; }

    /// <summary>Optional features to enable; device creation fails clearly if the chosen device lacks one.</summary>
    public VulkanOptionalFeatures RequiredFeatures { get; init; }
}
