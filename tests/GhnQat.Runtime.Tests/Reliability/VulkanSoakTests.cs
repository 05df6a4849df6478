// The CI soak (issue 8 item 3): 1000 one-image inferences through one VulkanWorker after a warm-up that lasts until the
// JIT has settled, with managed heap and RSS flat within 1 %, nothing allocated or created per inference, every Vulkan
// object destroyed and the validation layer silent at shutdown.
using System.Globalization;
using GhnQat.Runtime.Diagnostics;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Tests.Networks;
using GhnQat.Runtime.Tests.Vulkan;

namespace GhnQat.Runtime.Tests.Reliability;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanSoakTests
{
    // Flat = within 1 % of the baseline, for the RSS both after and before malloc_trim, and for the managed heap no more
    // than 1 % above it (docs/reliability.md, "Soak"). No absolute floor: once the JIT has settled all stay within a few
    // KB. The managed heap is the whole test host's: earlier tests' pooled buffers, released by the host's own full
    // collections at a time of their choosing, once made it fall 1.38 % mid-run while this thread allocated 0 B.
    private const double FlatFraction = 0.01;

    [Test]
    public void RunVulkan_ThousandInferencesAfterWarmup_MemoryFlatAndNothingCreatedOrLeaked()
    {
        var network = VulkanParity.Quantize(VulkanParity.SmallIdNet(0), "w4a4", 3100);
        float[] images = TestFloatNets.Images(network.Spec.Input, 16, 3101);
        // 1000 measured inferences after at least 1000 of warm-up, which goes on until the JIT has compiled nothing for
        // SoakRunner.JitQuietSeconds (code the tiered JIT compiles later, and its slab cache, move the RSS by up to 3 MB),
        // but at most 10 s more: the test host's own threads (its parent-process watch, timers, the thread pool) keep
        // tiering up code for a minute or more; what they compile later moved the RSS by at most 0.4 % (docs).
        var options = new SoakOptions { Inferences = 2000, WarmupInferences = 1000, Samples = 10, MaxJitSettleSeconds = 10 };
        SoakReport? report = null;
        VulkanObjectCounter? objects = null;

        VulkanTestContext.RunValidated(device =>
        {
            objects = device.Objects;
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 1 });
            report = SoakRunner.RunVulkan(worker, images, 16, options);
        });

        TestContext.Out.WriteLine(Describe(report!));
        TestContext.Out.WriteLine($"Vulkan objects created/destroyed: {objects}");
        Assert.Multiple(() =>
        {
            Assert.That(report!.Mismatches, Is.Zero, "inferences whose logits differ from CpuReference");
            Assert.That(report.SteadyStateAllocatedBytes, Is.Zero, "managed bytes allocated by 1000 steady-state inferences");
            Assert.That(report.VulkanObjectsCreatedAfterWarmup, Is.Zero, "Vulkan objects created after warm-up");
            Assert.That(report.Samples.Select(s => s.LiveVulkanObjects).Distinct().Count(), Is.EqualTo(1), "live Vulkan objects stay constant");
            Assert.That(report.ManagedMaxGrowth, Is.LessThanOrEqualTo(FlatFraction), "managed heap growth, relative to its baseline");
            Assert.That(report.ResidentMaxDeviation, Is.LessThanOrEqualTo(FlatFraction), "RSS after malloc_trim, relative to its baseline");
            Assert.That(report.ResidentBeforeTrimMaxDeviation, Is.LessThanOrEqualTo(FlatFraction), "RSS before malloc_trim, relative to its baseline");
            Assert.That(report.NativeHeapTrimmed, Is.EqualTo(OperatingSystem.IsLinux()), "malloc_trim available (glibc)");
            Assert.That(objects!.TotalCreated, Is.GreaterThan(0));
            foreach (VulkanObjectKind kind in Enum.GetValues<VulkanObjectKind>())
                Assert.That(objects.Destroyed(kind), Is.EqualTo(objects.Created(kind)), $"{kind} created vs destroyed");
        });
    }

    private static string Describe(SoakReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Inferences} inferences ({r.WarmupInferences} warm-up, JIT settled: {r.JitSettledBeforeBaseline}, methods compiled after: " +
        $"{r.JitCompiledMethodsAfterWarmup}) in {r.Seconds:F2} s; managed baseline {r.Baseline.ManagedBytes} B, " +
        $"max deviation {r.ManagedMaxDeviationBytes} B ({r.ManagedMaxDeviation:P3}), growth {r.ManagedMaxGrowthBytes} B ({r.ManagedMaxGrowth:P3}); RSS baseline {r.Baseline.Resident.TotalBytes} B, " +
        $"max deviation {r.ResidentMaxDeviationBytes} B ({r.ResidentMaxDeviation:P3}) after trim, {r.ResidentBeforeTrimMaxDeviationBytes} B " +
        $"({r.ResidentBeforeTrimMaxDeviation:P3}) before; steady-state allocation {r.SteadyStateAllocatedBytes} B; " +
        $"samples (managed, RSS, RSS before trim): " +
        $"{string.Join(" ", r.Samples.Select(s => $"{s.Inference}:{s.ManagedBytes},{s.Resident.TotalBytes},{s.ResidentBeforeTrim.TotalBytes}"))}");
}
