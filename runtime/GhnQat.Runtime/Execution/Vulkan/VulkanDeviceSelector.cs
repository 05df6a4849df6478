// Picks the physical device the kit will run on, by index, name substring or type preference, and checks that
// it supports Vulkan 1.2 and the requested features. Pure: works on enumerated records, testable without a GPU.
using System.Globalization;
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Chooses one device from a listing; every error message lists the devices that exist.</summary>
public static class VulkanDeviceSelector
{
    /// <summary>The minimum device API version (what vulkan1.2 SPIR-V needs).</summary>
    public static readonly Version MinimumApiVersion = new(1, 2);

    /// <summary>Returns the device named by <paramref name="options"/>, or the best one by type.</summary>
    /// <exception cref="GhnQatException">
    /// InvalidArgument when the index or name matches nothing; VulkanUnavailable when there are no devices, the chosen
    /// one is older than Vulkan 1.2, or it lacks a requested feature.
    /// </exception>
    public static VulkanPhysicalDeviceInfo Select(IReadOnlyList<VulkanPhysicalDeviceInfo> devices, VulkanDeviceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(devices);
        options ??= new VulkanDeviceOptions();
        if (devices.Count == 0)
        {
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
                "no Vulkan physical devices: run scripts/setup (apt package mesa-vulkan-drivers gives the lavapipe CPU device) " +
                "or install a GPU driver");
        }

        VulkanPhysicalDeviceInfo chosen = options switch
        {
            { DeviceIndex: int index } => ByIndex(devices, index),
            { DeviceNameContains: { } name } => ByName(devices, name),
            _ => ByType(devices),
        };
        RequireApiVersion(chosen);
        RequireFeatures(chosen, options.RequiredFeatures);
        return chosen;
    }

    /// <summary>The listing as one line per device, for messages and logs.</summary>
    public static string Describe(IReadOnlyList<VulkanPhysicalDeviceInfo> devices) =>
        devices.Count == 0 ? "(none)" : string.Join("; ", devices);

    private static VulkanPhysicalDeviceInfo ByIndex(IReadOnlyList<VulkanPhysicalDeviceInfo> devices, int index)
    {
        if (index < 0 || index >= devices.Count)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"Vulkan device index {index} does not exist; devices: {Describe(devices)}");
        }

        return devices[index];
    }

    private static VulkanPhysicalDeviceInfo ByName(IReadOnlyList<VulkanPhysicalDeviceInfo> devices, string name)
    {
        foreach (VulkanPhysicalDeviceInfo device in devices)
        {
            if (device.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                return device;
            }
        }

        throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"no Vulkan device name contains '{name}'; devices: {Describe(devices)}");
    }

    private static VulkanPhysicalDeviceInfo ByType(IReadOnlyList<VulkanPhysicalDeviceInfo> devices)
    {
        // Best rank wins; among equals the driver's order. Devices below 1.2 rank last so a usable one is preferred.
        VulkanPhysicalDeviceInfo best = devices[0];
        foreach (VulkanPhysicalDeviceInfo device in devices)
        {
            if (Rank(device) > Rank(best))
            {
                best = device;
            }
        }

        return best;
    }

    private static int Rank(VulkanPhysicalDeviceInfo device)
    {
        int type = device.DeviceType switch
        {
            PhysicalDeviceType.DiscreteGpu => 4,
            PhysicalDeviceType.IntegratedGpu => 3,
            PhysicalDeviceType.VirtualGpu => 2,
            PhysicalDeviceType.Cpu => 1,
            _ => 0,
        };
        return device.ApiVersion >= MinimumApiVersion ? type + 10 : type;
    }

    private static void RequireApiVersion(VulkanPhysicalDeviceInfo device)
    {
        if (device.ApiVersion < MinimumApiVersion)
        {
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
                $"Vulkan device '{device.Name}' supports Vulkan {device.ApiVersion}; GhnQat needs {MinimumApiVersion} or newer " +
                "(update the driver, or choose another device)");
        }
    }

    private static void RequireFeatures(VulkanPhysicalDeviceInfo device, VulkanOptionalFeatures requested)
    {
        VulkanOptionalFeatures missing = requested & ~device.Capabilities.Supported;
        if (missing != VulkanOptionalFeatures.None)
        {
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable, string.Format(CultureInfo.InvariantCulture,
                "Vulkan device '{0}' lacks requested feature(s) {1} (it supports: {2})",
                device.Name, missing, device.Capabilities.Supported));
        }
    }
}
