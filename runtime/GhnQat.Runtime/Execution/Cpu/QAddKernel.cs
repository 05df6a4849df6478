// CpuReference: element-wise add of quantized tensors, each input rescaled by its float32 multiplier.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>y[i] = clamp(roundEven(float32(q_0[i])·M_0 + float32(q_1[i])·M_1 + …), lo, hi), sum left to right.</summary>
internal static class QAddKernel
{
    public static void Run(QAddLayer layer, IReadOnlyList<int[]> inputs, int offset, Span<int> y)
    {
        Span<int> codes = layer.Inputs.Length <= 64 ? stackalloc int[layer.Inputs.Length] : new int[layer.Inputs.Length];
        var multipliers = layer.Multipliers.AsSpan();
        for (int e = 0; e < y.Length; e++)
        {
            for (int i = 0; i < codes.Length; i++) codes[i] = inputs[i][offset + e];
            y[e] = QuantContract.RequantizeSum(codes, multipliers, layer.Lo, layer.Hi);
        }
    }
}
