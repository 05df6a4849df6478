// The CPU reference's integer conv has two paths, int32 multiply-adds and a float32 GEMM taken only when every sum is
// an integer below 2^24; both must give the same codes as a direct long-integer conv, and the GEMM must accumulate
// each element in reduction order whatever its blocking.
using System.Collections.Immutable;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Tests.Cpu;

public class QConvKernelTests
{
    // (in, out, kernel, stride, padding, dilation, groups, height, width, images)
    private static readonly object[] Shapes =
    [
        new object[] { 3, 5, 3, 1, 1, 1, 1, 7, 6, 3 },
        new object[] { 8, 12, 3, 2, 1, 1, 1, 9, 9, 5 },
        new object[] { 6, 6, 3, 1, 2, 2, 6, 8, 8, 4 },        // depthwise, dilated
        new object[] { 8, 4, 1, 1, 0, 1, 2, 5, 5, 70 },       // grouped pointwise, a block of many images
        new object[] { 64, 9, 5, 1, 2, 1, 1, 6, 6, 2 },       // reduction 1600: several GEMM reduction blocks
    ];

    [TestCaseSource(nameof(Shapes))]
    public void RunFloatAndRunInt_EqualTheDirectConv(int inC, int outC, int kernel, int stride, int pad, int dilation, int groups, int h, int w, int images)
    {
        var rnd = new Random((inC * 31) + outC);
        var layer = Layer(inC, outC, kernel, stride, pad, dilation, groups, rnd, weightMax: 7);
        var x = Codes(rnd, images * inC * h * w, 0, 15);
        Assert.That(QConvKernel.FitsFloat(layer, 15), Is.True);
        int oh = ((h + (2 * pad) - (dilation * (kernel - 1)) - 1) / stride) + 1, ow = ((w + (2 * pad) - (dilation * (kernel - 1)) - 1) / stride) + 1;
        var expected = Direct(layer, x, images, h, w, oh, ow);
        var viaFloat = new int[images * outC * oh * ow];
        var viaInt = new int[viaFloat.Length];
        QConvKernel.RunFloat(layer, h, w, x, viaFloat, images);
        QConvKernel.RunInt(layer, h, w, x, viaInt, images);
        Assert.That(viaFloat, Is.EqualTo(expected));
        Assert.That(viaInt, Is.EqualTo(expected));
    }

    [Test]
    public void FitsFloat_BoundAtTwoToThe24_TakesTheIntPath()
    {
        // One output channel of 1024 × 3 × 3 = 9216 taps, every |w| = 1: the bound is 9216 · max|x|, 2^24 = 16 777 216.
        var below = Layer(1024, 1, 3, 1, 1, 1, 1, new Random(1), weightMax: 1, fill: 1);
        Assert.That(QConvKernel.FitsFloat(below, 1820), Is.True, "9216 · 1820 = 16 773 120 < 2^24");
        Assert.That(QConvKernel.FitsFloat(below, 1821), Is.False, "9216 · 1821 = 16 782 336 ≥ 2^24");
        var exact = Layer(1, 1, 1, 1, 0, 1, 1, new Random(1), weightMax: 1, fill: 1);
        Assert.That(QConvKernel.FitsFloat(exact, QConvKernel.ExactFloatSum - 1), Is.True);
        Assert.That(QConvKernel.FitsFloat(exact, QConvKernel.ExactFloatSum), Is.False);
    }

    [Test]
    public void Run_SumsBeyondFloat32_StayExactThroughTheIntPath()
    {
        // 8-bit weights at 127 and inputs near 255 over up to 1152 taps: sums up to ~3.7e7, past 2^24, where float32 steps
        // by 2 and 4, so a float32 GEMM would round them. The dispatcher must keep them exact.
        var rnd = new Random(5);
        var layer = Layer(128, 3, 3, 1, 1, 1, 1, rnd, weightMax: 127, fill: 127);
        var x = Codes(rnd, 2 * 128 * 4 * 4, 250, 255);
        Assert.That(QConvKernel.FitsFloat(layer, 255), Is.False);
        var y = new int[2 * 3 * 4 * 4];
        var wide = layer with
        {
            Weights = [.. Enumerable.Repeat((sbyte)127, layer.Weights.Length)], Lo = int.MinValue / 2, Hi = int.MaxValue / 2,
            Multipliers = [.. Enumerable.Repeat(1f, 3)],
        };
        QConvKernel.Run(wide, 4, 4, x, y, 2, 255);
        var expected = Direct(wide, x, 2, 4, 4, 4, 4);
        Assert.That(y, Is.EqualTo(expected));
        var unguarded = new int[y.Length];
        QConvKernel.RunFloat(wide, 4, 4, x, unguarded, 2);
        Assert.That(unguarded, Is.Not.EqualTo(expected), "float32 partial sums above 2^24 round: the guard is needed");
    }

    [Test]
    public void FloatGemm_AnyShape_EachElementIsTheInOrderFusedSum()
    {
        var rnd = new Random(3);
        foreach (var (m, k, n) in new[] { (1, 1, 1), (4, 3, 16), (5, 300, 37), (7, 600, 23), (9, 513, 8) })
        {
            var a = Floats(rnd, m * k);
            var b = Floats(rnd, k * n);
            var c = Floats(rnd, m * n);   // overwritten, not accumulated into
            FloatGemm.Multiply(a, b, c, m, k, n);
            int vectorEnd = n - (n % System.Numerics.Vector<float>.Count);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float s = 0;
                    for (int r = 0; r < k; r++) s = j < vectorEnd ? MathF.FusedMultiplyAdd(a[(i * k) + r], b[(r * n) + j], s) : s + (a[(i * k) + r] * b[(r * n) + j]);
                    Assert.That(BitConverter.SingleToInt32Bits(c[(i * n) + j]), Is.EqualTo(BitConverter.SingleToInt32Bits(s)), $"{m}×{k}×{n} [{i},{j}]");
                }
            }
        }
    }

    private static QConvLayer Layer(int inC, int outC, int kernel, int stride, int pad, int dilation, int groups, Random rnd, int weightMax, int? fill = null)
    {
        int count = outC * (inC / groups) * kernel * kernel;
        var weights = Enumerable.Range(0, count).Select(_ => (sbyte)(fill is int f ? (rnd.Next(2) == 0 ? f : -f) : rnd.Next(-weightMax, weightMax + 1))).ToArray();
        return new QConvLayer
        {
            Name = "conv", OutputId = "y", InputId = "x", InChannels = inC, OutChannels = outC, Kernel = kernel, Stride = stride,
            Padding = pad, Dilation = dilation, Groups = groups, WeightBits = weightMax > 7 ? 8 : 4, Weights = [.. weights],
            Bias = [.. Enumerable.Range(0, outC).Select(_ => (float)(rnd.NextDouble() - 0.5))],
            Multipliers = [.. Enumerable.Range(0, outC).Select(_ => (float)(0.002 + (rnd.NextDouble() * 0.01)))],
            WeightScales = [.. Enumerable.Repeat(0.01f, outC)], Lo = 0, Hi = 15, Activation = QActivation.Relu,
        };
    }

    private static int[] Direct(QConvLayer c, int[] x, int images, int h, int w, int oh, int ow)
    {
        int inG = c.InChannels / c.Groups, outG = c.OutChannels / c.Groups;
        var y = new int[images * c.OutChannels * oh * ow];
        for (int n = 0; n < images; n++)
        for (int oc = 0; oc < c.OutChannels; oc++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            long acc = 0;
            for (int ci = 0; ci < inG; ci++)
            for (int ky = 0; ky < c.Kernel; ky++)
            for (int kx = 0; kx < c.Kernel; kx++)
            {
                int iy = (oy * c.Stride) - c.Padding + (ky * c.Dilation), ix = (ox * c.Stride) - c.Padding + (kx * c.Dilation);
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                acc += (long)x[(((((n * c.InChannels) + (oc / outG * inG) + ci) * h) + iy) * w) + ix] * c.Weights[(((((oc * inG) + ci) * c.Kernel) + ky) * c.Kernel) + kx];
            }
            y[(((((n * c.OutChannels) + oc) * oh) + oy) * ow) + ox] = QuantContract.Requantize(checked((int)acc), c.Multipliers[oc], c.Bias[oc], c.Lo, c.Hi);
        }
        return y;
    }

    private static int[] Codes(Random rnd, int count, int lo, int hi) => Enumerable.Range(0, count).Select(_ => rnd.Next(lo, hi + 1)).ToArray();

    private static float[] Floats(Random rnd, int count) => Enumerable.Range(0, count).Select(_ => (float)((rnd.NextDouble() * 2) - 1)).ToArray();
}
