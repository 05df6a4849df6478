// CpuReference: max pool on codes; padded cells are never selected, so the output needs no requantization.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>y[c, oy, ox] = max of the in-bounds codes of the window (every window holds at least one).</summary>
internal static class QMaxPoolKernel
{
    public static void Run(QMaxPoolLayer layer, int channels, int height, int width, ReadOnlySpan<int> x, Span<int> y)
    {
        int oh = ((height + (2 * layer.Padding) - layer.Kernel) / layer.Stride) + 1;
        int ow = ((width + (2 * layer.Padding) - layer.Kernel) / layer.Stride) + 1;
        for (int c = 0; c < channels; c++)
        {
            var plane = x.Slice(c * height * width, height * width);
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int max = int.MinValue;
                    for (int ky = 0; ky < layer.Kernel; ky++)
                    {
                        int iy = (oy * layer.Stride) - layer.Padding + ky;
                        if ((uint)iy >= (uint)height) continue;
                        for (int kx = 0; kx < layer.Kernel; kx++)
                        {
                            int ix = (ox * layer.Stride) - layer.Padding + kx;
                            if ((uint)ix < (uint)width) max = Math.Max(max, plane[(iy * width) + ix]);
                        }
                    }
                    y[(((c * oh) + oy) * ow) + ox] = max;
                }
            }
        }
    }
}
