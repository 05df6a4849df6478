// The demo's execution backend: one Vulkan instance and device for the whole run, or the CPU reference.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;

namespace GhnQat.Cli.Demo;

/// <summary>
/// Opens Vulkan once (instance and device live for the whole demo; workers come and go per net). With
/// <c>auto</c>, a machine without a Vulkan loader, driver or 1.2 device falls back to the CPU reference and says why.
/// </summary>
internal sealed class DemoBackend : IDisposable
{
    private DemoBackend(VulkanInstance? instance, VulkanDevice? device, string description, string? fallbackReason)
    {
        Instance = instance;
        Device = device;
        Description = description;
        FallbackReason = fallbackReason;
    }

    /// <summary>The Vulkan instance, or null on the CPU reference.</summary>
    public VulkanInstance? Instance { get; }

    /// <summary>The Vulkan device, or null on the CPU reference.</summary>
    public VulkanDevice? Device { get; }

    /// <summary>"vulkan (llvmpipe …)" or "cpu reference".</summary>
    public string Description { get; }

    /// <summary>Why Vulkan was not used although <c>auto</c> asked for it; null otherwise.</summary>
    public string? FallbackReason { get; }

    /// <summary>Opens the backend named by <paramref name="backend"/> (auto, vulkan, cpu).</summary>
    /// <exception cref="GhnQatException">VulkanUnavailable/VulkanError when <c>vulkan</c> was asked for and cannot be had.</exception>
    public static DemoBackend Open(string backend, string? deviceName, bool validation)
    {
        if (backend == "cpu") return new DemoBackend(null, null, "cpu reference", null);
        try
        {
            var instance = OpenInstance(validation);
            try
            {
                var device = new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = deviceName });
                return new DemoBackend(instance, device, $"vulkan ({device.Info.Name}, {device.Info.DeviceType})", null);
            }
            catch
            {
                instance.Dispose();
                throw;
            }
        }
        catch (GhnQatException e) when (backend == "auto" && e.Code is GhnQatErrorCode.VulkanUnavailable or GhnQatErrorCode.VulkanError)
        {
            return new DemoBackend(null, null, "cpu reference", e.Message);
        }
    }

    // The validation layer is a development package; without it the demo still runs, unvalidated, and says so.
    private static VulkanInstance OpenInstance(bool validation)
    {
        if (!validation) return new VulkanInstance(new VulkanInstanceOptions());
        try
        {
            return new VulkanInstance(new VulkanInstanceOptions { EnableValidation = true });
        }
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable && e.Message.Contains(VulkanInstance.ValidationLayerName, StringComparison.Ordinal))
        {
            return new VulkanInstance(new VulkanInstanceOptions());
        }
    }

    /// <summary>Devices first, then the instance.</summary>
    public void Dispose()
    {
        Device?.Dispose();
        Instance?.Dispose();
    }
}
