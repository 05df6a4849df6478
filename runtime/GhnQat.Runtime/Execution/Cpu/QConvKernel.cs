// CpuReference: integer conv of one image (zero padding, stride, dilation, groups) with the contract's requant.
using System.Buffers;
using System.Numerics.Tensors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// acc[o, oy, ox] = Σ_{ci in o's group, ky, kx} x[ci, iy, ix]·w[o, ci − group start, ky, kx] over in-bounds taps
/// (padding reads 0), with iy = oy·stride − pad + ky·dilation and ix likewise; then
/// y = clamp(roundEven(float32(acc) × M[o] + bias[o]), lo, hi) (bias in output-code units). The quantizer bounds
/// |acc| below 2^31, so int32 arithmetic is exact. Loop order: the group's input is laid out as int columns (im2col,
/// row = tap (ci, ky, kx), column = output pixel, padding = 0), then each nonzero weight adds its whole row to the
/// output channel's accumulator plane in one vectorized multiply-add. The sum is exact, so the order cannot change
/// the result; only the speed (docs/quantization.md §6).
/// </summary>
internal static class QConvKernel
{
    public static void Run(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y)
    {
        var g = new ConvGeometry(layer.InChannels, height, width, layer.OutChannels, layer.Kernel, layer.Stride,
            layer.Padding, layer.Dilation, layer.Groups);
        int pixels = g.OutHeight * g.OutWidth, reduction = g.Reduction;
        int inPerGroup = layer.InChannels / layer.Groups, outPerGroup = layer.OutChannels / layer.Groups;
        var w = layer.Weights.AsSpan();
        int[] columnsArray = ArrayPool<int>.Shared.Rent(g.IsPointwise ? 1 : reduction * pixels);
        int[] accArray = ArrayPool<int>.Shared.Rent(pixels);
        try
        {
            var acc = accArray.AsSpan(0, pixels);
            for (int group = 0; group < layer.Groups; group++)
            {
                var groupInput = x.Slice(group * inPerGroup * height * width, inPerGroup * height * width);
                ReadOnlySpan<int> columns = groupInput;
                if (!g.IsPointwise)
                {
                    Im2Col(g, groupInput, inPerGroup, columnsArray);
                    columns = columnsArray.AsSpan(0, reduction * pixels);
                }
                for (int o = group * outPerGroup; o < (group + 1) * outPerGroup; o++)
                {
                    acc.Clear();
                    var wo = w.Slice(o * reduction, reduction);
                    for (int r = 0; r < reduction; r++)
                    {
                        if (wo[r] != 0) TensorPrimitives.MultiplyAdd(columns.Slice(r * pixels, pixels), wo[r], acc, acc);
                    }
                    var yo = y.Slice(o * pixels, pixels);
                    float multiplier = layer.Multipliers[o], bias = layer.Bias[o];
                    for (int p = 0; p < pixels; p++)
                        yo[p] = QuantContract.Requantize(acc[p], multiplier, bias, layer.Lo, layer.Hi);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(columnsArray);
            ArrayPool<int>.Shared.Return(accArray);
        }
    }

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
