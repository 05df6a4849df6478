// GHN-2 module: shapes of every predicted tensor, level-wise = node-by-node propagation, GHN-2's normalization.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Training;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Ghn;

public class Ghn2Tests
{
    [OneTimeSetUp]
    public void InitTorch() => TorchEnvironment.Initialize(threads: 1);

    private static Ghn2 NewGhn(GhnConfig? config = null, long seed = 5)
    {
        manual_seed(seed);
        return new Ghn2(config ?? TrainConfig.Tiny.Ghn, GraphVocabulary.CreateGhn2(ArchSpace.Classes));
    }

    [TestCase(ArchSplit.Train)]
    [TestCase(ArchSplit.Id)]
    [TestCase(ArchSplit.Wide)]
    [TestCase(ArchSplit.Deep)]
    [TestCase(ArchSplit.Dense)]
    [TestCase(ArchSplit.BnFree)]
    public void Predict_NetsOfEverySplit_EveryTensorHasItsParameterShape(ArchSplit split)
    {
        using var ghn = NewGhn();
        using var scope = NewDisposeScope();
        var specs = ArchSpace.Sample(split, 3, seed: 11);
        var graphs = specs.Select(ghn.BuildGraph).ToArray();
        var predicted = ghn.Predict(new GraphBatch(graphs));
        for (int g = 0; g < graphs.Length; g++)
        {
            Assert.That(predicted[g].Keys, Is.EquivalentTo(graphs[g].Parameters.Select(p => p.Name)));
            long total = 0;
            foreach (var p in graphs[g].Parameters)
            {
                var t = predicted[g][p.Name];
                Assert.That(t.shape, Is.EqualTo(p.Shape.Select(d => (long)d).ToArray()), p.Name);
                Assert.That(isfinite(t).all().item<bool>(), Is.True, p.Name);
                total += t.numel();
            }
            Assert.That(total, Is.EqualTo(specs[g].ParameterCount), "ppuda's check: predicted values = the net's parameter count");
        }
    }

    [Test]
    public void Propagate_LevelWise_EqualsNodeByNodeWithin1e6()
    {
        using var ghn = NewGhn(new GhnConfig { Hidden = 16, MaxOut = 16, MaxIn = 16, DecoderKernel = 3, DecoderChannels = 8, DecoderHidden = 8 });
        using var scope = NewDisposeScope();
        var specs = ArchSpace.Sample(ArchSplit.Dense, 2, seed: 4).Concat(ArchSpace.Sample(ArchSplit.Deep, 1, seed: 4)).ToArray();
        var batch = new GraphBatch(specs.Select(ghn.BuildGraph).ToArray());
        var levelWise = ghn.Embed(batch);
        var nodeWise = ghn.Embed(batch, nodeByNode: true);
        double maxDiff = (levelWise - nodeWise).abs().max().item<float>();
        TestContext.Out.WriteLine($"{batch.NodeCount} nodes, max |level − node| = {maxDiff:E2}");
        Assert.That(maxDiff, Is.LessThan(1e-6));
        Assert.That(levelWise.std().item<float>(), Is.GreaterThan(0.1f), "states must not be trivially equal");
    }

    [Test]
    public void Predict_BatchOfGraphs_EqualsEachGraphAlone()
    {
        using var ghn = NewGhn();
        using var scope = NewDisposeScope();
        var specs = ArchSpace.Sample(ArchSplit.Id, 3, seed: 2);
        var graphs = specs.Select(ghn.BuildGraph).ToArray();
        var together = ghn.Predict(new GraphBatch(graphs));
        for (int g = 0; g < graphs.Length; g++)
        {
            var alone = ghn.Predict(new GraphBatch([graphs[g]]))[0];
            foreach (var (name, t) in alone)
                Assert.That((t - together[g][name]).abs().max().item<float>(), Is.LessThan(1e-5f), name);
        }
    }

    [Test]
    public void Normalize_WeightsFromUnitNormal_HaveKaimingStd()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, seed: 9)[0];
        var conv = ArchGraph.Build(spec).Parameters.First(p => p.Role == ParameterRole.ConvWeight && p.Shape[1] > 1);
        var raw = randn(conv.Shape.Select(d => (long)d * 8).Take(1).Concat(conv.Shape.Skip(1).Select(d => (long)d)).ToArray());
        double fanIn = conv.Shape[1] * conv.Shape[2] * conv.Shape[3];
        double std = PredictedTensors.Normalize(raw, conv).std().item<float>();
        Assert.That(std, Is.EqualTo(Math.Sqrt(2 / fanIn)).Within(0.1 * Math.Sqrt(2 / fanIn)));
    }

    [Test]
    public void Fit_WideTarget_TilesTheBlockAlongOutAndIn()
    {
        using var scope = NewDisposeScope();
        var block = arange(2 * 3 * 1 * 1, dtype: float32).view(2, 3, 1, 1);
        var fitted = PredictedTensors.Fit(block, [5, 4, 1, 1]);
        var expected = new float[] { 0, 1, 2, 0, 3, 4, 5, 3, 0, 1, 2, 0, 3, 4, 5, 3, 0, 1, 2, 0 };
        Assert.That(fitted.data<float>().ToArray(), Is.EqualTo(expected));
    }
}
