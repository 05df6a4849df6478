// Calibration statistics against hand computation: BN population statistics as means of per-batch statistics,
// ranges as means of per-batch maxima with BN frozen, typed errors for wrong shapes and undeployable nets.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Calibration;

[TestFixture]
public sealed class CalibratorTests
{
    // 1×1×2 images → conv 1×1 (weight 1: identity) → BN → ReLU → gap → fc, so BN sees the raw pixels.
    private static FloatNetwork IdentityBnNet(float gamma = 1, float beta = 0)
    {
        var b = new ArchSpecBuilder("cal", new ActivationShape(1, 1, 2), 2);
        string r = b.Relu("r", b.BatchNorm("bn", b.Conv("c", "input", 1, 1)));
        b.Linear("fc", b.Gap("g", r), 2);
        return TestFloatNets.Filled(b.Build(), 1f, new Dictionary<string, float[]> { ["bn.weight"] = [gamma], ["bn.bias"] = [beta] });
    }

    // Three batches of two images (batch size 2): pixels per batch {1,2,3,4}, {0,0,0,8}, {−1,1,−3,3}.
    private static readonly float[] SixImages = [1, 2, 3, 4, 0, 0, 0, 8, -1, 1, -3, 3];

    [Test]
    public void Calibrate_BnNet_PopulationStatisticsAreMeansOfBatchStatistics()
    {
        var result = Calibrator.Calibrate(IdentityBnNet(), SixImages, 6, batchSize: 2);

        // Batch means 2.5, 2, 0 → 1.5; biased batch variances 1.25, 12, 5 → 6.083…
        var stats = result.BatchNorm["bn"];
        Assert.That(stats.Mean[0], Is.EqualTo(1.5f));
        Assert.That(stats.Variance[0], Is.EqualTo((float)((1.25 + 12 + 5) / 3)));
        Assert.That((result.ImageCount, result.BatchCount), Is.EqualTo((6, 3)));
    }

    [Test]
    public void Calibrate_Input_RangeIsMeanOfBatchMaxAbs()
    {
        var result = Calibrator.Calibrate(IdentityBnNet(), SixImages, 6, batchSize: 2);

        // max|x| per batch: 4, 8, 3.
        Assert.That(result.Ranges["input"], Is.EqualTo(5f));
    }

    [Test]
    public void Calibrate_ReluTensor_RangeIsMeanOfBatchMaxWithFrozenStatistics()
    {
        var result = Calibrator.Calibrate(IdentityBnNet(gamma: 2, beta: 0.5f), SixImages, 6, batchSize: 2);

        // Pass 2 normalizes every batch with the population statistics (not its own): y = 2(x − 1.5)/√(v + ε) + 0.5.
        double v = ((1.25 + 12 + 5) / 3) + 1e-5;
        double Relu(double x) => Math.Max(0, (2 * (x - 1.5) / Math.Sqrt(v)) + 0.5);
        double expected = (Relu(4) + Relu(8) + Relu(3)) / 3;
        Assert.That(result.Ranges["r"], Is.EqualTo(expected).Within(1e-5));
        Assert.That(result.Ranges.Keys, Is.EquivalentTo(new[] { "input", "r", "g" }));
    }

    [Test]
    public void Calibrate_SignedTensor_UsesMaxAbsNotMax()
    {
        var b = new ArchSpecBuilder("signed", new ActivationShape(1, 1, 2), 2);
        b.Linear("fc", b.Gap("g", b.Conv("c", "input", 1, 1)), 2);
        var net = TestFloatNets.Filled(b.Build(), -1f);   // the conv negates: outputs are mostly negative

        var result = Calibrator.Calibrate(net, SixImages, 6, batchSize: 2);

        // max|−x| per batch: 4, 8, 3 (a plain max would give 3, 0, 3).
        Assert.That(result.Ranges["c"], Is.EqualTo(5f));
    }

    [Test]
    public void Calibrate_AnyParallelism_GivesIdenticalResults()
    {
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, 5)[0];
        var net = TestFloatNets.RandomWithBiases(spec, 5);
        float[] images = TestFloatNets.Images(spec.Input, 24, 6);

        var one = Calibrator.Calibrate(net, images, 24, batchSize: 8);
        var two = Calibrator.Calibrate(net, images, 24, batchSize: 8, maxDegreeOfParallelism: 2);

        Assert.That(two.Ranges, Is.EqualTo(one.Ranges));
        foreach (var (id, s) in one.BatchNorm)
        {
            Assert.That(two.BatchNorm[id].Mean.ToArray(), Is.EqualTo(s.Mean.ToArray()), id);
            Assert.That(two.BatchNorm[id].Variance.ToArray(), Is.EqualTo(s.Variance.ToArray()), id);
        }
    }

    [Test]
    public void CalibrateFor_AnyParallelism_GivesIdenticalResults()
    {
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, 5)[0];
        var net = TestFloatNets.RandomWithBiases(spec, 5);
        float[] images = TestFloatNets.Images(spec.Input, 24, 6);

        var one = Calibrator.CalibrateFor(net, QuantScheme.W2A2, images, 24, batchSize: 8);
        var two = Calibrator.CalibrateFor(net, QuantScheme.W2A2, images, 24, batchSize: 8, maxDegreeOfParallelism: 2);

        Assert.That(two.Ranges, Is.EqualTo(one.Ranges));
        foreach (var (id, s) in one.BatchNorm)
            Assert.That(two.BatchNorm[id].Variance.ToArray(), Is.EqualTo(s.Variance.ToArray()), id);
    }

    [Test]
    public void CalibrateFor_EightBits_StaysCloseToFloatWhileTwoBitsMovesTheStatistics()
    {
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, 9)[0];
        var net = TestFloatNets.RandomWithBiases(spec, 9);
        float[] images = TestFloatNets.Images(spec.Input, 32, 10);

        var fp = Calibrator.Calibrate(net, images, 32, batchSize: 16);
        var w8 = Calibrator.CalibrateFor(net, QuantScheme.W8A8, images, 32, batchSize: 16);
        var w2 = Calibrator.CalibrateFor(net, QuantScheme.W2A2, images, 32, batchSize: 16);

        // 8-bit grids perturb each tensor by a fraction of a percent of its range (a max over a batch amplifies that
        // a little, through several layers); 2-bit weights and codes change the convs' outputs, so the BN statistics
        // measured on them must differ.
        var changes = fp.Ranges.Select(kv => Math.Abs(w8.Ranges[kv.Key] - kv.Value) / kv.Value).Order().ToArray();
        Assert.That(changes[changes.Length / 2], Is.LessThan(0.01), "median relative range change at W8A8");
        Assert.That(changes[^1], Is.LessThan(0.06), "largest relative range change at W8A8");
        Assert.That(fp.BatchNorm, Is.Not.Empty);
        double moved = fp.BatchNorm.Max(kv => MaxRelativeChange(kv.Value.Variance, w2.BatchNorm[kv.Key].Variance));
        Assert.That(moved, Is.GreaterThan(0.05));
    }

    private static double MaxRelativeChange(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]) / Math.Max(1e-6, Math.Abs(a[i])));
        return max;
    }

    [Test]
    public void Calibrate_DatasetWithOtherImageShape_ThrowsInvalidArgument()
    {
        var data = new ImageDataset("rgb", 3, 1, 2, new byte[12], new byte[2], ["a", "b"], [0.5f, 0.5f, 0.5f], [0.2f, 0.2f, 0.2f]);

        var e = Assert.Throws<GhnQatException>(() => Calibrator.Calibrate(IdentityBnNet(), data));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("3×1×2"));
    }

    [Test]
    public void Calibrate_FloatCountNotMatchingImages_ThrowsInvalidArgument()
    {
        var e = Assert.Throws<GhnQatException>(() => Calibrator.Calibrate(IdentityBnNet(), new float[11], 6));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Calibrate_BnAfterPool_ThrowsInvalidArchSpecNamingTheBn()
    {
        var b = new ArchSpecBuilder("bn-after-pool", new ActivationShape(1, 2, 2), 2);
        b.Linear("fc", b.Gap("g", b.BatchNorm("bad_bn", b.MaxPool("p", "input", 2, 2))), 2);
        var net = TestFloatNets.Filled(b.Build(), 1f);

        var e = Assert.Throws<GhnQatException>(() => Calibrator.Calibrate(net, new float[4], 1));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArchSpec));
        Assert.That(e.Message, Does.Contain("'bad_bn'"));
    }
}
