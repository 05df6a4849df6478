// ArchSpec validation: every rule rejects with a message naming the node; shapes, parameters and MACs are exact.
using System.Diagnostics;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Tests.Architectures;

public class ArchSpecValidationTests
{
    private static ArchSpec Make(params ArchNode[] body)
    {
        string last = body.Length == 0 ? "input" : body[^1].Id;
        return new ArchSpec("t", TestNets.Mnist, 10, [.. body, ArchNode.GlobalAvgPool("g", last), ArchNode.Linear("fc", "g", 10)]);
    }

    private static void AssertRejects(TestDelegate build, params string[] fragments)
    {
        var e = Assert.Throws<GhnQatException>(build)!;
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidArchSpec));
        foreach (string f in fragments) Assert.That(e.Message, Does.Contain(f));
    }

    [Test]
    public void Constructor_HandDrawnNets_ExactShapesParametersAndMacs()
    {
        var ir = TestNets.InvertedResidual();
        Assert.That(ir.ShapeOf("exp"), Is.EqualTo(new ActivationShape(64, 28, 28)));
        Assert.That(ir.ShapeOf("pool"), Is.EqualTo(new ActivationShape(16, 14, 14)));
        Assert.That(ir.ShapeOf("gap"), Is.EqualTo(new ActivationShape(16, 1, 1, IsVector: true)));
        Assert.That(ir.ParameterCount, Is.EqualTo(3248));
        Assert.That(ir.Macs, Is.EqualTo(2_170_272));
        Assert.That(ir.Depth, Is.EqualTo(5));
        Assert.That(TestNets.Residual().ParameterCount, Is.EqualTo(1362));
        var bnfree = TestNets.BnFree();
        Assert.That(bnfree.ParameterCount, Is.EqualTo(1418));
        Assert.That(bnfree.ShapeOf("c2"), Is.EqualTo(new ActivationShape(16, 7, 7)));
    }

    [Test]
    public void Constructor_Cycle_NamesNodesOfCycle()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "c", 4, 3), ArchNode.Conv("b", "a", 4, 3), ArchNode.Conv("c", "b", 4, 3)),
            "part of a cycle", "a -> b -> c -> a");
    }

    [Test]
    public void Constructor_SelfLoop_NamesNode()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "a", 4, 3)), "node 'a': reads its own output");
    }

    [Test]
    public void Constructor_DanglingInput_NamesNodeAndInput()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "nowhere", 4, 3)), "node 'a': input 'nowhere' is not a node id");
    }

    [Test]
    public void Constructor_DuplicateId_NamesNode()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "input", 4, 3), ArchNode.Relu("a", "a")), "node 'a': duplicate id");
    }

    [Test]
    public void Constructor_AddChannelMismatch_NamesNodeAndShapes()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "input", 8, 3), ArchNode.Conv("b", "a", 16, 3), ArchNode.Add("s", "a", "b")),
            "node 's': add inputs must have one shape", "'a' is (8,28,28)", "'b' is (16,28,28)");
    }

    [TestCase(0)]
    [TestCase(-3)]
    [TestCase(1_000_000)]
    public void Constructor_BadChannelCount_NamesNodeAndRange(int channels)
    {
        AssertRejects(() => Make(ArchNode.Conv("wide", "input", channels, 3)), "node 'wide': attribute 'out' must be 1..8192");
    }

    [Test]
    public void Constructor_GroupsNotDividingChannels_NamesNode()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "input", 6, 3), ArchNode.Conv("dw", "a", 6, 3, groups: 4)),
            "node 'dw': groups 4 must divide input channels 6");
    }

    [Test]
    public void Constructor_EvenConvKernel_NamesNode()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "input", 4, 4)), "node 'a': conv k must be odd");
    }

    [Test]
    public void Constructor_PoolCollapsesSpatialSize_NamesNode()
    {
        var nodes = new List<ArchNode>();
        string x = "input";
        for (int i = 0; i < 5; i++) { nodes.Add(ArchNode.MaxPool($"p{i}", x, 2, 2)); x = $"p{i}"; }
        // 28 → 14 → 7 → 3 → 1; then k=2 (padding 0) on 1×1 has no output pixel.
        AssertRejects(() => Make([.. nodes]), "node 'p4': maxpool k=2 on (1,1,1)", "collapses the spatial size to 0");
    }

    [Test]
    public void Constructor_LinearWithoutGap_NamesNode()
    {
        AssertRejects(() => _ = new ArchSpec("t", TestNets.Mnist, 10, [ArchNode.Conv("c", "input", 4, 3), ArchNode.Linear("fc", "c", 10)]),
            "node 'fc': linear needs a vector input (after gap), but 'c' gives (4,28,28)");
    }

    [Test]
    public void Constructor_ConvAfterGap_NamesNode()
    {
        AssertRejects(() => _ = new ArchSpec("t", TestNets.Mnist, 10,
                [ArchNode.GlobalAvgPool("g", "input"), ArchNode.Conv("c", "g", 4, 1), ArchNode.Linear("fc", "c", 10)]),
            "node 'c': conv needs an image (C,H,W) input");
    }

    [Test]
    public void Constructor_UnusedNode_NamesNodeAsSecondSink()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "input", 4, 3), ArchNode.Conv("dead", "a", 4, 3), ArchNode.Relu("r", "a")),
            "node 'dead': output is never used");
    }

    [Test]
    public void Constructor_LastNodeNotClassifier_NamesNode()
    {
        AssertRejects(() => _ = new ArchSpec("t", TestNets.Mnist, 10,
                [ArchNode.GlobalAvgPool("g", "input"), ArchNode.Linear("fc", "g", 7)]),
            "node 'fc': the last node (the only sink) must be the linear classifier with out = 10");
    }

    [Test]
    public void Constructor_AddWithOneInput_NamesNode()
    {
        AssertRejects(() => Make(ArchNode.Conv("a", "input", 4, 3), ArchNode.Add("s", "a")), "node 's': add needs 2..1024 inputs, got 1");
    }

    [Test]
    public void Constructor_AttributeOpDoesNotTake_NamesNode()
    {
        var bn = ArchNode.Create("b", ArchOp.BatchNorm, ["input"], 8, 0, 0, 0, 0, false);
        AssertRejects(() => Make(bn), "node 'b': bn takes no attribute 'out' (allowed: none)");
    }

    [Test]
    public void Constructor_BadId_NamesNode()
    {
        AssertRejects(() => Make(ArchNode.Conv("a.b", "input", 4, 3)), "node 'a.b': id may only contain");
    }

    [Test]
    public void Constructor_MillionNodeChain_RejectedQuickly()
    {
        var nodes = new ArchNode[1_000_000];
        nodes[0] = ArchNode.Relu("n0", "input");
        for (int i = 1; i < nodes.Length; i++) nodes[i] = ArchNode.Relu("n" + i, "n" + (i - 1));
        var watch = Stopwatch.StartNew();
        AssertRejects(() => _ = new ArchSpec("t", TestNets.Mnist, 10, nodes), "1000000 nodes; at most 100000");
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(1000));
    }

    [Test]
    public void Constructor_ChainAtNodeCap_ValidWithoutRecursion()
    {
        const int n = ArchLimits.MaxNodes;
        var nodes = new ArchNode[n];
        nodes[0] = ArchNode.Relu("n0", "input");
        for (int i = 1; i < n - 2; i++) nodes[i] = ArchNode.Relu("n" + i, "n" + (i - 1));
        nodes[n - 2] = ArchNode.GlobalAvgPool("g", "n" + (n - 3));
        nodes[n - 1] = ArchNode.Linear("fc", "g", 10);
        // Reversed, so the validator must sort 10⁵ nodes itself.
        var spec = new ArchSpec("t", TestNets.Mnist, 10, nodes.Reverse().ToArray());
        Assert.That(spec.Nodes[0].Id, Is.EqualTo("n0"));
        Assert.That(spec.Classifier.Id, Is.EqualTo("fc"));
        Assert.That(spec.ParameterCount, Is.EqualTo(20), "10×1 weights + 10 biases");
    }

    [Test]
    public void Constructor_LongCycle_ReportedWithoutRecursion()
    {
        const int n = 50_000;
        var nodes = new ArchNode[n + 2];
        for (int i = 0; i < n; i++) nodes[i] = ArchNode.Relu("n" + i, "n" + ((i + n - 1) % n));
        nodes[n] = ArchNode.GlobalAvgPool("g", "input");
        nodes[n + 1] = ArchNode.Linear("fc", "g", 10);
        AssertRejects(() => _ = new ArchSpec("t", TestNets.Mnist, 10, nodes), "part of a cycle", "(50000 nodes)");
    }

    [Test]
    public void StructureHash_RenamedNodes_Unchanged()
    {
        var a = Make(ArchNode.Conv("a", "input", 4, 3));
        var b = new ArchSpec("other", TestNets.Mnist, 10,
            [ArchNode.Conv("z", "input", 4, 3), ArchNode.GlobalAvgPool("y", "z"), ArchNode.Linear("x", "y", 10)]);
        var c = Make(ArchNode.Conv("a", "input", 4, 5));
        Assert.That(b.StructureHash, Is.EqualTo(a.StructureHash));
        Assert.That(c.StructureHash, Is.Not.EqualTo(a.StructureHash));
    }
}
