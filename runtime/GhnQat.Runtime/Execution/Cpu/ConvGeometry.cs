// Shape arithmetic and im2col of a 2-D conv (same padding, stride, dilation, groups), shared by the float and integer kernels.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// Geometry of a conv. Layouts: input C×H×W, weights (out, in/groups, k, k), output
/// out×Ho×Wo, all row-major; padding cells read as 0.
/// </summary>
internal sealed record ConvGeometry(int InChannels, int Height, int Width, int OutChannels, int Kernel, int Stride,
    int Padding, int Dilation, int Groups)
{
    public int OutHeight => ((Height + (2 * Padding) - (Dilation * (Kernel - 1)) - 1) / Stride) + 1;
    public int OutWidth => ((Width + (2 * Padding) - (Dilation * (Kernel - 1)) - 1) / Stride) + 1;
    /// <summary>Length of one im2col column block: (in/groups)·k·k.</summary>
    public int Reduction => InChannels / Groups * Kernel * Kernel;
    /// <summary>Whether the conv reads the input directly as its column matrix (1×1, stride 1, no padding).</summary>
    public bool IsPointwise => Kernel == 1 && Stride == 1 && Padding == 0;

    /// <summary>Output columns [first, end) whose input column x·stride + x0 lies inside [0, width).</summary>
    public static (int First, int End) ValidColumns(int x0, int stride, int width, int outWidth)
    {
        int first = x0 >= 0 ? 0 : (-x0 + stride - 1) / stride;
        int end = width - x0 <= 0 ? 0 : Math.Min(outWidth, ((width - 1 - x0) / stride) + 1);
        return (Math.Min(first, end), end);
    }

    /// <summary>
    /// im2col of one image's <paramref name="channels"/> input planes (C×H×W): row (c, ky, kx) of the column matrix,
    /// <paramref name="rowLength"/> elements apart, holds from <paramref name="offset"/> on, for every output pixel,
    /// the input value that kernel tap reads (0 in padding). Float and integer convs share it; it only copies.
    /// </summary>
    public void Im2Col<T>(ReadOnlySpan<T> input, int channels, Span<T> columns, int rowLength, int offset)
    {
        int oh = OutHeight, ow = OutWidth, pixels = oh * ow, row = 0;
        for (int c = 0; c < channels; c++)
        {
            var plane = input.Slice(c * Height * Width, Height * Width);
            for (int ky = 0; ky < Kernel; ky++)
            {
                for (int kx = 0; kx < Kernel; kx++, row++)
                {
                    var dst = columns.Slice((row * rowLength) + offset, pixels);
                    int x0 = (kx * Dilation) - Padding;
                    var (first, end) = ValidColumns(x0, Stride, Width, ow);
                    for (int oy = 0; oy < oh; oy++)
                    {
                        var dstRow = dst.Slice(oy * ow, ow);
                        int iy = (oy * Stride) - Padding + (ky * Dilation);
                        if ((uint)iy >= (uint)Height)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        var srcRow = plane.Slice(iy * Width, Width);
                        dstRow[..first].Clear();
                        dstRow[end..].Clear();
                        if (Stride == 1)
                        {
                            srcRow.Slice(first + x0, end - first).CopyTo(dstRow[first..end]);
                        }
                        else
                        {
                            for (int ox = first; ox < end; ox++) dstRow[ox] = srcRow[(ox * Stride) + x0];
                        }
                    }
                }
            }
        }
    }
}
