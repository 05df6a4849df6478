// Device choice on fabricated listings (no driver needed): type preference, index and name choice, and the
// errors for a missing device, an old API version and a missing feature.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
public sealed class VulkanDeviceSelectorTests
{
    private static readonly VulkanPhysicalDeviceInfo[] Devices =
    [
        Fake(0, "llvmpipe (LLVM 15.0.6, 256 bits)", PhysicalDeviceType.Cpu),
        Fake(1, "Intel(R) UHD Graphics 620", PhysicalDeviceType.IntegratedGpu),
        Fake(2, "NVIDIA GeForce RTX 4070", PhysicalDeviceType.DiscreteGpu),
        Fake(3, "Old Discrete", PhysicalDeviceType.DiscreteGpu, new Version(1, 1, 0)),
    ];

    [Test]
    public void Select_NoOptions_PrefersDiscreteWithVulkan12()
    {
        Assert.That(VulkanDeviceSelector.Select(Devices).Index, Is.EqualTo(2));
    }

    [Test]
    public void Select_NoDiscrete_PrefersIntegratedOverCpu()
    {
        Assert.That(VulkanDeviceSelector.Select([Devices[0], Devices[1]]).Index, Is.EqualTo(1));
    }

    [Test]
    public void Select_NameSubstring_MatchesCaseInsensitively()
    {
        var chosen = VulkanDeviceSelector.Select(Devices, new VulkanDeviceOptions { DeviceNameContains = "LLVMPIPE" });

        Assert.That(chosen.Index, Is.EqualTo(0));
    }

    [Test]
    public void Select_UnknownName_ThrowsListingDevices()
    {
        var e = Assert.Throws<GhnQatException>(() =>
            VulkanDeviceSelector.Select(Devices, new VulkanDeviceOptions { DeviceNameContains = "Radeon" }));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("Radeon").And.Contain("llvmpipe").And.Contain("NVIDIA GeForce RTX 4070"));
    }

    [Test]
    public void Select_IndexOutOfRange_ThrowsListingDevices()
    {
        var e = Assert.Throws<GhnQatException>(() => VulkanDeviceSelector.Select(Devices, new VulkanDeviceOptions { DeviceIndex = 7 }));

        Assert.That(e!.Message, Does.Contain("index 7").And.Contain("[3] Old Discrete"));
    }

    [Test]
    public void Select_DeviceBelowVulkan12_ThrowsNamingDeviceAndVersion()
    {
        var e = Assert.Throws<GhnQatException>(() => VulkanDeviceSelector.Select(Devices, new VulkanDeviceOptions { DeviceIndex = 3 }));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.VulkanUnavailable));
        Assert.That(e.Message, Does.Contain("Old Discrete").And.Contain("1.1.0").And.Contain("1.2"));
    }

    [Test]
    public void Select_MissingFeature_ThrowsNamingFeature()
    {
        var options = new VulkanDeviceOptions { DeviceIndex = 1, RequiredFeatures = VulkanOptionalFeatures.ShaderIntegerDotProduct };

        var e = Assert.Throws<GhnQatException>(() => VulkanDeviceSelector.Select(Devices, options));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.VulkanUnavailable));
        Assert.That(e.Message, Does.Contain("ShaderIntegerDotProduct").And.Contain("Intel"));
    }

    [Test]
    public void Select_EmptyListing_ThrowsVulkanUnavailableNamingPackage()
    {
        var e = Assert.Throws<GhnQatException>(() => VulkanDeviceSelector.Select([]));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.VulkanUnavailable));
        Assert.That(e.Message, Does.Contain("mesa-vulkan-drivers"));
    }

    private static VulkanPhysicalDeviceInfo Fake(int index, string name, PhysicalDeviceType type, Version? api = null) => new()
    {
        Index = index,
        Name = name,
        DeviceType = type,
        ApiVersion = api ?? new Version(1, 3, 230),
        DriverName = string.Empty,
        DriverInfo = string.Empty,
        DriverVersion = 1,
        VendorId = 0,
        DeviceId = 0,
        PipelineCacheUuid = new string('0', 32),
        Capabilities = new VulkanDeviceCapabilities
        {
            Supported = VulkanOptionalFeatures.ShaderInt8 | VulkanOptionalFeatures.ShaderInt16,
            SubgroupSize = 8,
        },
    };
}
