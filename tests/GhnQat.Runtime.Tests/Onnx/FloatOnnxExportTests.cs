// Float ONNX export: ORT running the exported graph agrees with a naive loop reference at every node (1e-4 relative).
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Onnx;

namespace GhnQat.Runtime.Tests.Onnx;

public class FloatOnnxExportTests
{
    private const double Tolerance = 1e-4;

    [TestCase(ArchSplit.Id, 11UL)]
    [TestCase(ArchSplit.BnFree, 12UL)]
    [TestCase(ArchSplit.Dense, 13UL)]
    public void Export_SampledNets_MatchNaiveReferenceAtEveryNode(ArchSplit split, ulong seed)
    {
        foreach (var spec in ArchSpace.Sample(split, 2, seed))
        {
            var net = TestWeights.Kaiming(spec, seed);
            var stats = TestWeights.BatchNormStatistics(spec, seed + 1);
            var images = TestWeights.Images(spec, 2, seed + 2);
            var options = new FloatOnnxExportOptions { BatchNormStatistics = stats, ExposeIntermediates = true };

            AssertOrtMatchesReference(net, options, images, 2, NaiveFloatNet.Run(net, images, 2, stats));
        }
    }

    [Test]
    public void Export_BatchStatisticsFromReference_MatchesTrainingModeForward()
    {
        // GHN-2's protocol normalizes with the batch's statistics; exporting those reproduces that forward pass.
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, 21)[0];
        var net = TestWeights.Kaiming(spec, 21);
        var images = TestWeights.Images(spec, 4, 22);
        var batchStats = new Dictionary<string, BatchNormStatistics>(StringComparer.Ordinal);
        var reference = NaiveFloatNet.Run(net, images, 4, batchStatistics: batchStats);
        var options = new FloatOnnxExportOptions { BatchNormStatistics = batchStats, ExposeIntermediates = true };

        Assert.That(batchStats, Is.Not.Empty);
        AssertOrtMatchesReference(net, options, images, 4, reference);
    }

    [Test]
    public void Export_CalibratedStatistics_MatchesRuntimeFloatExecutor()
    {
        // The deployment flow: statistics from the calibrator, the runtime's own float forward as the reference.
        var spec = ArchSpace.Sample(ArchSplit.Dense, 1, 25)[0];
        var net = TestWeights.Kaiming(spec, 25);
        var calibration = Calibrator.Calibrate(net, TestWeights.Images(spec, 8, 26), 8);
        var images = TestWeights.Images(spec, 2, 27);
        var reference = new FloatExecutor(net).Forward(images, 2, calibration.BatchNorm, keepOutputs: true);
        var options = new FloatOnnxExportOptions { BatchNormStatistics = calibration.BatchNorm, ExposeIntermediates = true };

        AssertOrtMatchesReference(net, options, images, 2, reference.Outputs.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    [Test]
    public void Export_HandBuiltNetWithEveryOp_MatchesNaiveReference()
    {
        var net = TestWeights.Kaiming(OnnxTestNets.AllOps(), 31);
        // ×8 drives the stem past 6 so ReLU6's upper clip is exercised.
        var images = TestWeights.Images(net.Spec, 3, 32).Select(v => 8 * v).ToArray();
        var options = new FloatOnnxExportOptions { ExposeIntermediates = true, BatchNormEpsilon = 1e-3f };
        var reference = NaiveFloatNet.Run(net, images, 3, epsilon: 1e-3f);

        Assert.That(reference["r0"], Has.Some.EqualTo(6f), "test input must saturate ReLU6");
        AssertOrtMatchesReference(net, options, images, 3, reference);
    }

    [Test]
    public void Export_DefaultOptions_ExposesOnlyLogits()
    {
        var net = TestWeights.Kaiming(OnnxTestNets.AllOps(), 41);
        using var runner = new OnnxRunner(FloatOnnxExporter.Export(net));

        Assert.That(runner.OutputNames, Is.EqualTo(new[] { OnnxNames.Logits }));
    }

    [Test]
    public void Export_SameNetworkTwice_GivesIdenticalBytes()
    {
        var net = TestWeights.Kaiming(ArchSpace.Sample(ArchSplit.Dense, 1, 51)[0], 51);

        byte[] first = FloatOnnxExporter.Export(net);
        byte[] second = FloatOnnxExporter.Export(net);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Export_StatisticsMissingABnNode_ThrowsInvalidArgument()
    {
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, 61)[0];
        var stats = TestWeights.BatchNormStatistics(spec, 61);
        string dropped = stats.Keys.First();
        stats.Remove(dropped);
        var options = new FloatOnnxExportOptions { BatchNormStatistics = stats };

        var e = Assert.Throws<GhnQatException>(() => FloatOnnxExporter.Export(TestWeights.Kaiming(spec, 61), options));
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain(dropped));
    }

    [Test]
    public void Export_StatisticsWithWrongChannelCount_ThrowsInvalidArgument()
    {
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, 62)[0];
        var stats = TestWeights.BatchNormStatistics(spec, 62);
        string id = stats.Keys.First();
        int c = stats[id].Channels + 1;
        stats[id] = new BatchNormStatistics(new float[c], Enumerable.Repeat(1f, c).ToArray());
        var options = new FloatOnnxExportOptions { BatchNormStatistics = stats };

        var e = Assert.Throws<GhnQatException>(() => FloatOnnxExporter.Export(TestWeights.Kaiming(spec, 62), options));
        Assert.That(e.Message, Does.Contain(id).And.Contain("channels"));
    }

    [Test]
    public void Export_NodeIdNamedImages_ThrowsInvalidArgument()
    {
        var b = new ArchSpecBuilder("reserved", new ActivationShape(1, 8, 8), 10);
        b.Linear("fc", b.Gap("g", b.Conv(OnnxNames.Images, "input", 8, 3)), 10);
        var net = TestWeights.Kaiming(b.Build(), 63);

        var e = Assert.Throws<GhnQatException>(() => FloatOnnxExporter.Export(net));
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("reserved"));
    }

    [Test]
    public void Run_WrongInputLength_ThrowsInvalidArgument()
    {
        using var runner = new OnnxRunner(FloatOnnxExporter.Export(TestWeights.Kaiming(OnnxTestNets.AllOps(), 71)));

        var e = Assert.Throws<GhnQatException>(() => runner.Run(new float[28 * 28 + 1], 1));
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Runner_BytesThatAreNotAModel_ThrowsInvalidFile()
    {
        var e = Assert.Throws<GhnQatException>(() => new OnnxRunner([0x08, 0x07, 0xFF, 0xFF, 0x01]).Dispose());
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
    }

    private static void AssertOrtMatchesReference(FloatNetwork net, FloatOnnxExportOptions options, float[] images, int batch,
        Dictionary<string, float[]> reference)
    {
        using var runner = new OnnxRunner(FloatOnnxExporter.Export(net, options));
        var outputs = runner.Run(images, batch);
        var spec = net.Spec;
        Assert.That(outputs, Has.Count.EqualTo(spec.Nodes.Count));
        for (int i = 0; i < spec.Nodes.Count; i++)
        {
            string id = spec.Nodes[i].Id;
            var ort = outputs[i == spec.Nodes.Count - 1 ? OnnxNames.Logits : id];
            var expected = reference[id];
            Assert.That(ort.Length, Is.EqualTo(expected.Length), $"{spec.Name}/{id}: element count");
            double scale = Math.Max(expected.Max(v => Math.Abs((double)v)), 1e-3);
            double worst = 0;
            int worstAt = 0;
            var actual = ort.Data<float>();
            for (int k = 0; k < expected.Length; k++)
            {
                double diff = Math.Abs(actual[k] - (double)expected[k]);
                if (diff > worst) (worst, worstAt) = (diff, k);
            }
            Assert.That(worst / scale, Is.LessThanOrEqualTo(Tolerance),
                $"{spec.Name}/{id}: max |ORT − reference| = {worst:G4} at {worstAt} (ORT {actual[worstAt]}, reference {expected[worstAt]}), scale {scale:G4}");
        }
    }
}
