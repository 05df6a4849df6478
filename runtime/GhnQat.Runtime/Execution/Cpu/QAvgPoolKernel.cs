// CpuReference: average pool on codes: int32 window sum with padded cells as 0, then one float32 multiply.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>y[c, oy, ox] = clamp(roundEven(float32(Σ window codes) × M), lo, hi), M = float32(s_in/(k²·s_out)).</summary>
internal static class QAvgPoolKernel
{
    public static void Run(QAvgPoolLayer layer, int channels, int height, int width, ReadOnlySpan<int> x, Span<int> y)
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
                    int sum = 0;
                    for (int ky = 0; ky < layer.Kernel; ky++)
                    {
                        int iy = (oy * layer.Stride) - layer.Padding + ky;
                        if ((uint)iy >= (uint)height) continue;
                        for (int kx = 0; kx < layer.Kernel; kx++)
                        {
                            int ix = (ox * layer.Stride) - layer.Padding + kx;
                            if ((uint)ix < (uint)width) sum += plane[(iy * width) + ix];
                        }
                    }
                    y[(((c * oh) + oy) * ow) + ox] = QuantContract.Requantize(sum, layer.Multiplier, layer.Lo, layer.Hi);
                }
            }
        }
    }
}
