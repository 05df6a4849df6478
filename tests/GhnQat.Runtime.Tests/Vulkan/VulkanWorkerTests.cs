// VulkanWorker: sampled ID nets at every scheme bit-exact with CpuReference, the engine API (job, steps, iterable,
// peek vs read-back, warm-up), zero allocation per steady-state inference, CPU fallback and error paths.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanWorkerTests
{
    private static readonly string[] Schemes = ["w8a8", "w4a8", "w4a4", "w2a2"];

    // The two cheapest of a few sampled ID nets keep CI fast; the [Explicit] test covers 20.
    private static ArchSpec SmallId(int rank) => ArchSpace.Sample(ArchSplit.Id, 8, 61).OrderBy(s => s.Macs).ElementAt(rank);

    [Test]
    public void Schedule_SampledIdNets_EveryLayerBitExactWithCpuReference([Values(0, 1)] int rank, [ValueSource(nameof(Schemes))] string scheme)
    {
        var network = VulkanParity.Quantize(SmallId(rank), scheme, 1300 + rank);

        VulkanTestContext.RunValidated(device => VulkanParity.AssertMatchesCpu(device, network, 3, 1301));
    }

    [Test]
    [Explicit("about a minute per scheme on lavapipe: the acceptance run of 20 ID nets")]
    public void Schedule_TwentyIdNets_EveryLayerBitExactWithCpuReference([ValueSource(nameof(Schemes))] string scheme)
    {
        var specs = ArchSpace.Sample(ArchSplit.Id, 20, 2026);
        VulkanTestContext.RunValidated(device =>
        {
            for (int i = 0; i < specs.Count; i++)
                VulkanParity.AssertMatchesCpu(device, VulkanParity.Quantize(specs[i], scheme, 1400 + i), 4, 1401 + i);
        });
    }

    [Test]
    public void Schedule_SteadyState_AllocatesNothingOver100Runs()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w2a2", 1500);
        float[] images = TestFloatNets.Images(network.Spec.Input, 7, 1501);
        var logits = new float[7 * network.Spec.Classes];
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 7 });
            worker.Schedule(images, 7).Wait();
            worker.ReadLogits(logits);

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                VulkanJob job = worker.Schedule(images, 7);
                job.Wait();
                worker.ReadLogits(logits);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(allocated, Is.Zero, "bytes allocated by 100 Schedule + Wait + ReadLogits");
        });
    }

    [Test]
    public void Step_SmallBudget_SpreadsLayersAndMatchesSchedule()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w4a4", 1600);
        float[] images = TestFloatNets.Images(network.Spec.Input, 2, 1601);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 2 });
            worker.Schedule(images, 2).Wait();
            float[] whole = worker.PeekOutput().ToArray();

            worker.ScheduleSteps(images, 2);
            int steps = 1;
            while (!worker.Step(budgetMs: 0)) steps++;

            Assert.That(steps, Is.EqualTo(worker.KernelCount), "a zero budget runs exactly one kernel per step");
            Assert.That(worker.PeekOutput().ToArray(), Is.EqualTo(whole));
        });
    }

    [Test]
    public void ScheduleIterable_YieldsEveryKernelInOrder_AndMatchesCpuReference()
    {
        var network = VulkanParity.Quantize(SmallId(1), "w2a2", 1700);
        float[] images = TestFloatNets.Images(network.Spec.Input, 3, 1701);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 4 });

            var names = worker.ScheduleIterable(images, 3).ToList();

            Assert.That(names, Is.EqualTo(Enumerable.Range(0, worker.KernelCount).Select(worker.KernelName)));
            Assert.That(names[0], Is.EqualTo("input"));
            VulkanParity.AssertSameResults(worker, new CpuReference(network).Run(images, 3, keepCodes: true), "iterable");
        });
    }

    [Test]
    public async Task Schedule_Awaited_CompletesWithTheSameLogitsAsCpuReference()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w8a8", 1800);
        float[] images = TestFloatNets.Images(network.Spec.Input, 5, 1801);
        float[] expected = new CpuReference(network).Run(images, 5).Logits;
        var logits = new float[expected.Length];
        var instance = VulkanTestContext.CreateInstance();
        using (instance)
        {
            using var device = VulkanTestContext.CreateDevice(instance);
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 8 });
            VulkanJob job = worker.Schedule(images, 5);
            await job;
            Assert.That(job.IsCompleted, Is.True);
            worker.ReadLogits(logits);
        }

        VulkanTestContext.AssertNoValidationMessages(instance);
        Assert.That(logits, Is.EqualTo(expected));
    }

    [Test]
    public void ReadProfile_ProfilingEnabled_GivesEveryKernelATimeAndKeepsResultsExact()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w2a2", 2300);
        float[] images = TestFloatNets.Images(network.Spec.Input, 4, 2301);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 4, EnableProfiling = true });
            worker.Schedule(images, 4).Wait();
            var ms = new double[worker.KernelCount];

            worker.ReadProfile(ms);

            Assert.That(ms, Has.All.GreaterThanOrEqualTo(0.0));
            Assert.That(ms.Sum(), Is.GreaterThan(0.0));
            VulkanParity.AssertSameResults(worker, new CpuReference(network).Run(images, 4, keepCodes: true), "profiled");
        });
    }

    [Test]
    public void PipelineCache_SecondWorker_ReusesTheFileAndIgnoresADamagedOne()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w4a4", 2400);
        float[] images = TestFloatNets.Images(network.Spec.Input, 2, 2401);
        string path = Path.Combine(Path.GetTempPath(), $"ghnqat-pipeline-cache-{Guid.NewGuid():N}.bin");
        try
        {
            VulkanTestContext.RunValidated(device =>
            {
                var options = new VulkanWorkerOptions { MaxBatch = 2, PipelineCachePath = path };
                using (var first = new VulkanWorker(device, network, options))
                {
                    Assert.That(first.PipelineCacheBytesLoaded, Is.Zero, "no file yet");
                }

                Assert.That(new FileInfo(path).Length, Is.GreaterThan(52), "header + driver data written");
                using (var second = new VulkanWorker(device, network, options))
                {
                    Assert.That(second.PipelineCacheBytesLoaded, Is.GreaterThan(0));
                    second.Schedule(images, 2).Wait();
                    VulkanParity.AssertSameResults(second, new CpuReference(network).Run(images, 2, keepCodes: true), "cached pipelines");
                }

                byte[] damaged = File.ReadAllBytes(path);
                damaged[20] ^= 0xFF;   // the UUID no longer matches: the file is ignored, never handed to the driver
                File.WriteAllBytes(path, damaged);
                using var third = new VulkanWorker(device, network, options);
                Assert.That(third.PipelineCacheBytesLoaded, Is.Zero);
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Schedule_AfterDeviceLossWithFallback_RunsOnCpuBitExact()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w4a4", 1900);
        float[] images = TestFloatNets.Images(network.Spec.Input, 2, 1901);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 2, AllowCpuFallback = true });
            device.InjectDeviceLoss();

            worker.Schedule(images, 2).Wait();

            Assert.That(worker.IsUsingCpuFallback, Is.True);
            VulkanParity.AssertSameResults(worker, new CpuReference(network).Run(images, 2, keepCodes: true), "fallback");
        });
    }

    [Test]
    public void Schedule_AfterDeviceLossWithoutFallback_ThrowsVulkanDeviceLost()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w4a4", 2000);
        float[] images = TestFloatNets.Images(network.Spec.Input, 1, 2001);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 1 });
            device.InjectDeviceLoss();

            var first = Assert.Throws<GhnQatException>(() => worker.Schedule(images, 1));
            var later = Assert.Throws<GhnQatException>(() => worker.Schedule(images, 1));

            Assert.That(first!.Code, Is.EqualTo(GhnQatErrorCode.VulkanDeviceLost));
            Assert.That(first.Message, Does.Contain("vkQueueSubmit failed: VK_ERROR_DEVICE_LOST"));
            Assert.That(later!.Code, Is.EqualTo(GhnQatErrorCode.VulkanDeviceLost));
            Assert.That(later.Message, Does.Contain("failed earlier (lost)"));
        });
    }

    [Test]
    public void Schedule_MoreImagesThanMaxBatch_ThrowsInvalidArgument()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w8a8", 2100);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 2, WarmupAtLoad = false });
            float[] images = new float[3 * network.Spec.Input.ElementCount];

            var e = Assert.Throws<GhnQatException>(() => worker.Schedule(images, 3));

            Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        });
    }

    [Test]
    public void ReadCodes_UnknownTensor_ThrowsInvalidArgument()
    {
        var network = VulkanParity.Quantize(SmallId(0), "w8a8", 2200);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 1 });
            worker.Warmup();

            var e = Assert.Throws<GhnQatException>(() => worker.ReadCodes("no-such-tensor", new int[10]));

            Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        });
    }
}
