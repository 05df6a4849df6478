// The TorchSharp quantizers against the runtime's contract: scales, codes, ranges, ties, gradients, noise.
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Quantization;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Quantization;

public class FakeQuantTests
{
    [OneTimeSetUp]
    public void InitTorch() => TorchEnvironment.Initialize(threads: 1);

    [TestCase(8)]
    [TestCase(4)]
    [TestCase(2)]
    public void WeightCodes_RandomConvWeightsWithZeroChannel_EqualQuantContractPerChannel(int bits)
    {
        using var scope = NewDisposeScope();
        var w = randn([13, 3, 3, 3], generator: new Generator(11)) * 0.3;
        w[5] = zeros([3, 3, 3]);
        var scale = FakeQuant.WeightScale(w, bits);
        var codes = FakeQuant.WeightCodes(w, scale, bits);
        var wv = w.data<float>().ToArray();
        var sv = scale.data<float>().ToArray();
        var cv = codes.data<double>().ToArray();
        for (int c = 0; c < 13; c++)
        {
            var row = wv.AsSpan(c * 27, 27);
            double maxAbs = 0;
            foreach (float v in row) maxAbs = Math.Max(maxAbs, Math.Abs(v));
            Assert.That(sv[c], Is.EqualTo(QuantContract.WeightScale(maxAbs, bits)), $"scale of channel {c}");
            for (int i = 0; i < 27; i++)
                Assert.That((int)cv[(c * 27) + i], Is.EqualTo(QuantContract.WeightCode(row[i], sv[c], bits)), $"code [{c},{i}]");
        }
        Assert.That(sv[5], Is.EqualTo(1f), "an all-zero channel gets scale 1");
    }

    [Test]
    public void Weight_HalfwayValues_RoundHalfToEvenInNarrowRange()
    {
        using var scope = NewDisposeScope();
        // max |w| = 7 at 4 bits gives scale exactly 1, so w / s are the listed halves.
        var w = tensor(new float[] { 7f, 0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 3.5f, -7f }, [1, 8]);
        var q = FakeQuant.Weight(w, 4, QuantMode.Sim, training: true);
        Assert.That(q.data<float>().ToArray(), Is.EqualTo(new float[] { 7, 0, 2, 2, 0, -2, 4, -7 }));
    }

    [TestCase(8)]
    [TestCase(4)]
    [TestCase(2)]
    public void Weight_SimQuant_IsAnIntegerCodeTimesTheChannelScale(int bits)
    {
        using var scope = NewDisposeScope();
        var w = randn([6, 10], generator: new Generator(3));
        var q = FakeQuant.Weight(w, bits, QuantMode.Sim, training: true);
        var k = q / FakeQuant.WeightScale(w, bits).view(6, 1);
        int qmax = QuantContract.QMax(bits, isSigned: true);
        Assert.That((k - k.round()).abs().max().item<float>(), Is.LessThan(1e-4));
        Assert.That(k.abs().max().item<float>(), Is.EqualTo(qmax).Within(1e-4), "the largest |w| of each row maps to ±qmax");
    }

    [Test]
    public void Weight_SimQuant_GradientIsIdentity()
    {
        using var scope = NewDisposeScope();
        var w = randn([4, 5], generator: new Generator(5)).requires_grad_(true);
        var g = randn([4, 5], generator: new Generator(6));
        (FakeQuant.Weight(w, 2, QuantMode.Sim, training: true) * g).sum().backward();
        Assert.That((w.grad! - g).abs().max().item<float>(), Is.Zero);
    }

    [Test]
    public void ActivationCodes_Image_EqualQuantizeInputBitForBit()
    {
        using var scope = NewDisposeScope();
        var x = randn([4, 1, 28, 28], generator: new Generator(7)) * 1.7;
        var range = FakeQuant.BatchRange(x, isSigned: true);
        var scale = FakeQuant.ActivationScale(range, 8, isSigned: true);
        float expectedScale = QuantContract.ActivationScale(range.item<float>(), 8, isSigned: true);
        Assert.That(scale.item<float>(), Is.EqualTo(expectedScale));
        var codes = FakeQuant.ActivationCodes(x, scale, 8, isSigned: true).data<float>().ToArray();
        var xv = x.data<float>().ToArray();
        float inv = QuantContract.InverseScale(expectedScale);
        int mismatches = Enumerable.Range(0, xv.Length).Count(i => (int)codes[i] != QuantContract.QuantizeInput(xv[i], inv, 127));
        Assert.That(mismatches, Is.Zero);
    }

    [TestCase(4, false, 0, 15)]
    [TestCase(2, false, 0, 3)]
    [TestCase(4, true, -7, 7)]
    [TestCase(2, true, -1, 1)]
    public void ActivationCodes_FixedRange_ClampToTheContractRange(int bits, bool isSigned, int lo, int hi)
    {
        using var scope = NewDisposeScope();
        var x = linspace(-3, 3, 601);
        var codes = FakeQuant.ActivationCodes(x, FakeQuant.ActivationScale(tensor(1f), bits, isSigned), bits, isSigned);
        Assert.That(codes.min().item<float>(), Is.EqualTo(lo));
        Assert.That(codes.max().item<float>(), Is.EqualTo(hi));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Activation_ClippedSte_GradientOneInsideRangeZeroOutside(bool isSigned)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { -2f, -0.5f, 0.3f, 0.9f, 1.5f }).requires_grad_(true);
        var y = FakeQuant.Activation(x, 4, isSigned, QuantMode.Sim, training: true, out _, range: tensor(1f));
        y.sum().backward();
        var expected = isSigned ? new float[] { 0, 1, 1, 1, 0 } : new float[] { 0, 0, 1, 1, 0 };
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Activation_NoiseQuantTraining_NoiseIsUniformOverOneStep()
    {
        using var scope = NewDisposeScope();
        // Values well inside the range, so the clip never bites and out − x is the noise itself.
        var x = rand([200_000], generator: new Generator(9)) * 0.5 + 0.25;
        var y = FakeQuant.Activation(x, 4, isSigned: false, QuantMode.Noise, training: true, out _, range: tensor(1f), noise: new Generator(10));
        double step = QuantContract.ActivationScale(1.0, 4, isSigned: false);
        var n = (y - x).to_type(ScalarType.Float64);
        Assert.That(n.abs().max().item<double>(), Is.LessThanOrEqualTo((step / 2) + 1e-7));
        Assert.That(Math.Abs(n.mean().item<double>()), Is.LessThan(0.01 * step));
        Assert.That(n.var().item<double>(), Is.EqualTo(step * step / 12).Within(3).Percent);
    }

    [Test]
    public void Weight_NoiseQuantTraining_StaysInRangeAndRepeatsWithTheSeed()
    {
        using var scope = NewDisposeScope();
        var w = randn([8, 50], generator: new Generator(12));
        var a = FakeQuant.Weight(w, 2, QuantMode.Noise, training: true, new Generator(4));
        var b = FakeQuant.Weight(w, 2, QuantMode.Noise, training: true, new Generator(4));
        var bound = FakeQuant.WeightScale(w, 2).view(8, 1);
        Assert.That((a - b).abs().max().item<float>(), Is.Zero, "same seed, same noise");
        Assert.That((a.abs() - bound).max().item<float>(), Is.LessThanOrEqualTo(0f), "clipped to ±qmax·s");
        Assert.That(((a - w).abs() - (bound / 2)).max().item<float>(), Is.LessThanOrEqualTo(1e-6f), "at most half a step");
    }

    [Test]
    public void Activation_NoiseQuantEvaluation_RoundsExactlyLikeSimQuant()
    {
        using var scope = NewDisposeScope();
        var x = randn([3, 4, 5, 5], generator: new Generator(13));
        var noise = FakeQuant.Activation(x, 2, isSigned: true, QuantMode.Noise, training: false, out _);
        var sim = FakeQuant.Activation(x, 2, isSigned: true, QuantMode.Sim, training: true, out _);
        Assert.That((noise - sim).abs().max().item<float>(), Is.Zero);
        Assert.That(noise.unique().Item1.numel(), Is.LessThanOrEqualTo(3), "2-bit signed: codes −1, 0, 1");
    }
    [Test]
    public void Mixed_Training_WeightsRoundedLikeSimQuant_ActivationsNoisyLikeNoiseQuant()
    {
        using var scope = NewDisposeScope();
        var w = randn([8, 3, 3, 3], generator: new Generator(14));
        var mixedW = FakeQuant.Weight(w, 2, QuantMode.Mixed, training: true, new Generator(5));
        var simW = FakeQuant.Weight(w, 2, QuantMode.Sim, training: true);
        Assert.That((mixedW - simW).abs().max().item<float>(), Is.Zero, "weights: the real codes");

        var x = rand([4, 8, 6, 6], generator: new Generator(15));
        var mixedA = FakeQuant.Activation(x, 2, isSigned: false, QuantMode.Mixed, training: true, out _, range: tensor(1f), noise: new Generator(6));
        var noiseA = FakeQuant.Activation(x, 2, isSigned: false, QuantMode.Noise, training: true, out _, range: tensor(1f), noise: new Generator(6));
        var simA = FakeQuant.Activation(x, 2, isSigned: false, QuantMode.Sim, training: true, out _, range: tensor(1f));
        Assert.That((mixedA - noiseA).abs().max().item<float>(), Is.Zero, "activations: NoiseQuant's noise, same seed");
        Assert.That((mixedA - simA).abs().max().item<float>(), Is.GreaterThan(0f), "not rounded");
        Assert.That(mixedA.unique().Item1.numel(), Is.GreaterThan(4), "2-bit unsigned rounding would leave ≤ 4 values");
    }
}
