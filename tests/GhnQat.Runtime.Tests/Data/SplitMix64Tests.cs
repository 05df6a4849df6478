// The PRNG behind every shuffle and augmentation: reference outputs and unbiased bounded draws.
using GhnQat.Runtime.Data;

namespace GhnQat.Runtime.Tests.Data;

[TestFixture]
public sealed class SplitMix64Tests
{
    [Test]
    public void NextUInt64_Seed0_MatchesReferenceSequence()
    {
        // Outputs of the reference C implementation (Vigna's splitmix64.c) started from state 0.
        var rng = new SplitMix64(0);
        Assert.That(rng.NextUInt64(), Is.EqualTo(0xE220A8397B1DCDAFUL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x6E789E6AA1B965F4UL));
        Assert.That(rng.NextUInt64(), Is.EqualTo(0x06C45D188009454FUL));
    }

    [Test]
    public void NextInt32_SmallBound_InRangeAndRoughlyUniform()
    {
        var rng = new SplitMix64(5);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            counts[rng.NextInt32(7)]++;
        }
        Assert.That(counts, Is.All.InRange(9_500, 10_500));
    }

    [Test]
    public void NextInt32_BoundOne_AlwaysZero()
    {
        var rng = new SplitMix64(6);
        Assert.That(Enumerable.Range(0, 100).Select(_ => rng.NextInt32(1)), Is.All.Zero);
    }

    [Test]
    public void Mix_DifferentStreams_DifferentSeeds()
    {
        var seeds = Enumerable.Range(0, 1000).Select(i => SplitMix64.Mix(42, (ulong)i)).ToHashSet();
        Assert.That(seeds, Has.Count.EqualTo(1000));
        Assert.That(SplitMix64.Mix(42, 0), Is.Not.EqualTo(SplitMix64.Mix(43, 0)));
    }
}
