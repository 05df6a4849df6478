// Pins the ORT 1.31.1 facts the integer export relies on: exact ConvInteger/MatMulInteger sums for u8/i8 codes,
// grouped/strided/dilated/padded; int8/uint8 MaxPool ignoring padding; Round half to even.
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Onnx;
using DataType = Onnx.TensorProto.Types.DataType;
using G = GhnQat.Runtime.Onnx.OnnxGraphBuilder;

namespace GhnQat.Runtime.Tests.Onnx;

public class OrtIntegerOpTests
{
    // One graph per case: codes arrive as float images (exactly representable) and are cast to the code type.
    [TestCase(true, 8, 3, 1, 1, 1)]
    [TestCase(false, 8, 3, 1, 1, 1)]
    [TestCase(true, 13, 5, 2, 1, 1)]
    [TestCase(false, 13, 3, 2, 1, 13)]
    [TestCase(true, 12, 3, 1, 2, 4)]
    [TestCase(false, 7, 1, 2, 1, 1)]
    public void ConvInteger_CodeTypesAndShapes_EqualExactIntegerSum(bool signedInput, int channels, int k, int stride, int dilation, int groups)
    {
        const int h = 9, w = 7, outC = 13;
        int oc = groups == 1 ? outC : channels;
        var rng = new SplitMix64((ulong)(channels * 1000 + k * 100 + stride * 10 + groups));
        var x = new float[2 * channels * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = signedInput ? rng.NextInt32(255) - 127 : rng.NextInt32(256);
        var weights = new sbyte[oc * (channels / groups) * k * k];
        for (int i = 0; i < weights.Length; i++) weights[i] = (sbyte)(rng.NextInt32(255) - 127);
        int pad = dilation * (k - 1) / 2;

        var g = new G("conv-integer");
        g.Input(OnnxNames.Images, DataType.Float, -1, channels, h, w);
        string codes = g.Node("Cast", "codes", [OnnxNames.Images], G.Int("to", (long)(signedInput ? DataType.Int8 : DataType.Uint8)));
        string wt = g.Initializer("w", weights, oc, channels / groups, k, k);
        g.Node("ConvInteger", "acc", [codes, wt],
            G.Ints("kernel_shape", k, k), G.Ints("strides", stride, stride), G.Ints("pads", pad, pad, pad, pad),
            G.Ints("dilations", dilation, dilation), G.Int("group", groups));
        int oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1;
        g.Output("acc", DataType.Int32, -1, oc, oh, ow);
        using var runner = new OnnxRunner(g.ToModelBytes(OnnxNames.Opset, "probe"));

        var acc = runner.Run(x, 2)["acc"].Data<int>();

        int inPerGroup = channels / groups, outPerGroup = oc / groups, mismatches = 0;
        for (int n = 0; n < 2; n++)
        for (int o = 0; o < oc; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            long sum = 0;
            for (int ic = 0; ic < inPerGroup; ic++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - pad + ky * dilation, ix = ox * stride - pad + kx * dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                int c = o / outPerGroup * inPerGroup + ic;
                sum += (long)x[((n * channels + c) * h + iy) * w + ix] * weights[((o * inPerGroup + ic) * k + ky) * k + kx];
            }
            if (acc[((n * oc + o) * oh + oy) * ow + ox] != sum) mismatches++;
        }
        Assert.That(mismatches, Is.Zero);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void MatMulInteger_CodeTypes_EqualExactIntegerSum(bool signedInput)
    {
        const int inF = 37, outF = 10, batch = 3;
        var rng = new SplitMix64(signedInput ? 5UL : 6UL);
        var x = new float[batch * inF];
        for (int i = 0; i < x.Length; i++) x[i] = signedInput ? rng.NextInt32(255) - 127 : rng.NextInt32(256);
        var wT = new sbyte[inF * outF];
        for (int i = 0; i < wT.Length; i++) wT[i] = (sbyte)(rng.NextInt32(255) - 127);

        var g = new G("matmul-integer");
        g.Input(OnnxNames.Images, DataType.Float, -1, inF, 1, 1);
        string flat = g.Node("Flatten", "flat", [OnnxNames.Images], G.Int("axis", 1));
        string codes = g.Node("Cast", "codes", [flat], G.Int("to", (long)(signedInput ? DataType.Int8 : DataType.Uint8)));
        g.Node("MatMulInteger", "acc", [codes, g.Initializer("wT", wT, inF, outF)]);
        g.Output("acc", DataType.Int32, -1, outF);
        using var runner = new OnnxRunner(g.ToModelBytes(OnnxNames.Opset, "probe"));

        var acc = runner.Run(x, batch)["acc"].Data<int>();

        for (int n = 0; n < batch; n++)
        for (int o = 0; o < outF; o++)
        {
            long sum = 0;
            for (int i = 0; i < inF; i++) sum += (long)x[n * inF + i] * wT[i * outF + o];
            Assert.That(acc[n * outF + o], Is.EqualTo(sum), $"image {n}, output {o}");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void MaxPool_CodesWithPadding_NeverSelectsPaddedCells(bool signedInput)
    {
        // All codes at the type's minimum: a pool that padded with 0 would output 0 at the borders (signed case),
        // and a uint8 pool that padded with anything above 0 would too.
        float fill = signedInput ? -127 : 0;
        var x = Enumerable.Repeat(fill, 5 * 5).ToArray();
        x[12] = signedInput ? -3 : 5;
        var g = new G("maxpool");
        g.Input(OnnxNames.Images, DataType.Float, -1, 1, 5, 5);
        string codes = g.Node("Cast", "codes", [OnnxNames.Images], G.Int("to", (long)(signedInput ? DataType.Int8 : DataType.Uint8)));
        g.Node("MaxPool", "y", [codes], G.Ints("kernel_shape", 3, 3), G.Ints("strides", 2, 2), G.Ints("pads", 1, 1, 1, 1));
        g.Output("y", signedInput ? DataType.Int8 : DataType.Uint8, -1, 1, 3, 3);
        using var runner = new OnnxRunner(g.ToModelBytes(OnnxNames.Opset, "probe"));

        var y = runner.Run(x, 1)["y"];

        double[] values = Enumerable.Range(0, 9).Select(y.ValueAt).ToArray();
        double peak = x[12];
        Assert.That(values, Is.EqualTo(new[] { fill, fill, fill, fill, peak, fill, fill, fill, fill }));
    }

    [Test]
    public void Round_Ties_GoToEven()
    {
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4999998f, 126.5f];
        var g = new G("round");
        g.Input(OnnxNames.Images, DataType.Float, -1, 1, 1, x.Length);
        g.Node("Round", "y", [OnnxNames.Images]);
        g.Output("y", DataType.Float, -1, 1, 1, x.Length);
        using var runner = new OnnxRunner(g.ToModelBytes(OnnxNames.Opset, "probe"));

        var y = runner.Run(x, 1)["y"].Data<float>().ToArray();

        Assert.That(y, Is.EqualTo(new[] { 0f, 2f, 2f, -0f, -2f, -2f, 2f, 126f }));
    }
}
