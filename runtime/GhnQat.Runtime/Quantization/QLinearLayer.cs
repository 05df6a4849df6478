// The classifier: integer matrix-vector product, float32 logits (no requantization, no clamp).
using System.Collections.Immutable;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// acc_c = Σ_i q_x[i]·q_w[c,i] (exact int32); logit_c = float32(acc_c) × Multipliers[c] + Bias[c] with
/// Multipliers[c] = float32(s_x·s_w[c]). Always the last layer; <see cref="QLayer.OutputId"/> is the classifier's
/// node id and names the logits, not a quantized tensor.
/// </summary>
public sealed record QLinearLayer : QLayer
{
    /// <summary>The vector read (ClassifierBits wide).</summary>
    public required string InputId { get; init; }
    /// <summary>Classes.</summary>
    public required int OutFeatures { get; init; }
    /// <summary>Input vector length.</summary>
    public required int InFeatures { get; init; }
    /// <summary>Weight code width (the scheme's ClassifierBits).</summary>
    public required int WeightBits { get; init; }
    /// <summary>Weight codes, row-major (out, in), each in [−qmax, qmax] of <see cref="WeightBits"/>.</summary>
    public required ImmutableArray<sbyte> Weights { get; init; }
    /// <summary>Per class: bias in accumulator units (s_x·s_w[c]); 0 when the classifier has no bias.</summary>
    public required ImmutableArray<float> Bias { get; init; }
    /// <summary>Per class: float32(s_x·s_w[c]).</summary>
    public required ImmutableArray<float> Multipliers { get; init; }
    /// <summary>Per class: float32 weight scale s_w[c].</summary>
    public required ImmutableArray<float> WeightScales { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputIds => [InputId];
}
