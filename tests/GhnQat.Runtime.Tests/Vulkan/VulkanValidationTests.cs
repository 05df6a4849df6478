// Proves the validation plumbing is live: a deliberately invalid call is counted and its VUID kept, and an object left
// alive is reported when its device is destroyed, so the "zero validation messages" assertions are not vacuous.
using System.Runtime.CompilerServices;
using GhnQat.Runtime.Execution.Vulkan;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanValidationTests
{
    [Test]
    public void ValidationErrorCount_InvalidFenceFlags_CountsErrorAndKeepsVuid()
    {
        using VulkanInstance instance = VulkanTestContext.CreateInstance();
        using (VulkanDevice device = VulkanTestContext.CreateDevice(instance))
        {
            // 0x100 is no defined VkFenceCreateFlagBits value: the layer reports it, drivers ignore unknown bits.
            var info = new FenceCreateInfo { SType = StructureType.FenceCreateInfo, Flags = (FenceCreateFlags)0x100 };
            // NullRef = no allocator (a null pointer) through Silk's by-ref overloads; the test project is not unsafe.
            ref readonly AllocationCallbacks noAllocator = ref Unsafe.NullRef<AllocationCallbacks>();
            Result created = device.Api.CreateFence(device.Handle, in info, in noAllocator, out Fence fence);
            Assert.That(created, Is.EqualTo(Result.Success));
            device.Api.DestroyFence(device.Handle, fence, in noAllocator);
        }

        Assert.That(instance.ValidationErrorCount, Is.GreaterThanOrEqualTo(1));
        Assert.That(instance.ValidationMessages, Has.Some.Contains("VUID-VkFenceCreateInfo-flags"));
    }

    [Test]
    public void ValidationErrorCount_FenceNotDestroyed_ReportedWhenTheDeviceIsDestroyed()
    {
        using VulkanInstance instance = VulkanTestContext.CreateInstance();
        using (VulkanDevice device = VulkanTestContext.CreateDevice(instance))
        {
            var info = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
            ref readonly AllocationCallbacks noAllocator = ref Unsafe.NullRef<AllocationCallbacks>();
            Result created = device.Api.CreateFence(device.Handle, in info, in noAllocator, out _);
            Assert.That(created, Is.EqualTo(Result.Success));
            Assert.That(instance.ValidationErrorCount, Is.Zero, "nothing reported before the device goes");
        }

        // This is the message a leaking worker would produce at shutdown (the soak asserts there is none).
        Assert.That(instance.ValidationErrorCount, Is.GreaterThanOrEqualTo(1));
        Assert.That(instance.ValidationMessages.Any(m => m.Contains("VkFence", StringComparison.Ordinal) && m.Contains("not been destroyed", StringComparison.Ordinal)),
            Is.True, string.Join(Environment.NewLine, instance.ValidationMessages));
    }
}
