// The seeded He-normal initializer: determinism, fan-in scaling, BN and bias defaults.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Tests.Networks;

[TestFixture]
public sealed class KaimingInitializerTests
{
    private static ArchSpec WideConvNet()
    {
        var b = new ArchSpecBuilder("kaiming", new ActivationShape(16, 8, 8), 10);
        string x = b.Relu("r", b.BatchNorm("bn", b.Conv("c", "input", 64, 3, bias: true)));
        b.Linear("fc", b.Gap("g", x), 10);
        return b.Build();
    }

    [Test]
    public void Create_SameSeed_GivesIdenticalTensors()
    {
        var a = KaimingInitializer.Create(WideConvNet(), 41);
        var b = KaimingInitializer.Create(WideConvNet(), 41);

        foreach (var p in a.Parameters) Assert.That(a.Tensor(p.Name).ToArray(), Is.EqualTo(b.Tensor(p.Name).ToArray()), p.Name);
    }

    [Test]
    public void Create_DifferentSeeds_GiveDifferentWeights()
    {
        var a = KaimingInitializer.Create(WideConvNet(), 42);
        var b = KaimingInitializer.Create(WideConvNet(), 43);

        Assert.That(a.Tensor("c.weight").ToArray(), Is.Not.EqualTo(b.Tensor("c.weight").ToArray()));
    }

    [TestCase("c.weight", 16 * 3 * 3)]
    [TestCase("fc.weight", 64)]
    public void Create_Weights_HaveZeroMeanAndFanInStd(string name, int fanIn)
    {
        var w = KaimingInitializer.Create(WideConvNet(), 44).Tensor(name).ToArray();
        double mean = w.Average(v => (double)v);
        double std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        double expected = Math.Sqrt(2.0 / fanIn);

        // 9216 (conv) or 640 (fc) draws: the sample std is within a few percent, the mean within a few std/√n.
        Assert.That(std, Is.EqualTo(expected).Within(expected * (name == "c.weight" ? 0.03 : 0.1)));
        Assert.That(Math.Abs(mean), Is.LessThan(5 * expected / Math.Sqrt(w.Length)));
    }

    [Test]
    public void Create_BnAndBiases_AreOneAndZero()
    {
        var net = KaimingInitializer.Create(WideConvNet(), 45);

        Assert.That(net.Tensor("bn.weight").ToArray(), Is.All.EqualTo(1f));
        Assert.That(net.Tensor("bn.bias").ToArray(), Is.All.EqualTo(0f));
        Assert.That(net.Tensor("c.bias").ToArray(), Is.All.EqualTo(0f));
        Assert.That(net.Tensor("fc.bias").ToArray(), Is.All.EqualTo(0f));
    }
}
