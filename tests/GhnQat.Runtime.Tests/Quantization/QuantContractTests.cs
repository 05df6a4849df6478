// The contract's formulas on hand-picked values: narrow ranges, round-half-to-even ties, scale rules, bias clamping,
// saturation, and the add's float32 order.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Tests.Quantization;

[TestFixture]
public sealed class QuantContractTests
{
    [TestCase(8, true, -127, 127)]
    [TestCase(4, true, -7, 7)]
    [TestCase(2, true, -1, 1)]
    [TestCase(8, false, 0, 255)]
    [TestCase(4, false, 0, 15)]
    [TestCase(2, false, 0, 3)]
    public void QMinQMax_EveryWidth_AreNarrowSignedOrFullUnsigned(int bits, bool isSigned, int lo, int hi) =>
        Assert.That((QuantContract.QMin(bits, isSigned), QuantContract.QMax(bits, isSigned)), Is.EqualTo((lo, hi)));

    [TestCase(1, 0.5f, 0)]
    [TestCase(3, 0.5f, 2)]
    [TestCase(5, 0.5f, 2)]
    [TestCase(-1, 0.5f, 0)]
    [TestCase(-3, 0.5f, -2)]
    [TestCase(7, 0.5f, 4)]
    [TestCase(10, 0.3f, 3)]
    public void Requantize_HalfwayProducts_RoundToEven(int acc, float m, int expected) =>
        Assert.That(QuantContract.Requantize(acc, m, -127, 127), Is.EqualTo(expected));

    [TestCase(int.MaxValue, 1e30f, 0, 255, 255)]
    [TestCase(int.MinValue, 1e30f, 0, 255, 0)]
    [TestCase(-40, 1f, -7, 7, -7)]
    [TestCase(-40, 1f, 0, 15, 0)]
    public void Requantize_OutOfRange_SaturatesAtClamp(int acc, float m, int lo, int hi, int expected) =>
        Assert.That(QuantContract.Requantize(acc, m, lo, hi), Is.EqualTo(expected));

    [TestCase(2.5, 2)]
    [TestCase(3.5, 4)]
    [TestCase(-2.5, -2)]
    [TestCase(6.49, 6)]
    [TestCase(100, 7)]
    [TestCase(-100, -7)]
    public void WeightCode_FourBit_RoundsHalfToEvenAndClampsNarrow(double w, int expected) =>
        Assert.That(QuantContract.WeightCode(w, 1f, 4), Is.EqualTo(expected));

    [TestCase(0.5, 0)]
    [TestCase(-0.75, -1)]
    [TestCase(1.5, 1)]
    [TestCase(-9, -1)]
    public void WeightCode_TwoBit_StaysInMinusOneToOne(double w, int expected) =>
        Assert.That(QuantContract.WeightCode(w, 1f, 2), Is.EqualTo(expected));

    [Test]
    public void WeightScale_ZeroChannel_IsOne() => Assert.That(QuantContract.WeightScale(0, 8), Is.EqualTo(1f));

    [Test]
    public void WeightScale_MaxAbs_IsMaxOverQmaxRoundedOnceToFloat() =>
        Assert.That(QuantContract.WeightScale(0.3, 4), Is.EqualTo((float)(0.3 / 7)));

    [Test]
    public void ActivationScale_ZeroRange_UsesTheFloor() =>
        Assert.That(QuantContract.ActivationScale(0, 8, false), Is.EqualTo((float)(1e-8 / 255)));

    [Test]
    public void ActivationScale_UnsignedAndSigned_DivideByTheirQmax()
    {
        Assert.That(QuantContract.ActivationScale(6, 4, false), Is.EqualTo(0.4f));
        Assert.That(QuantContract.ActivationScale(6, 4, true), Is.EqualTo((float)(6.0 / 7)));
    }

    [Test]
    public void ConvBias_IsTheFoldedBiasInOutputCodeUnitsRoundedOnceToFloat32()
    {
        // 0.1 / 0.3 in double is 0.33333…; one rounding to float32. A bias of a quarter step stays a quarter step —
        // the resolution an int32 bias in accumulator units (s_x·s_w, often most of a 2-bit step) cannot give.
        Assert.That(QuantContract.ConvBias(0.1, 0.3f), Is.EqualTo((float)(0.1 / (double)0.3f)));
        Assert.That(QuantContract.ConvBias(0.25, 1f), Is.EqualTo(0.25f));
        Assert.That(QuantContract.ClassifierBias(-0.1), Is.EqualTo(-0.1f));
    }

    [TestCase(3, 0.5f, 1)]      // 1.5 + 0.25 = 1.75 → 2
    [TestCase(3, 0.5f, 0)]      // 1.5 + 0 → tie → 2 (even)
    [TestCase(1, 0.5f, -1)]     // 0.5 − 0.25 = 0.25 → 0
    public void Requantize_WithBias_AddsTheBiasToTheProductThenRounds(int acc, float m, int biasSign)
    {
        float bias = 0.25f * biasSign;
        float expected = MathF.Round((acc * m) + bias, MidpointRounding.ToEven);

        Assert.That(QuantContract.Requantize(acc, m, bias, -127, 127), Is.EqualTo((int)expected));
    }

    [Test]
    public void Requantize_WithBias_RoundsTheProductBeforeAddingNeverFused()
    {
        // 3 × float32(1/6) = 0.500000015 exactly, which float32 rounds to 0.5: unfused, 0.5 + 0 ties to 0; a fused
        // multiply-add would keep 0.500000015 and give 1.
        Assert.That(QuantContract.Requantize(3, 1f / 6, 0f, -7, 7), Is.EqualTo(0));
    }

    [Test]
    public void RequantizeSum_HandValues_ScalesEachInputThenRounds()
    {
        Assert.That(QuantContract.RequantizeSum([10, -4], [0.5f, 0.25f], -127, 127), Is.EqualTo(4));
        Assert.That(QuantContract.RequantizeSum([3, 0], [0.5f, 1f], 0, 255), Is.EqualTo(2));
        Assert.That(QuantContract.RequantizeSum([5, 0], [0.5f, 1f], 0, 255), Is.EqualTo(2));
    }

    [Test]
    public void RequantizeSum_ThreeInputs_AddsLeftToRightInFloat32()
    {
        // 2^24 + 1 is not a float32: left to right, (2^24 + 1) rounds to 2^24 (tie to even), then + 1 → 2^24 again;
        // a different order ((1 + 1) + 2^24) would give 2^24 + 2.
        int result = QuantContract.RequantizeSum([16_777_216, 1, 1], [1f, 1f, 1f], int.MinValue + 1, int.MaxValue);

        Assert.That(result, Is.EqualTo(16_777_216));
    }

    [Test]
    public void QuantizeInput_MultipliesByInverseScaleAndClamps()
    {
        Assert.That(QuantContract.QuantizeInput(0.25f, 10f, 127), Is.EqualTo(2));    // 2.5 → 2
        Assert.That(QuantContract.QuantizeInput(-99f, 10f, 127), Is.EqualTo(-127));
    }

    [Test]
    public void Logit_IsOneFloat32MultiplyThenTheBias() =>
        Assert.That(QuantContract.Logit(1024, 0.125f, -0.5f), Is.EqualTo(127.5f));
}
