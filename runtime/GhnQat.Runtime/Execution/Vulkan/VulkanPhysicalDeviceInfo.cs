// One entry of the physical-device listing: identity (name, type, API, driver, cache UUID) plus capabilities.
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>A physical device as the instance enumerates it; immutable, valid while the instance lives.</summary>
public sealed record VulkanPhysicalDeviceInfo
{
    /// <summary>Position in the driver's enumeration order (what <see cref="VulkanDeviceOptions.DeviceIndex"/> names).</summary>
    public required int Index { get; init; }

    /// <summary>Device name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".</summary>
    public required string Name { get; init; }

    /// <summary>Discrete, integrated, virtual GPU, CPU (lavapipe) or other.</summary>
    public required PhysicalDeviceType DeviceType { get; init; }

    /// <summary>Highest Vulkan version the device supports.</summary>
    public required Version ApiVersion { get; init; }

    /// <summary>Driver name (Vulkan 1.2 properties), e.g. "llvmpipe"; empty when the device is older.</summary>
    public required string DriverName { get; init; }

    /// <summary>Driver description, e.g. "Mesa 22.3.6 (LLVM 15.0.6)"; empty when the device is older.</summary>
    public required string DriverInfo { get; init; }

    /// <summary>Vendor-encoded driver version, as reported.</summary>
    public required uint DriverVersion { get; init; }

    /// <summary>PCI vendor id (or Khronos id, 0x10005 for Mesa).</summary>
    public required uint VendorId { get; init; }

    /// <summary>Vendor's device id.</summary>
    public required uint DeviceId { get; init; }

    /// <summary>pipelineCacheUUID as 32 lower-case hex digits; a pipeline cache is valid only for the same value.</summary>
    public required string PipelineCacheUuid { get; init; }

    /// <summary>Detected features and limits.</summary>
    public required VulkanDeviceCapabilities Capabilities { get; init; }

    /// <summary>Whether the device lists VK_KHR_shader_integer_dot_product (needed to enable it under API 1.2).</summary>
    internal bool HasIntegerDotProductExtension { get; init; }

    /// <summary>The native handle; valid while the instance lives.</summary>
    internal PhysicalDevice Handle { get; init; }

    /// <summary>One line for listings and error messages: "[0] name (Cpu, Vulkan 1.3.230, llvmpipe)".</summary>
    public override string ToString() =>
        $"[{Index}] {Name} ({DeviceType}, Vulkan {ApiVersion}{(DriverName.Length > 0 ? ", " + DriverName : string.Empty)})";
}
