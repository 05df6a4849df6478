// CpuReference: the classifier, integer matrix-vector product to float32 logits.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>logit[c] = float32(Σ_i x[i]·w[c, i]) × M[c] + bias[c]; no rounding, no clamp.</summary>
internal static class QLinearKernel
{
    public static void Run(QLinearLayer layer, ReadOnlySpan<int> x, Span<float> logits)
    {
        var w = layer.Weights.AsSpan();
        for (int c = 0; c < layer.OutFeatures; c++)
        {
            int acc = 0;
            for (int i = 0; i < layer.InFeatures; i++) acc += x[i] * w[(c * layer.InFeatures) + i];
            logits[c] = QuantContract.Logit(acc, layer.Multipliers[c], layer.Bias[c]);
        }
    }
}
