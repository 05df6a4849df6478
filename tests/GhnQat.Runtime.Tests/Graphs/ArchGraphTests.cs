// ArchGraph on hand-drawn nets: exact nodes, edges, virtual-edge distances, order, levels and parameter tensors.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Tests.Architectures;

namespace GhnQat.Runtime.Tests.Graphs;

public class ArchGraphTests
{
    private static int Find(ArchGraph g, string name) => g.Nodes.Single(n => n.Name == name).Index;

    private static int Distance(ArchGraph g, string from, string to) =>
        g.AllEdges.Single(e => e.Source == Find(g, from) && e.Target == Find(g, to)).Length;

    private static string[] Names(ArchGraph g) => g.Nodes.Select(n => n.Name).ToArray();

    [Test]
    public void Build_ResidualBlock_ExactNodesEdgesAndDistances()
    {
        var g = ArchGraph.Build(TestNets.Residual());
        Assert.That(Names(g), Is.EqualTo(new[] { "input", "c1", "b1", "c2", "b2", "c3", "b3", "a", "g", "fc", "fc.bias" }));
        Assert.That(g.Nodes.Select(n => n.Op), Is.EqualTo(new[]
        {
            GhnOp.Input, GhnOp.Conv, GhnOp.Bn, GhnOp.Conv, GhnOp.Bn, GhnOp.Conv, GhnOp.Bn, GhnOp.Sum, GhnOp.GlobAvg,
            GhnOp.Conv, GhnOp.Bias,
        }));
        Assert.That(g.Edges, Has.Count.EqualTo(11));
        Assert.That(g.Predecessors(Find(g, "a")), Is.EquivalentTo(new[] { Find(g, "b3"), Find(g, "b1") }));
        // The skip makes input → a three hops (input, c1, b1, a) although the main path has six.
        Assert.That(Distance(g, "input", "a"), Is.EqualTo(3));
        Assert.That(Distance(g, "c2", "a"), Is.EqualTo(4));
        Assert.That(Distance(g, "b1", "g"), Is.EqualTo(2));
        Assert.That(Distance(g, "input", "fc.bias"), Is.EqualTo(6));
        Assert.That(g.VirtualEdges.Count(e => e.Source == 0), Is.EqualTo(9));
        Assert.That(g.ParameterCount, Is.EqualTo(1362));
    }

    [Test]
    public void Build_ResidualBlock_LevelsAreLongestPaths()
    {
        var g = ArchGraph.Build(TestNets.Residual());
        Assert.That(g.Nodes.Select(n => n.ForwardLevel), Is.EqualTo(Enumerable.Range(0, 11)));
        Assert.That(g.Nodes[Find(g, "b1")].BackwardLevel, Is.EqualTo(8), "via c2…b3 to a, not the skip");
        Assert.That(g.Nodes[Find(g, "input")].BackwardLevel, Is.EqualTo(10));
        Assert.That(g.ForwardLevels.All(l => l.Count == 1), Is.True);
    }

    [Test]
    public void Build_InvertedResidual_SepConvSumPoolAndNoClassifierBias()
    {
        var g = ArchGraph.Build(TestNets.InvertedResidual());
        Assert.That(Names(g), Is.EqualTo(new[]
        {
            "input", "stem", "stem_bn", "exp", "exp_bn", "dw", "dw_bn", "proj", "proj_bn", "add", "pool", "gap", "fc",
        }));
        Assert.That(g.Nodes[Find(g, "dw")].Op, Is.EqualTo(GhnOp.SepConv));
        Assert.That(g.Nodes[Find(g, "add")].Op, Is.EqualTo(GhnOp.Sum));
        Assert.That(g.Nodes[Find(g, "pool")].Op, Is.EqualTo(GhnOp.MaxPool));
        Assert.That(g.Edges, Has.Count.EqualTo(13));
        Assert.That(Distance(g, "stem_bn", "add"), Is.EqualTo(1));
        Assert.That(Distance(g, "input", "add"), Is.EqualTo(3));
        Assert.That(Distance(g, "stem_bn", "pool"), Is.EqualTo(2));
        Assert.That(Distance(g, "exp", "fc"), Is.EqualTo(9));
        Assert.That(g.ClassifierWeightIndex, Is.EqualTo(g.Nodes.Count - 1));
        Assert.That(g.ClassifierBiasIndex, Is.EqualTo(-1));
        Assert.That(g.Parameters[^1].Role, Is.EqualTo(ParameterRole.ClassifierWeight));
        Assert.That(g.ParameterCount, Is.EqualTo(3248));
    }

    [Test]
    public void Build_InvertedResidual_NodeFeaturesFollowGhn2()
    {
        var g = ArchGraph.Build(TestNets.InvertedResidual());
        var v = g.Vocabulary;
        var dw = g.Nodes[Find(g, "dw")];
        Assert.That(dw.Shape4, Is.EqualTo(new[] { 64, 1, 3, 3 }));
        Assert.That(dw.ShapeIndices, Is.EqualTo(new[] { v.ChannelIndex(64), 0, 1, 1 }));
        var bn = g.Nodes[Find(g, "exp_bn")];
        Assert.That(bn.Shape4, Is.EqualTo(new[] { 64, 1, 1, 1 }));
        var pool = g.Nodes[Find(g, "pool")];
        Assert.That(pool.Shape4, Is.EqualTo(new[] { 1, 1, 2, 2 }));
        Assert.That(pool.ShapeIndices[2], Is.EqualTo(1), "a 2×2 kernel is embedded as 3×3");
        var fc = g.Nodes[Find(g, "fc")];
        Assert.That(fc.Shape4, Is.EqualTo(new[] { 10, 16, 1, 1 }));
        foreach (string name in new[] { "input", "add", "gap" })
        {
            var n = g.Nodes[Find(g, name)];
            Assert.That(n.ShapeIndices, Is.EqualTo(new[] { v.DummyChannelIndex, v.DummyChannelIndex, v.DummySpatialIndex, v.DummySpatialIndex }));
            Assert.That(n.HasParameters, Is.False);
        }
        Assert.That(g.Nodes[0].OpIndex, Is.EqualTo(9));
    }

    [Test]
    public void Build_BnFreeChain_BiasNodesAfterWeightsAndAllPairsVirtualEdges()
    {
        var g = ArchGraph.Build(TestNets.BnFree());
        Assert.That(Names(g), Is.EqualTo(new[] { "input", "c1", "c1.bias", "p", "c2", "c2.bias", "g", "fc", "fc.bias" }));
        Assert.That(g.Nodes[Find(g, "p")].Op, Is.EqualTo(GhnOp.AvgPool));
        Assert.That(g.Edges, Has.Count.EqualTo(8));
        Assert.That(g.VirtualEdges, Has.Count.EqualTo(28), "a 9-node chain has C(9,2) − 8 longer pairs");
        Assert.That(Distance(g, "input", "fc.bias"), Is.EqualTo(8));
        Assert.That(g.ClassifierWeightIndex, Is.EqualTo(7));
        Assert.That(g.ClassifierBiasIndex, Is.EqualTo(8));
        Assert.That(g.Nodes[^1].IsClassifierBias && g.Nodes[^2].IsClassifierWeight, Is.True);
        Assert.That(g.Parameters.Select(p => p.Name), Is.EqualTo(new[]
        {
            "c1.weight", "c1.bias", "c2.weight", "c2.bias", "fc.weight", "fc.bias",
        }));
        Assert.That(g.Parameters.Select(p => p.Role), Is.EqualTo(new[]
        {
            ParameterRole.ConvWeight, ParameterRole.Bias, ParameterRole.ConvWeight, ParameterRole.Bias,
            ParameterRole.ClassifierWeight, ParameterRole.ClassifierBias,
        }));
        Assert.That(g.Parameters[2].Shape, Is.EqualTo(new[] { 16, 8, 3, 3 }));
        Assert.That(g.ParameterCount, Is.EqualTo(1418));
    }

    [Test]
    public void Build_VirtualEdgeCutoff_DropsLongerPairs()
    {
        var g = ArchGraph.Build(TestNets.BnFree(), maxVirtualEdgeLength: 3);
        Assert.That(g.VirtualEdges.Max(e => e.Length), Is.EqualTo(3));
        Assert.That(g.VirtualEdges, Has.Count.EqualTo(7 + 6));
        Assert.That(ArchGraph.Build(TestNets.BnFree(), maxVirtualEdgeLength: 1).VirtualEdges, Is.Empty);
    }

    [Test]
    public void Build_AddOfActivationAndItsSource_NoSumNode()
    {
        var b = new ArchSpecBuilder("collapse", TestNets.Mnist, 10);
        string bn = b.BatchNorm("bn", b.Conv("c", "input", 4, 3));
        b.Linear("fc", b.Gap("g", b.Sum("s", b.Relu("r", bn), bn)), 10);
        var g = ArchGraph.Build(b.Build());
        // relu is removed, so both add inputs are the bn node: one incoming edge, no sum node (GHN-2 rule).
        Assert.That(Names(g), Is.EqualTo(new[] { "input", "c", "bn", "g", "fc", "fc.bias" }));
    }

    [Test]
    public void Build_DilatedConvs_GroupedIsDilConvDenseIsConv()
    {
        var b = new ArchSpecBuilder("dil", TestNets.Mnist, 10);
        string x = b.Conv("dense", "input", 8, 3, dilation: 2);
        x = b.Conv("grouped", x, 8, 3, groups: 8, dilation: 2);
        b.Linear("fc", b.Gap("g", x), 10);
        var g = ArchGraph.Build(b.Build());
        Assert.That(g.Nodes[Find(g, "dense")].Op, Is.EqualTo(GhnOp.Conv));
        Assert.That(g.Nodes[Find(g, "grouped")].Op, Is.EqualTo(GhnOp.DilConv));
    }

    [Test]
    public void Build_AnyNet_ForwardLevelsPrecedeEverySuccessor()
    {
        var g = ArchGraph.Build(TestNets.InvertedResidual());
        foreach (var e in g.AllEdges)
        {
            Assert.That(g.Nodes[e.Source].ForwardLevel, Is.LessThan(g.Nodes[e.Target].ForwardLevel));
            Assert.That(g.Nodes[e.Source].BackwardLevel, Is.GreaterThan(g.Nodes[e.Target].BackwardLevel));
        }
        Assert.That(g.ForwardLevels.SelectMany(l => l).Order(), Is.EqualTo(Enumerable.Range(0, g.Nodes.Count)));
    }
}
