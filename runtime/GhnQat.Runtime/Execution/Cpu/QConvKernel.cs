// CpuReference: integer conv of one image (zero padding, stride, dilation, groups) with the contract's requant.
using System.Numerics.Tensors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// acc[o, oy, ox] = Σ_{ci in o's group, ky, kx} x[ci, iy, ix]·w[o, ci − group start, ky, kx] over in-bounds taps
/// (padding reads 0), with iy = oy·stride − pad + ky·dilation and ix likewise; then
/// y = clamp(roundEven(float32(acc) × M[o] + bias[o]), lo, hi) (bias in output-code units). The quantizer bounds
/// |acc| below 2^31, so int32 arithmetic is exact. Loop order: the group's input is laid out as int columns (im2col,
/// row = tap (ci, ky, kx), column = output pixel, padding = 0; 1×1 stride-1 convs read the input as is), then each
/// nonzero weight adds its row to the output channel's accumulator plane in one vectorized multiply-add (zero codes,
/// common at 2 and 4 bits, cost nothing). The sum is exact, so the order cannot change the result, only the speed.
/// </summary>
internal static class QConvKernel
{
    /// <summary>Scratch ints one call needs: im2col columns (none for 1×1 stride-1 convs) and one group's accumulators.</summary>
    public static int ScratchLength(QConvLayer layer, int height, int width)
    {
        var g = Geometry(layer, height, width);
        int pixels = g.OutHeight * g.OutWidth;
        return (g.IsPointwise ? 0 : g.Reduction * pixels) + (layer.OutChannels / layer.Groups * pixels);
    }

    /// <summary>Convolves one image; <paramref name="scratch"/> holds at least <see cref="ScratchLength"/> ints.</summary>
    public static void Run(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y, Span<int> scratch)
    {
        var g = Geometry(layer, height, width);
        int pixels = g.OutHeight * g.OutWidth, reduction = g.Reduction;
        int inPerGroup = layer.InChannels / layer.Groups, outPerGroup = layer.OutChannels / layer.Groups;
        var w = layer.Weights.AsSpan();
        var columnsScratch = scratch[..(g.IsPointwise ? 0 : reduction * pixels)];
        var acc = scratch.Slice(columnsScratch.Length, outPerGroup * pixels);
        for (int group = 0; group < layer.Groups; group++)
        {
            var groupInput = x.Slice(group * inPerGroup * height * width, inPerGroup * height * width);
            ReadOnlySpan<int> columns = groupInput;
            if (!g.IsPointwise)
            {
                Im2Col(g, groupInput, inPerGroup, columnsScratch);
                columns = columnsScratch;
            }
            var groupWeights = w.Slice(group * outPerGroup * reduction, outPerGroup * reduction);
            acc.Clear();
            for (int j = 0; j < outPerGroup; j++)
            {
                // Each nonzero weight adds its whole column row to the output channel's plane in one vectorized multiply-add.
                var aj = acc.Slice(j * pixels, pixels);
                var wj = groupWeights.Slice(j * reduction, reduction);
                for (int r = 0; r < reduction; r++)
                {
                    if (wj[r] != 0) TensorPrimitives.MultiplyAdd(columns.Slice(r * pixels, pixels), wj[r], aj, aj);
                }
            }
            for (int j = 0; j < outPerGroup; j++)
            {
                int o = (group * outPerGroup) + j;
                var yo = y.Slice(o * pixels, pixels);
                var ao = acc.Slice(j * pixels, pixels);
                float multiplier = layer.Multipliers[o], bias = layer.Bias[o];
                for (int p = 0; p < pixels; p++)
                    yo[p] = QuantContract.Requantize(ao[p], multiplier, bias, layer.Lo, layer.Hi);
            }
        }
    }

    private static ConvGeometry Geometry(QConvLayer layer, int height, int width) =>
        new(layer.InChannels, height, width, layer.OutChannels, layer.Kernel, layer.Stride, layer.Padding, layer.Dilation, layer.Groups);

    // Row (c, ky, kx) of the column matrix holds, for every output pixel, the input code that kernel tap reads (0 in padding).
    private static void Im2Col(ConvGeometry g, ReadOnlySpan<int> input, int channels, Span<int> columns)
    {
        int oh = g.OutHeight, ow = g.OutWidth, pixels = oh * ow, row = 0;
        for (int c = 0; c < channels; c++)
        {
            var plane = input.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int ky = 0; ky < g.Kernel; ky++)
            {
                for (int kx = 0; kx < g.Kernel; kx++, row++)
                {
                    var dst = columns.Slice(row * pixels, pixels);
                    int x0 = (kx * g.Dilation) - g.Padding;
                    var (first, end) = ConvGeometry.ValidColumns(x0, g.Stride, g.Width, ow);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        var dstRow = dst.Slice(oy * ow, ow);
                        int iy = (oy * g.Stride) - g.Padding + (ky * g.Dilation);
                        if ((uint)iy >= (uint)g.Height)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        var srcRow = plane.Slice(iy * g.Width, g.Width);
                        dstRow[..first].Clear();
                        dstRow[end..].Clear();
                        if (g.Stride == 1)
                        {
                            srcRow.Slice(first + x0, end - first).CopyTo(dstRow[first..end]);
                        }
                        else
                        {
                            for (int ox = first; ox < end; ox++) dstRow[ox] = srcRow[(ox * g.Stride) + x0];
                        }
                    }
                }
            }
        }
    }
}
