// Global average pooling on codes: int32 sum over H×W, requantized to the output vector's own (calibrated) scale.
namespace GhnQat.Runtime.Quantization;

/// <summary>
/// sum_c = Σ_{h,w} q[c,h,w] (int32); y_c = clamp(roundEven(float32(sum_c) × Multiplier), Lo, Hi) with
/// Multiplier = float32(s_in / (H·W·s_out)). The output is a C-vector, usually the classifier's 8-bit input.
/// </summary>
public sealed record QGlobalAvgPoolLayer : QLayer
{
    /// <summary>The tensor read.</summary>
    public required string InputId { get; init; }
    /// <summary>float32(s_in / (H·W·s_out)).</summary>
    public required float Multiplier { get; init; }
    /// <summary>Lower clamp (the output tensor's Lo).</summary>
    public required int Lo { get; init; }
    /// <summary>Upper clamp (the output tensor's Hi).</summary>
    public required int Hi { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputIds => [InputId];
}
