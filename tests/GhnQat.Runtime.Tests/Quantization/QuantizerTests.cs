// The quantizer on hand-computed nets: a 2-layer net end to end through CpuReference, per-channel scales, zero
// channels, BN folding, 8-bit first layer and classifier, signedness, and typed errors.
using System.Collections.Immutable;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Architectures;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Quantization;

[TestFixture]
public sealed class QuantizerTests
{
    private static CalibrationResult Ranges(Dictionary<string, float> ranges, Dictionary<string, BatchNormStatistics>? bn = null) =>
        new(bn ?? [], ranges, 1, 1);

    // input (1×1×2) → conv c (2 out, 1×1, bias) → relu r → gap g → fc (2 classes).
    private static FloatNetwork TwoLayerNet()
    {
        var b = new ArchSpecBuilder("two-layer", new ActivationShape(1, 1, 2), 2);
        b.Linear("fc", b.Gap("g", b.Relu("r", b.Conv("c", "input", 2, 1, bias: true))), 2);
        return TestFloatNets.Filled(b.Build(), 0f, new Dictionary<string, float[]>
        {
            ["c.weight"] = [0.5f, -0.25f], ["c.bias"] = [0.13f, 0.2f],
            ["fc.weight"] = [1, -1, 0.5f, 2], ["fc.bias"] = [0.01f, -0.02f],
        });
    }

    [Test]
    public void Quantize_TwoLayerNetW4A4_MatchesHandComputedCodesAndLogits()
    {
        // Scales: input 2.54/127 = 0.02, r 1.5/15 = 0.1 (4-bit unsigned), g 2.55/255 = 0.01 (8-bit unsigned: feeds the classifier).
        var q = Quantizer.Quantize(TwoLayerNet(), Ranges(new() { ["input"] = 2.54f, ["r"] = 1.5f, ["g"] = 2.55f }), QuantScheme.W4A4);
        var conv = (QConvLayer)q.Layers[0];
        var fc = q.Classifier;

        Assert.That((conv.WeightBits, q.Tensor("r").Bits, q.Tensor("g").Bits, fc.WeightBits), Is.EqualTo((8, 4, 8, 8)));
        Assert.That(conv.Weights, Is.EqualTo(new sbyte[] { 127, -127 }));
        Assert.That(conv.Bias, Is.EqualTo(new[] { (float)((double)0.13f / 0.1f), (float)((double)0.2f / 0.1f) }));   // b/s_y: 1.3, 2
        Assert.That(fc.Weights, Is.EqualTo(new sbyte[] { 127, -127, 32, 127 }));   // row 1: 0.5·127/2 = 31.75 → 32
        Assert.That(fc.Bias.ToArray(), Is.EqualTo(new[] { 0.01f, -0.02f }));   // logit units

        var run = new CpuReference(q).Run([1.0f, -0.3f], 1, keepCodes: true);

        Assert.That(run.Codes["input"], Is.EqualTo(new[] { 50, -15 }));
        // conv ch0 (M = 0.02·(0.5/127)/0.1): 6350·M + 1.3 = 6.3 → 6, −1905·M + 1.3 = −0.2 → 0; ch1: −6350·M' + 2 = −0.5 → 0
        // (ReLU), 1905·M' + 2 = 2.75 → 3.
        Assert.That(run.Codes["r"], Is.EqualTo(new[] { 6, 0, 0, 3 }));
        // gap: sums 6 and 3, × 0.1/(2·0.01) = 5.
        Assert.That(run.Codes["g"], Is.EqualTo(new[] { 30, 15 }));
        // logits: (30·127 − 15·127)·0.01/127 + 0.01 = 0.16; (30·32 + 15·127)·0.02/127 − 0.02 = 2738·0.02/127.
        Assert.That(run.Logits, Is.EqualTo(new[] { 0.16f, (float)(2738 * 0.02 / 127) }).Within(1e-6));
    }

    [Test]
    public void Quantize_PerChannelScales_UseEachChannelsMaxAbsAndZeroChannelGetsScaleOne()
    {
        var b = new ArchSpecBuilder("per-channel", new ActivationShape(3, 1, 1), 2);
        b.Linear("fc", b.Gap("g", b.Conv("c2", b.Conv("c1", "input", 3, 1), 3, 1)), 2);
        var net = TestFloatNets.Filled(b.Build(), 0.1f, new Dictionary<string, float[]>
        {
            ["c2.weight"] = [1, -3, 0.5f, 0, 0, 0, 0.01f, 0.025f, -0.04f],
        });

        var q = Quantizer.Quantize(net, Ranges(new() { ["input"] = 1, ["c1"] = 1, ["c2"] = 1, ["g"] = 1 }), QuantScheme.W4A8);
        var c2 = (QConvLayer)q.Layers[1];

        Assert.That(c2.WeightBits, Is.EqualTo(4));
        Assert.That(c2.WeightScales, Is.EqualTo(new[] { (float)(3.0 / 7), 1f, (float)(0.04f / 7.0) }));
        // 1·7/3 = 2.33 → 2, 0.5·7/3 = 1.17 → 1; 0.01·7/0.04 = 1.75 → 2, 0.025·7/0.04 = 4.375 → 4.
        Assert.That(c2.Weights, Is.EqualTo(new sbyte[] { 2, -7, 1, 0, 0, 0, 2, 4, -7 }));
    }

    [Test]
    public void Quantize_BatchNorm_IsFoldedIntoWeightsAndBiasWithNegativeGammaFlippingCodes()
    {
        var b = new ArchSpecBuilder("fold", new ActivationShape(1, 1, 1), 2);
        b.Linear("fc", b.Gap("g", b.BatchNorm("bn", b.Conv("c", "input", 2, 1))), 2);
        var net = TestFloatNets.Filled(b.Build(), 0.5f, new Dictionary<string, float[]>
        {
            ["c.weight"] = [2, -1], ["bn.weight"] = [0.5f, -2], ["bn.bias"] = [0.1f, 0.3f],
        });
        var stats = new Dictionary<string, BatchNormStatistics> { ["bn"] = new([1f, -0.5f], [4f, 0.25f]) };

        var q = Quantizer.Quantize(net, Ranges(new() { ["input"] = 1.27f, ["bn"] = 2f, ["g"] = 2f }, stats), QuantScheme.W8A8);
        var conv = (QConvLayer)q.Layers[0];

        double a0 = 0.5 / Math.Sqrt(4 + 1e-5), a1 = -2 / Math.Sqrt(0.25f + 1e-5);
        double w0 = 2 * a0, w1 = -1 * a1;                                   // both positive: codes +127
        double b0 = (-1 * a0) + 0.1f, b1 = (0.5f * a1) + 0.3f;
        float sx = q.InputScale;
        Assert.That(conv.FoldedBatchNorm, Is.EqualTo("bn"));
        Assert.That(conv.Weights, Is.EqualTo(new sbyte[] { 127, 127 }));
        Assert.That(conv.WeightScales, Is.EqualTo(new[] { (float)(w0 / 127), (float)(w1 / 127) }));
        float sy = q.Tensor("bn").Scale;
        Assert.That(conv.Bias, Is.EqualTo(new[] { (float)(b0 / sy), (float)(b1 / sy) }));
        Assert.That(conv.Multipliers, Is.EqualTo(new[] { (float)(sx * (double)conv.WeightScales[0] / sy), (float)(sx * (double)conv.WeightScales[1] / sy) }));
    }

    [Test]
    public void Quantize_ResidualNetW2A2_BitsAndSignednessFollowTheRules()
    {
        var spec = TestNets.Residual();   // c1-b1-r1, c2-b2-r2, c3-b3 + r1 → add a → r3, gap g, fc
        var net = TestFloatNets.RandomWithBiases(spec, 70);
        var cal = Calibrator.Calibrate(net, TestFloatNets.Images(spec.Input, 4, 71), 4);

        var q = Quantizer.Quantize(net, cal, QuantScheme.W2A2);

        var kinds = q.Tensors.Select(t => $"{t.Id}:{(t.IsSigned ? "s" : "u")}{t.Bits}");
        Assert.That(kinds, Is.EqualTo(new[] { "input:s8", "r1:u2", "r2:u2", "b3:s2", "r3:u2", "g:u8" }));
        var convBits = q.Layers.OfType<QConvLayer>().Select(c => (c.Name, c.WeightBits));
        Assert.That(convBits, Is.EqualTo(new[] { ("c1", 8), ("c2", 2), ("c3", 2) }));
        Assert.That(q.Classifier.WeightBits, Is.EqualTo(8));
        var add = q.Layers.OfType<QAddLayer>().Single();
        Assert.That((add.OutputId, add.Lo, add.Hi, add.Activation), Is.EqualTo(("r3", 0, 3, QActivation.Relu)));
        Assert.That(q.Tensor("b3").Lo, Is.EqualTo(-1));
    }

    [Test]
    public void Quantize_PoolsOfSignedAdd_KeepTheInputScaleAndSignedness()
    {
        var spec = TestNets.InvertedResidual();   // … proj_bn (signed) + stem_r (unsigned) → add → maxpool → gap
        var net = TestFloatNets.RandomWithBiases(spec, 72);
        var cal = Calibrator.Calibrate(net, TestFloatNets.Images(spec.Input, 4, 73), 4);

        var q = Quantizer.Quantize(net, cal, QuantScheme.W4A4);

        Assert.That((q.Tensor("add").IsSigned, q.Tensor("stem_r").IsSigned), Is.EqualTo((true, false)));
        Assert.That(q.Tensor("pool"), Is.EqualTo(q.Tensor("add") with { Id = "pool", Shape = q.Tensor("pool").Shape }));
        Assert.That((q.Tensor("gap").IsSigned, q.Tensor("gap").Bits), Is.EqualTo((true, 8)));
    }

    [Test]
    public void Quantize_AddOfTwoReluTensors_IsUnsignedWithoutActivation()
    {
        var b = new ArchSpecBuilder("unsigned-add", new ActivationShape(1, 2, 2), 2);
        string r1 = b.Relu("r1", b.Conv("c1", "input", 2, 1));
        string r2 = b.Relu("r2", b.Conv("c2", r1, 2, 1));
        b.Linear("fc", b.Gap("g", b.Sum("a", r1, r2)), 2);
        var net = TestFloatNets.RandomWithBiases(b.Build(), 74);
        var cal = Calibrator.Calibrate(net, TestFloatNets.Images(net.Spec.Input, 2, 75), 2);

        var q = Quantizer.Quantize(net, cal, QuantScheme.W4A4);

        var add = q.Layers.OfType<QAddLayer>().Single();
        Assert.That((q.Tensor("a").IsSigned, add.Lo, add.Hi, add.Activation), Is.EqualTo((false, 0, 15, QActivation.None)));
    }

    [Test]
    public void Quantize_ReluWhosePreActivationHasAnotherReader_ThrowsNamingTheRelu()
    {
        var b = new ArchSpecBuilder("split", new ActivationShape(1, 2, 2), 2);
        string c = b.Conv("c", "input", 2, 1);
        b.Linear("fc", b.Gap("g", b.Sum("a", c, b.Relu("lonely_relu", c))), 2);
        var net = TestFloatNets.Filled(b.Build(), 1f);

        var e = Assert.Throws<GhnQatException>(() => Quantizer.Quantize(net, Ranges([]), QuantScheme.W8A8));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArchSpec));
        Assert.That(e.Message, Does.Contain("'lonely_relu'").And.Contain("not supported in deployment"));
    }

    [Test]
    public void Quantize_Relu6RangeAboveSix_IsCappedAtSix()
    {
        var b = new ArchSpecBuilder("relu6", new ActivationShape(1, 1, 2), 2);
        b.Linear("fc", b.Gap("g", b.Relu6("r6", b.Conv("c", "input", 2, 1))), 2);
        var net = TestFloatNets.Filled(b.Build(), 0.5f);

        var q = Quantizer.Quantize(net, Ranges(new() { ["input"] = 1, ["r6"] = 9, ["g"] = 1 }), QuantScheme.W4A4);

        Assert.That(q.Tensor("r6").Scale, Is.EqualTo(0.4f));   // 6/15, not 9/15
        Assert.That(((QConvLayer)q.Layers[0]).Activation, Is.EqualTo(QActivation.Relu6));
    }

    [Test]
    public void Quantize_MissingRange_ThrowsNamingTheTensor()
    {
        var e = Assert.Throws<GhnQatException>(() =>
            Quantizer.Quantize(TwoLayerNet(), Ranges(new() { ["input"] = 1, ["g"] = 1 }), QuantScheme.W8A8));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("'r'"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(-1f)]
    public void CalibrationResult_NonFiniteOrNegativeRange_ThrowsInvalidArgument(float range)
    {
        var e = Assert.Throws<GhnQatException>(() => Ranges(new() { ["input"] = range }));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Quantize_AccumulatorBeyondInt32_ThrowsNamingTheConv()
    {
        // 8192 unsigned 8-bit inputs × 3×3 taps × 127 × 255 > 2^31.
        var b = new ArchSpecBuilder("huge", new ActivationShape(1, 1, 1), 2);
        string r = b.Relu("r", b.Conv("c1", "input", 8192, 1));
        b.Linear("fc", b.Gap("g", b.Conv("wide_c2", r, 1, 3)), 2);
        var net = TestFloatNets.Filled(b.Build(), 0.01f);

        var e = Assert.Throws<GhnQatException>(() =>
            Quantizer.Quantize(net, Ranges(new() { ["input"] = 1, ["r"] = 1, ["wide_c2"] = 1, ["g"] = 1 }), QuantScheme.W8A8));

        Assert.That(e!.Message, Does.Contain("'wide_c2'").And.Contain("int32"));
    }

    [Test]
    public void Constructor_TamperedMultiplier_ThrowsNamingTheLayer()
    {
        var q = Quantizer.Quantize(TwoLayerNet(), Ranges(new() { ["input"] = 2.54f, ["r"] = 1.5f, ["g"] = 1.27f }), QuantScheme.W8A8);
        var conv = (QConvLayer)q.Layers[0];
        var layers = q.Layers.ToArray();
        layers[0] = conv with { Multipliers = [conv.Multipliers[0] * 1.001f, conv.Multipliers[1]] };

        var e = Assert.Throws<GhnQatException>(() => new QuantizedNetwork(q.Spec, q.Scheme, q.Tensors, layers));

        Assert.That(e!.Message, Does.Contain("layer 0 'c'").And.Contain("multiplier of channel 0"));
    }

    [Test]
    public void Constructor_WeightCodeOutsideNarrowRange_ThrowsInvalidArgument()
    {
        var q = Quantizer.Quantize(TwoLayerNet(), Ranges(new() { ["input"] = 2.54f, ["r"] = 1.5f, ["g"] = 1.27f }), QuantScheme.W8A8);
        var layers = q.Layers.ToArray();
        layers[^1] = q.Classifier with { Weights = ImmutableArray.Create<sbyte>(-128, 0, 0, 0) };

        var e = Assert.Throws<GhnQatException>(() => new QuantizedNetwork(q.Spec, q.Scheme, q.Tensors, layers));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("-128"));
    }
}
