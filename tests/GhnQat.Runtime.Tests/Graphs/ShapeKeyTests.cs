// GHN-2's decoder grouping keys (brief §2.1) on hand-drawn nets.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Tests.Architectures;

namespace GhnQat.Runtime.Tests.Graphs;

public class ShapeKeyTests
{
    private static string Key(ArchGraph g, string name) =>
        ShapeKey.For(g.Nodes.Single(n => n.Name == name))?.ToString() ?? "none";

    [Test]
    public void For_EachTensorKind_FollowsGhn2Layout()
    {
        var ir = ArchGraph.Build(TestNets.InvertedResidual());
        Assert.That(Key(ir, "stem"), Is.EqualTo("(16, 1, 3, 3)"), "16 < 64/2 stays 16");
        Assert.That(Key(ir, "dw"), Is.EqualTo("(64, 1, 3, 3)"));
        Assert.That(Key(ir, "proj"), Is.EqualTo("(16, 64, 1, 1)"));
        Assert.That(Key(ir, "exp_bn"), Is.EqualTo("(64, 0)"));
        Assert.That(Key(ir, "stem_bn"), Is.EqualTo("(16, 0)"));
        Assert.That(Key(ir, "fc"), Is.EqualTo("(10, 16)"), "classifier weight: 2 values");
        Assert.That(Key(ir, "pool"), Is.EqualTo("none"));
        var chain = ArchGraph.Build(TestNets.BnFree());
        Assert.That(Key(chain, "fc.bias"), Is.EqualTo("(10, -1)"));
        Assert.That(Key(chain, "c1.bias"), Is.EqualTo("(8, 0)"));
        Assert.That(Key(chain, "c2"), Is.EqualTo("(16, 8, 3, 3)"));
    }

    [Test]
    public void For_ChannelsDivisibleByThree_RoundedUpToMultipleOfFour()
    {
        var b = new ArchSpecBuilder("k", TestNets.Mnist, 10);
        string x = b.Conv("c24", "input", 24, 3);
        x = b.Conv("c12", x, 12, 5);
        b.Linear("fc", b.Gap("g", x), 10);
        var g = ArchGraph.Build(b.Build());
        // 24 → 32 (≥ 32 → 64); 12 → 16; in 1 stays 1; 24 in → 64.
        Assert.That(Key(g, "c24"), Is.EqualTo("(64, 1, 3, 3)"));
        Assert.That(Key(g, "c12"), Is.EqualTo("(16, 64, 5, 5)"));
    }
}
