// Float conv of one image (same padding, stride, dilation, groups) by im2col + GEMM; 1×1 stride-1 convs skip im2col,
// depthwise convs (one channel per group) take a direct kernel.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Float conv forward for one image; <c>columns</c> is caller scratch of Reduction × Ho·Wo floats.</summary>
internal static class FloatConv
{
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output, Span<float> columns)
    {
        int pixels = g.OutHeight * g.OutWidth;
        int inPerGroup = g.InChannels / g.Groups;
        int outPerGroup = g.OutChannels / g.Groups;
        int reduction = g.Reduction;
        if (inPerGroup == 1 && outPerGroup == 1)
        {
            FloatDepthwiseConv.Forward(g, input, weights, output);
        }
        else
        {
            for (int group = 0; group < g.Groups; group++)
            {
                var groupInput = input.Slice(group * inPerGroup * g.Height * g.Width, inPerGroup * g.Height * g.Width);
                ReadOnlySpan<float> matrix = groupInput;
                if (!g.IsPointwise)
                {
                    Im2Col(g, groupInput, inPerGroup, columns);
                    matrix = columns[..(reduction * pixels)];
                }
                FloatGemm.Multiply(weights.Slice(group * outPerGroup * reduction, outPerGroup * reduction), matrix,
                    output.Slice(group * outPerGroup * pixels, outPerGroup * pixels), outPerGroup, reduction, pixels);
            }
        }
        if (!bias.IsEmpty)
        {
            for (int o = 0; o < g.OutChannels; o++)
                System.Numerics.Tensors.TensorPrimitives.Add(output.Slice(o * pixels, pixels), bias[o], output.Slice(o * pixels, pixels));
        }
    }

    // Row (c, ky, kx) of the column matrix holds, for every output pixel, the input value that kernel tap reads.
    private static void Im2Col(ConvGeometry g, ReadOnlySpan<float> input, int channels, Span<float> columns)
    {
        int oh = g.OutHeight, ow = g.OutWidth, pixels = oh * ow;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            var plane = input.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int ky = 0; ky < g.Kernel; ky++)
            {
                for (int kx = 0; kx < g.Kernel; kx++, row++)
                {
                    var dst = columns.Slice(row * pixels, pixels);
                    for (int y = 0; y < oh; y++)
                    {
                        int iy = (y * g.Stride) - g.Padding + (ky * g.Dilation);
                        var dstRow = dst.Slice(y * ow, ow);
                        if ((uint)iy >= (uint)g.Height)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        var srcRow = plane.Slice(iy * g.Width, g.Width);
                        int x0 = (kx * g.Dilation) - g.Padding;
                        var (first, end) = ConvGeometry.ValidColumns(x0, g.Stride, g.Width, ow);
                        dstRow[..first].Clear();
                        dstRow[end..].Clear();
                        if (g.Stride == 1)
                        {
                            srcRow.Slice(first + x0, end - first).CopyTo(dstRow[first..end]);
                        }
                        else
                        {
                            for (int x = first; x < end; x++) dstRow[x] = srcRow[(x * g.Stride) + x0];
                        }
                    }
                }
            }
        }
    }
}
