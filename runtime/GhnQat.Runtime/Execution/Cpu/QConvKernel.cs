// CpuReference: integer conv of a batch of images (zero padding, stride, dilation, groups) with the contract's requant.
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
/// common at 2 and 4 bits, cost nothing). The sum is exact, so the order cannot change the result, only the speed.
/// </summary>
internal static class QConvKernel
{
    // Images per im2col block: enough that each multiply-add spans about this many ints (small planes take many images).
    private const int TargetColumns = 2048;

    /// <summary>Convolves <paramref name="count"/> images, layouts [count, C, H, W] in and [count, O, Ho, Wo] out.</summary>
    public static void Run(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y, int count)
    {
        var g = new ConvGeometry(layer.InChannels, height, width, layer.OutChannels, layer.Kernel, layer.Stride,
            layer.Padding, layer.Dilation, layer.Groups);
        int pixels = g.OutHeight * g.OutWidth, reduction = g.Reduction;
        int inPerGroup = layer.InChannels / layer.Groups, outPerGroup = layer.OutChannels / layer.Groups;
        int inSize = layer.InChannels * height * width, outSize = layer.OutChannels * pixels, groupIn = inPerGroup * height * width;
        int block = Math.Clamp(TargetColumns / pixels, 1, count);
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
    }
}
