// Proves the validation plumbing is live: a deliberately invalid call is counted and its VUID kept, so the
// "zero validation messages" assertions in the other Vulkan tests are not vacuous.
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
}
