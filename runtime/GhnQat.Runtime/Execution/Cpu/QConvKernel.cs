// CpuReference: integer conv of a batch of images (zero padding, stride, dilation, groups) with the contract's requant.
using System.Numerics;
using System.Numerics.Tensors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// acc[o, oy, ox] = Σ_{ci in o's group, ky, kx} x[ci, iy, ix]·w[o, ci − group start, ky, kx] over in-bounds taps
/// (padding reads 0), with iy = oy·stride − pad + ky·dilation and ix likewise; then
/// y = clamp(roundEven(float32(acc) × M[o] + bias[o]), lo, hi) (bias in output-code units). The quantizer bounds
/// |acc| below 2^31, so int32 arithmetic is exact. Loop order: a block of images' group input is laid out as int
/// columns (im2col: row = tap (ci, ky, kx), column = output pixel of each image in the block, padding = 0), then each
/// nonzero weight adds its row to the output channel's accumulator planes in one vectorized multiply-add (zero codes,
/// common at 2 and 4 bits, cost nothing). When every output channel's bound Σ|w|·max|x| is below 2^24, the layer
/// runs instead as a float32 GEMM (<see cref="FloatGemm"/>) of the same columns: every product and partial sum is then
/// an integer of magnitude below 2^24, which float32 holds exactly, so the sums are the int32 sums — the 4- and 2-bit
/// layers and most 8-bit ones take this path, several times faster. Either way the sum is exact, so neither the path
/// nor the order can change the result, only the speed.
/// </summary>
internal static class QConvKernel
{
    // Images per im2col block: enough that each multiply-add spans about this many ints (small planes take many images).
    private const int TargetColumns = 2048;

    /// <summary>Largest sum a float32 accumulator holds exactly with every integer below it: 2^24.</summary>
    internal const int ExactFloatSum = 1 << 24;

    /// <summary>
    /// Convolves <paramref name="count"/> images, layouts [count, C, H, W] in and [count, O, Ho, Wo] out; every input
    /// code lies in [−<paramref name="inputMaxAbs"/>, <paramref name="inputMaxAbs"/>] (the input tensor's range).
    /// </summary>
    public static void Run(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y, int count, int inputMaxAbs)
    {
        if (FitsFloat(layer, inputMaxAbs)) RunFloat(layer, height, width, x, y, count);
        else RunInt(layer, height, width, x, y, count);
    }

    /// <summary>Whether every output channel's Σ|w|·<paramref name="inputMaxAbs"/> is below <see cref="ExactFloatSum"/>.</summary>
    internal static bool FitsFloat(QConvLayer layer, int inputMaxAbs)
    {
        var w = layer.Weights.AsSpan();
        int reduction = layer.InChannels / layer.Groups * layer.Kernel * layer.Kernel;
        for (int o = 0; o < layer.OutChannels; o++)
        {
            long bound = 0;
            foreach (sbyte v in w.Slice(o * reduction, reduction)) bound += Math.Abs((int)v);
            if (bound * inputMaxAbs >= ExactFloatSum) return false;
        }
        return true;
    }

    // The sizes both paths share: geometry, output pixels, reduction, per-group channels, per-image sizes, images per block.
    private static (ConvGeometry G, int Pixels, int Reduction, int InPerGroup, int OutPerGroup, int InSize, int OutSize, int GroupIn, int Block)
        Layout(QConvLayer layer, int height, int width, int count)
    {
        var g = new ConvGeometry(layer.InChannels, height, width, layer.OutChannels, layer.Kernel, layer.Stride,
            layer.Padding, layer.Dilation, layer.Groups);
        int pixels = g.OutHeight * g.OutWidth, inPerGroup = layer.InChannels / layer.Groups;
        return (g, pixels, g.Reduction, inPerGroup, layer.OutChannels / layer.Groups, layer.InChannels * height * width,
            layer.OutChannels * pixels, inPerGroup * height * width, Math.Clamp(TargetColumns / pixels, 1, count));
    }

    /// <summary>The int32 path: any layer (exact below 2^31, which the quantizer guarantees).</summary>
    internal static void RunInt(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y, int count)
    {
        var (g, pixels, reduction, inPerGroup, outPerGroup, inSize, outSize, groupIn, block) = Layout(layer, height, width, count);
        var columns = new int[reduction * block * pixels];
        var acc = new int[outPerGroup * block * pixels];
        var w = layer.Weights.AsSpan();
        for (int first = 0; first < count; first += block)
        {
            int n = Math.Min(block, count - first), span = n * pixels;
            for (int group = 0; group < layer.Groups; group++)
            {
                // Row r of the block's column matrix: tap r of every output pixel of image 0, then image 1, …
                for (int b = 0; b < n; b++)
                    g.Im2Col(x.Slice(((first + b) * inSize) + (group * groupIn), groupIn), inPerGroup, columns.AsSpan(), span, b * pixels);
                var groupAcc = acc.AsSpan(0, outPerGroup * span);
                groupAcc.Clear();
                for (int j = 0; j < outPerGroup; j++)
                {
                    // Each nonzero weight adds its whole column row to the output channel's planes in one vectorized multiply-add.
                    var aj = groupAcc.Slice(j * span, span);
                    var wj = w.Slice(((group * outPerGroup) + j) * reduction, reduction);
                    for (int r = 0; r < reduction; r++)
                    {
                        if (wj[r] != 0) TensorPrimitives.MultiplyAdd(columns.AsSpan(r * span, span), wj[r], aj, aj);
                    }
                }
                Requantize(layer, groupAcc, y, group, first, n, pixels, outSize);
            }
        }
    }

    /// <summary>
    /// The float32 path, for layers that <see cref="FitsFloat"/>: the same im2col blocks, one GEMM per block and group,
    /// sums exact (see the class summary), then the same requantization.
    /// </summary>
    internal static void RunFloat(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y, int count)
    {
        var (g, pixels, reduction, inPerGroup, outPerGroup, inSize, outSize, groupIn, block) = Layout(layer, height, width, count);
        var weights = new float[layer.Weights.Length];
        for (int i = 0; i < weights.Length; i++) weights[i] = layer.Weights[i];
        var image = new float[groupIn];
        var columns = new float[reduction * block * pixels];
        var sums = new float[outPerGroup * block * pixels];
        for (int first = 0; first < count; first += block)
        {
            int n = Math.Min(block, count - first), span = n * pixels;
            for (int group = 0; group < layer.Groups; group++)
            {
                for (int b = 0; b < n; b++)
                {
                    ToFloat(x.Slice(((first + b) * inSize) + (group * groupIn), groupIn), image);
                    g.Im2Col<float>(image, inPerGroup, columns, span, b * pixels);
                }
                var groupSums = sums.AsSpan(0, outPerGroup * span);
                FloatGemm.Multiply(weights.AsSpan(group * outPerGroup * reduction, outPerGroup * reduction),
                    columns.AsSpan(0, reduction * span), groupSums, outPerGroup, reduction, span);
                for (int j = 0; j < outPerGroup; j++)
                {
                    int o = (group * outPerGroup) + j;
                    for (int b = 0; b < n; b++)
                    {
                        RequantizeExact(groupSums.Slice((j * span) + (b * pixels), pixels), layer.Multipliers[o], layer.Bias[o],
                            layer.Lo, layer.Hi, y.Slice(((first + b) * outSize) + (o * pixels), pixels));
                    }
                }
            }
        }
    }

    private static void ToFloat(ReadOnlySpan<int> codes, Span<float> values)
    {
        int v = Vector<int>.Count, i = 0;
        for (; i + v <= codes.Length; i += v) Vector.ConvertToSingle(new Vector<int>(codes.Slice(i, v))).CopyTo(values.Slice(i, v));
        for (; i < codes.Length; i++) values[i] = codes[i];
    }

    /// <summary>
    /// <see cref="QuantContract.Requantize(int, float, float, int, int)"/> of accumulators that are integers held
    /// exactly in float32, vectorized with the same operations: one float32 multiply, one add (not fused), round to
    /// nearest even, clamp. The sums are finite (below 2^24), so min/max clamp as the scalar comparisons do.
    /// </summary>
    internal static void RequantizeExact(ReadOnlySpan<float> sums, float multiplier, float bias, int lo, int hi, Span<int> y)
    {
        int v = Vector<float>.Count, i = 0;
        Vector<float> m = new(multiplier), b = new(bias), low = new(lo), high = new(hi);
        for (; i + v <= sums.Length; i += v)
        {
            var sum = (new Vector<float>(sums.Slice(i, v)) * m) + b;
            Vector.ConvertToInt32(Vector.Min(Vector.Max(Vector.Round(sum), low), high)).CopyTo(y.Slice(i, v));
        }
        for (; i < sums.Length; i++) y[i] = QuantContract.Requantize((int)sums[i], multiplier, bias, lo, hi);
    }

    // y = requant(acc) for a block's accumulators, layout [output channel of the group][image of the block][pixel].
    private static void Requantize(QConvLayer layer, ReadOnlySpan<int> groupAcc, Span<int> y, int group, int first, int n, int pixels, int outSize)
    {
        int outPerGroup = layer.OutChannels / layer.Groups, span = n * pixels;
        for (int j = 0; j < outPerGroup; j++)
        {
            int o = (group * outPerGroup) + j;
            float multiplier = layer.Multipliers[o], bias = layer.Bias[o];
            for (int b = 0; b < n; b++)
            {
                var ao = groupAcc.Slice((j * span) + (b * pixels), pixels);
                var yo = y.Slice(((first + b) * outSize) + (o * pixels), pixels);
                for (int p = 0; p < pixels; p++)
                    yo[p] = QuantContract.Requantize(ao[p], multiplier, bias, layer.Lo, layer.Hi);
            }
        }
    }
}
