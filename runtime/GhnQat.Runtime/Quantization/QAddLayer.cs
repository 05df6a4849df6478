// A quantized element-wise sum of two or more tensors (ReLU/ReLU6 fused when one follows).
using System.Collections.Immutable;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Integer add: y = clamp(roundEven(float32(q_0)·M_0 + float32(q_1)·M_1 + …), Lo, Hi), float32 products,
/// float32 sum left to right in input order; M_i = float32(s_i / s_y).
/// </summary>
public sealed record QAddLayer : QLayer
{
    /// <summary>The tensors summed, in the ArchSpec input order.</summary>
    public required ImmutableArray<string> Inputs { get; init; }
    /// <summary>Per input: M_i = float32(s_i / s_y).</summary>
    public required ImmutableArray<float> Multipliers { get; init; }
    /// <summary>Lower clamp (0 for an unsigned output).</summary>
    public required int Lo { get; init; }
    /// <summary>Upper clamp (qmax of the output tensor).</summary>
    public required int Hi { get; init; }
    /// <summary>The activation fused into the clamp.</summary>
    public required QActivation Activation { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputIds => Inputs.IsDefault ? [] : Inputs;
}
