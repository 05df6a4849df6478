// CpuReference: global average pool on codes: int32 sum per channel, requantized to the output vector's scale.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>y[c] = clamp(roundEven(float32(Σ_{h,w} x[c,h,w]) × M), lo, hi), M = float32(s_in/(H·W·s_out)).</summary>
internal static class QGlobalAvgPoolKernel
{
    public static void Run(QGlobalAvgPoolLayer layer, int channels, int pixels, ReadOnlySpan<int> x, Span<int> y)
    {
        for (int c = 0; c < channels; c++)
        {
            int sum = 0;
            foreach (int v in x.Slice(c * pixels, pixels)) sum += v;
            y[c] = QuantContract.Requantize(sum, layer.Multiplier, layer.Lo, layer.Hi);
        }
    }
}
