// The mobile CNN space: determinism, validity, distinctness, and that held-out splits never overlap TRAIN.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Tests.Architectures;

public class ArchSpaceTests
{
    private static int MaxConvWidth(ArchSpec s) => s.Nodes.Where(n => n.Op == ArchOp.Conv).Max(n => n.Out);
    private static int MinConvWidth(ArchSpec s) => s.Nodes.Where(n => n.Op == ArchOp.Conv).Min(n => n.Out);

    [Test]
    public void Sample_SameSeed_IdenticalBytes()
    {
        foreach (ArchSplit split in Enum.GetValues<ArchSplit>())
        {
            var a = ArchSpace.Sample(split, 5, seed: 11).Select(s => s.ToJson()).ToArray();
            var b = ArchSpace.Sample(split, 5, seed: 11).Select(s => s.ToJson()).ToArray();
            Assert.That(b, Is.EqualTo(a), split.ToString());
        }
    }

    [Test]
    public void Sample_LongerSample_StartsWithShorter()
    {
        var shortRun = ArchSpace.Sample(ArchSplit.Train, 10, seed: 5).Select(s => s.ToJson());
        var longRun = ArchSpace.Sample(ArchSplit.Train, 30, seed: 5).Take(10).Select(s => s.ToJson());
        Assert.That(longRun, Is.EqualTo(shortRun));
    }

    [Test]
    public void Sample_DifferentSeeds_DifferentNets()
    {
        var a = ArchSpace.Sample(ArchSplit.Train, 20, seed: 1).Select(s => s.StructureHash);
        var b = ArchSpace.Sample(ArchSplit.Train, 20, seed: 2).Select(s => s.StructureHash);
        Assert.That(a.Intersect(b).Count(), Is.LessThan(5));
    }

    [Test]
    public void Sample_Id100_DistinctValidAndInPartition()
    {
        var specs = ArchSpace.Sample(ArchSplit.Id, 100, seed: 3);
        Assert.That(specs, Has.Count.EqualTo(100));
        Assert.That(specs.Select(s => s.StructureHash).Distinct().Count(), Is.EqualTo(100));
        Assert.That(specs.Select(s => s.ToJson()).Distinct().Count(), Is.EqualTo(100));
        foreach (var s in specs)
        {
            Assert.That(ArchSpace.IsIdHash(s.StructureHash), Is.True);
            Assert.That(ArchSpec.Parse(s.ToJson()).StructureHash, Is.EqualTo(s.StructureHash), "re-validates");
        }
    }

    [Test]
    public void Sample_TrainAndId_HashesNeverOverlap()
    {
        var train = ArchSpace.Sample(ArchSplit.Train, 2000, seed: 21).Select(s => s.StructureHash).ToHashSet();
        var id = ArchSpace.Sample(ArchSplit.Id, 300, seed: 21).Select(s => s.StructureHash).ToList();
        Assert.That(train, Has.Count.EqualTo(2000));
        Assert.That(id.Where(train.Contains), Is.Empty);
        Assert.That(train.Where(ArchSpace.IsIdHash), Is.Empty);
    }

    [Test]
    public void Sample_Train_WithinDocumentedRanges()
    {
        foreach (var s in ArchSpace.Sample(ArchSplit.Train, 1000, seed: 8))
        {
            Assert.That(s.Input, Is.EqualTo(new ActivationShape(1, 28, 28)));
            Assert.That(s.Classes, Is.EqualTo(10));
            Assert.That(MaxConvWidth(s), Is.InRange(8, ArchSpace.TrainMaxWidth));
            Assert.That(s.Depth, Is.LessThanOrEqualTo(ArchSpace.TrainMaxDepth));
            Assert.That(s.Nodes.Any(n => n.Op == ArchOp.BatchNorm), Is.True);
            Assert.That(s.Nodes.Where(n => n.Op == ArchOp.Add).All(n => n.Inputs.Count == 2), Is.True);
        }
    }

    [Test]
    public void Sample_Wide_WiderThanEveryTrainNet()
    {
        int trainMax = ArchSpace.Sample(ArchSplit.Train, 1000, seed: 4).Max(MaxConvWidth);
        var wide = ArchSpace.Sample(ArchSplit.Wide, 50, seed: 4);
        Assert.That(wide.Min(MinConvWidth), Is.GreaterThan(trainMax));
        Assert.That(wide.Max(MaxConvWidth), Is.LessThanOrEqualTo(4 * ArchSpace.TrainMaxWidth));
    }

    [Test]
    public void Sample_Deep_DeeperThanEveryTrainNet()
    {
        int trainMax = ArchSpace.Sample(ArchSplit.Train, 1000, seed: 6).Max(s => s.Depth);
        var deep = ArchSpace.Sample(ArchSplit.Deep, 50, seed: 6);
        Assert.That(deep.Min(s => s.Depth), Is.GreaterThan(trainMax));
        Assert.That(deep.Min(s => s.Depth), Is.GreaterThan(ArchSpace.TrainMaxDepth));
    }

    [Test]
    public void Sample_Dense_HasSumsTrainNeverHas()
    {
        foreach (var s in ArchSpace.Sample(ArchSplit.Dense, 100, seed: 9))
            Assert.That(s.Nodes.Any(n => n.Op == ArchOp.Add && n.Inputs.Count >= 3), Is.True, s.Name);
    }

    [Test]
    public void Sample_BnFree_NoBatchNormAndBiasedConvs()
    {
        foreach (var s in ArchSpace.Sample(ArchSplit.BnFree, 100, seed: 10))
        {
            Assert.That(s.Nodes.Any(n => n.Op == ArchOp.BatchNorm), Is.False, s.Name);
            Assert.That(s.Nodes.Where(n => n.Op == ArchOp.Conv).All(n => n.Bias), Is.True, s.Name);
        }
    }

    [Test]
    public void Sample_Names_CarrySplitSeedAndIndex()
    {
        var specs = ArchSpace.Sample(ArchSplit.Deep, 2, seed: 77);
        Assert.That(specs.Select(s => s.Name), Is.EqualTo(new[] { "deep-s77-00000", "deep-s77-00001" }));
    }

    [Test]
    public void ParseSplit_UnknownName_ListsSplits()
    {
        Assert.That(ArchSpace.ParseSplit("BnFree"), Is.EqualTo(ArchSplit.BnFree));
        Assert.That(() => ArchSpace.ParseSplit("tiny"), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("train, id, wide, deep, dense, bnfree"));
    }
}
