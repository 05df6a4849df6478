// Every kind of Vulkan object the kit creates is counted and destroyed again: a worker with profiling and a pipeline
// cache, plus a staging copy through the device's transfer runner, leave created == destroyed for every kind.
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Tests.Networks;
using GhnQat.Runtime.Tests.Vulkan;

namespace GhnQat.Runtime.Tests.Reliability;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanObjectCountTests
{
    [Test]
    public void Dispose_WorkerWithEveryOptionAndAStagingCopy_DestroysEveryCreatedObject()
    {
        var network = VulkanParity.Quantize(VulkanParity.SmallIdNet(0), "w8a8", 3200);
        float[] images = TestFloatNets.Images(network.Spec.Input, 2, 3201);
        string cachePath = Path.Combine(Path.GetTempPath(), $"ghnqat-objects-{Guid.NewGuid():N}.bin");
        VulkanObjectCounter? objects = null;
        long liveWithWorker = 0;
        try
        {
            VulkanTestContext.RunValidated(device =>
            {
                objects = device.Objects;
                var options = new VulkanWorkerOptions { MaxBatch = 2, EnableProfiling = true, PipelineCachePath = cachePath };
                using (var worker = new VulkanWorker(device, network, options))
                {
                    worker.Schedule(images, 2).Wait();
                    liveWithWorker = objects.TotalLive;
                }

                // A buffer that is not host-mapped goes through a staging buffer and the device's transfer runner.
                using var unmapped = new VulkanBuffer(device, 64, VulkanBufferUsage.Storage, allowHostMapping: false);
                unmapped.Upload<uint>([1, 2, 3, 4]);
            });
        }
        finally
        {
            File.Delete(cachePath);
        }

        TestContext.Out.WriteLine($"created/destroyed: {objects}");
        Assert.That(liveWithWorker, Is.GreaterThan(0));
        Assert.Multiple(() =>
        {
            foreach (VulkanObjectKind kind in Enum.GetValues<VulkanObjectKind>())
            {
                Assert.That(objects!.Created(kind), Is.GreaterThan(0), $"{kind} is never created here: the test no longer covers it");
                Assert.That(objects.Destroyed(kind), Is.EqualTo(objects.Created(kind)), $"{kind} created vs destroyed");
            }
        });
    }
}
