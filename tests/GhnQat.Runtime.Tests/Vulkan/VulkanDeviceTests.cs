// Bring-up on the real driver: device listing (lavapipe is a CPU device), capability detection, enabling requested
// features, and the error for a missing device name — all under the validation layer.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanDeviceTests
{
    [Test]
    public void PhysicalDevices_LavapipeOnly_ListedAsCpuDeviceAndChosenByDefault()
    {
        VulkanTestContext.RunValidated(instance =>
        {
            IReadOnlyList<VulkanPhysicalDeviceInfo> devices = instance.PhysicalDevices;
            TestContext.Out.WriteLine(VulkanDeviceSelector.Describe(devices));
            VulkanPhysicalDeviceInfo[] lavapipe = [.. devices.Where(d => d.DriverName == "llvmpipe" || d.Name.StartsWith("llvmpipe", StringComparison.Ordinal))];
            if (lavapipe.Length == 0)
            {
                VulkanTestContext.Unavailable(
                    $"lavapipe (apt package mesa-vulkan-drivers) is not listed; devices: {VulkanDeviceSelector.Describe(devices)}");
            }

            Assert.That(lavapipe.Select(d => d.DeviceType), Is.All.EqualTo(PhysicalDeviceType.Cpu));
            if (devices.Count == 1)
            {
                Assert.That(VulkanDeviceSelector.Select(devices), Is.SameAs(lavapipe[0]));
            }
        });
    }

    [Test]
    public void PhysicalDevices_Any_ReportVersionSubgroupAndComputeLimits()
    {
        VulkanTestContext.RunValidated(instance =>
        {
            VulkanPhysicalDeviceInfo device = VulkanDeviceSelector.Select(instance.PhysicalDevices);
            VulkanDeviceCapabilities caps = device.Capabilities;
            TestContext.Out.WriteLine($"{device} driver '{device.DriverInfo}' cache {device.PipelineCacheUuid}: {caps}");

            Assert.Multiple(() =>
            {
                Assert.That(device.ApiVersion, Is.GreaterThanOrEqualTo(new Version(1, 2)));
                Assert.That(device.PipelineCacheUuid, Has.Length.EqualTo(32));
                Assert.That(caps.SubgroupSize, Is.GreaterThan(0u), "subgroup size is queried, never assumed");
                Assert.That(caps.MaxStorageBufferRange, Is.GreaterThanOrEqualTo(1ul << 27), "spec minimum is 2^27 bytes");
                Assert.That(caps.MaxComputeSharedMemorySize, Is.GreaterThanOrEqualTo(16384u));
                Assert.That(caps.MaxWorkGroupSizeX, Is.GreaterThanOrEqualTo(128u));
                Assert.That(caps.MaxPushConstantsSize, Is.GreaterThanOrEqualTo(128u));
            });
        });
    }

    [Test]
    public void CreateDevice_UnknownName_ThrowsNamingExistingDevices()
    {
        VulkanTestContext.RunValidated(instance =>
        {
            string existing = VulkanDeviceSelector.Select(instance.PhysicalDevices).Name;

            var e = Assert.Throws<GhnQatException>(() =>
                new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = "no-such-gpu-9000" }).Dispose());

            Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
            Assert.That(e.Message, Does.Contain("no-such-gpu-9000").And.Contain(existing));
        });
    }

    [Test]
    public void CreateDevice_SupportedFeaturesRequested_EnablesExactlyThose()
    {
        VulkanTestContext.RunValidated(instance =>
        {
            VulkanOptionalFeatures wanted = VulkanOptionalFeatures.ShaderInt8 | VulkanOptionalFeatures.StorageBuffer8BitAccess
                | VulkanOptionalFeatures.ShaderInt16 | VulkanOptionalFeatures.ShaderIntegerDotProduct;
            wanted &= VulkanDeviceSelector.Select(instance.PhysicalDevices).Capabilities.Supported;
            using VulkanDevice device = VulkanTestContext.CreateDevice(instance, wanted);

            Assert.That(device.EnabledFeatures, Is.EqualTo(wanted));
        });
    }
}
