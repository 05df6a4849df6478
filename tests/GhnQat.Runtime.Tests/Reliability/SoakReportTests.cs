// The soak report's arithmetic: deviation counts both directions, growth only the one a leak moves the heap in.
using GhnQat.Runtime.Diagnostics;

namespace GhnQat.Runtime.Tests.Reliability;

[TestFixture]
public sealed class SoakReportTests
{
    [Test]
    public void ManagedHeap_FallThenRise_DeviationIsTheFallAndGrowthTheRise()
    {
        SoakReport report = Report(1000, 1000, 970, 1004);

        Assert.Multiple(() =>
        {
            Assert.That(report.ManagedMaxDeviationBytes, Is.EqualTo(30));
            Assert.That(report.ManagedMaxGrowthBytes, Is.EqualTo(4));
            Assert.That(report.ManagedMaxGrowth, Is.EqualTo(0.004));
        });
    }

    [Test]
    public void ManagedHeap_OnlyFalling_GrowthIsZero()
    {
        SoakReport report = Report(1000, 990, 980);

        Assert.That((report.ManagedMaxGrowthBytes, report.ManagedMaxDeviationBytes), Is.EqualTo((0L, 20L)));
    }

    private static SoakReport Report(params long[] managed) => new()
    {
        Inferences = managed.Length,
        WarmupInferences = 1,
        JitSettledBeforeBaseline = true,
        Samples = managed.Select((m, i) => new SoakSample(i + 1, i, m, ResidentMemory.Unavailable, ResidentMemory.Unavailable, -1, 0)).ToArray(),
        SteadyStateAllocatedBytes = 0,
        VulkanObjectsCreatedAfterWarmup = -1,
        NativeHeapTrimmed = false,
        Mismatches = 0,
        Seconds = 1,
    };
}
