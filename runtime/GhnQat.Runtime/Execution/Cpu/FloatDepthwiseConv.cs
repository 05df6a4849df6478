// Float depthwise conv (one input and one output channel per group) without im2col. Stride 1: the plane is copied
// into a zero-padded scratch so every tap is an unchecked vector load; other strides use scalar taps.
using System.Numerics;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Depthwise conv of one image; layouts as in <see cref="FloatConv"/>.</summary>
internal static class FloatDepthwiseConv
{
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weights, Span<float> output)
    {
        if (g.Stride == 1)
        {
            StrideOne(g, input, weights, output);
            return;
        }
        int oh = g.OutHeight, ow = g.OutWidth, k = g.Kernel;
        for (int c = 0; c < g.OutChannels; c++)
        {
            var plane = input.Slice(c * g.Height * g.Width, g.Height * g.Width);
            var w = weights.Slice(c * k * k, k * k);
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    float acc = 0;
                    for (int ky = 0; ky < k; ky++)
                    {
                        int iy = (y * g.Stride) - g.Padding + (ky * g.Dilation);
                        if ((uint)iy >= (uint)g.Height) continue;
                        for (int kx = 0; kx < k; kx++)
                        {
                            int ix = (x * g.Stride) - g.Padding + (kx * g.Dilation);
                            if ((uint)ix < (uint)g.Width) acc += w[(ky * k) + kx] * plane[(iy * g.Width) + ix];
                        }
                    }
                    output[(((c * oh) + y) * ow) + x] = acc;
                }
            }
        }
    }

    // Padded scratch row width: room for the padding on both sides and for whole vectors past the last column.
    private static void StrideOne(ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weights, Span<float> output)
    {
        int v = Vector<float>.Count, k = g.Kernel, d = g.Dilation, p = g.Padding;
        int oh = g.OutHeight, ow = g.OutWidth;
        int vectors = (ow + v - 1) / v;
        int paddedWidth = (vectors * v) + (d * (k - 1));
        int paddedHeight = g.Height + (2 * p);
        Span<float> padded = new float[paddedHeight * paddedWidth];
        Span<float> row = stackalloc float[vectors * v];
        for (int c = 0; c < g.OutChannels; c++)
        {
            var plane = input.Slice(c * g.Height * g.Width, g.Height * g.Width);
            for (int y = 0; y < g.Height; y++) plane.Slice(y * g.Width, g.Width).CopyTo(padded.Slice(((y + p) * paddedWidth) + p));
            var w = weights.Slice(c * k * k, k * k);
            for (int y = 0; y < oh; y++)
            {
                for (int j = 0; j < vectors; j++)
                {
                    var acc = Vector<float>.Zero;
                    for (int ky = 0; ky < k; ky++)
                    {
                        var src = padded.Slice((y + (ky * d)) * paddedWidth);
                        for (int kx = 0; kx < k; kx++)
                            acc = Vector.FusedMultiplyAdd(new Vector<float>(w[(ky * k) + kx]), new Vector<float>(src.Slice((j * v) + (kx * d), v)), acc);
                    }
                    acc.CopyTo(row.Slice(j * v, v));
                }
                row[..ow].CopyTo(output.Slice(((c * oh) + y) * ow, ow));
            }
        }
    }
}
