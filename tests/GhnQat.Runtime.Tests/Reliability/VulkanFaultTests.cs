// Faults of the Vulkan backend (issue 8 item 4): no loader → VulkanUnavailable naming it; a device lost while a job
// runs → VulkanDeviceLost, clean disposal, and a recreated device and worker that give exact results again.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Tests.Networks;
using GhnQat.Runtime.Tests.Vulkan;

namespace GhnQat.Runtime.Tests.Reliability;

[TestFixture]
public sealed class VulkanFaultTests
{
    [Test]
    public void VulkanInstance_LoaderLibraryMissing_ThrowsVulkanUnavailableNamingIt()
    {
        var options = new VulkanInstanceOptions { LoaderLibrary = "libvulkan-ghnqat-missing.so.1" };

        var e = Assert.Throws<GhnQatException>(() => new VulkanInstance(options).Dispose());

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.VulkanUnavailable));
        Assert.That(e.Message, Does.Contain("libvulkan-ghnqat-missing.so.1").And.Contain("could not be loaded").And.Contain("scripts/setup"));
    }

    [Test]
    [Category("Vulkan")]
    public void Wait_DeviceLostWhileRunning_ThrowsVulkanDeviceLost_AndARecreatedWorkerIsExact()
    {
        var network = VulkanParity.Quantize(VulkanParity.SmallIdNet(1), "w4a4", 3300);
        float[] images = TestFloatNets.Images(network.Spec.Input, 3, 3301);
        CpuReferenceResult expected = new CpuReference(network).Run(images, 3, keepCodes: true);
        VulkanObjectCounter? lostDeviceObjects = null;
        GhnQatException? onWait = null, onNextSchedule = null;

        VulkanTestContext.RunValidated(instance =>
        {
            VulkanDevice device = VulkanTestContext.CreateDevice(instance);
            lostDeviceObjects = device.Objects;
            using (device)
            using (var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 3 }))
            {
                VulkanJob job = worker.Schedule(images, 3);   // really submitted: disposal must wait for it
                device.InjectDeviceLoss();

                onWait = Assert.Throws<GhnQatException>(() => job.Wait());
                onNextSchedule = Assert.Throws<GhnQatException>(() => worker.Schedule(images, 3));
            }

            using var fresh = VulkanTestContext.CreateDevice(instance);
            using var recreated = new VulkanWorker(fresh, network, new VulkanWorkerOptions { MaxBatch = 3 });
            recreated.Schedule(images, 3).Wait();
            VulkanParity.AssertSameResults(recreated, expected, "worker recreated after a device loss");
        });

        Assert.Multiple(() =>
        {
            Assert.That(onWait!.Code, Is.EqualTo(GhnQatErrorCode.VulkanDeviceLost));
            Assert.That(onWait.Message, Does.Contain("vkWaitForFences failed: VK_ERROR_DEVICE_LOST").And.Contain("create new ones"));
            Assert.That(onNextSchedule!.Code, Is.EqualTo(GhnQatErrorCode.VulkanDeviceLost));
            Assert.That(onNextSchedule.Message, Does.Contain("failed earlier (lost)"));
            Assert.That(lostDeviceObjects!.TotalCreated, Is.GreaterThan(0));
            Assert.That(lostDeviceObjects.TotalLive, Is.Zero, $"objects of the lost device left alive: {lostDeviceObjects}");
        });
    }

    [Test]
    [Category("Vulkan")]
    public void Wait_DeviceLostWhileRunningWithFallback_FinishesOnCpuBitExact()
    {
        var network = VulkanParity.Quantize(VulkanParity.SmallIdNet(0), "w2a2", 3400);
        float[] images = TestFloatNets.Images(network.Spec.Input, 2, 3401);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 2, AllowCpuFallback = true });
            VulkanJob job = worker.Schedule(images, 2);
            device.InjectDeviceLoss();

            job.Wait();

            Assert.That(worker.IsUsingCpuFallback, Is.True);
            VulkanParity.AssertSameResults(worker, new CpuReference(network).Run(images, 2, keepCodes: true), "fallback after a loss mid-job");
        });
    }
}
