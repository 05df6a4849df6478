// A quantized conv (BN folded, ReLU/ReLU6 fused) — also a non-classifier linear, as a 1×1 conv on a C×1×1 vector.
using System.Collections.Immutable;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Integer conv: acc = Σ q_x·q_w (exact int32; zero padding), y = clamp(roundEven(float32(acc) ×
/// Multipliers[c] + Bias[c]), Lo, Hi) with the bias in output-code units. Output size per side ⌊(H + 2·Padding − Dilation·(Kernel−1) − 1)/Stride⌋ + 1.
/// </summary>
public sealed record QConvLayer : QLayer
{
    /// <summary>The tensor read.</summary>
    public required string InputId { get; init; }
    /// <summary>Output channels.</summary>
    public required int OutChannels { get; init; }
    /// <summary>Input channels (all groups).</summary>
    public required int InChannels { get; init; }
    /// <summary>Kernel side (square, odd).</summary>
    public required int Kernel { get; init; }
    /// <summary>Stride in pixels.</summary>
    public required int Stride { get; init; }
    /// <summary>Zero padding on every side: Dilation·(Kernel−1)/2 ("same").</summary>
    public required int Padding { get; init; }
    /// <summary>Dilation.</summary>
    public required int Dilation { get; init; }
    /// <summary>Groups: 1 dense, InChannels depthwise.</summary>
    public required int Groups { get; init; }
    /// <summary>Weight code width (8 for convs that read the image, else the scheme's weight bits).</summary>
    public required int WeightBits { get; init; }
    /// <summary>Weight codes, row-major (out, in/groups, k, k), each in [−qmax, qmax] of <see cref="WeightBits"/>.</summary>
    public required ImmutableArray<sbyte> Weights { get; init; }
    /// <summary>Per output channel: folded bias in accumulator units (s_x·s_w[c]).</summary>
    public required ImmutableArray<float> Bias { get; init; }
    /// <summary>Per output channel: M_c = float32(s_x·s_w[c]/s_y).</summary>
    public required ImmutableArray<float> Multipliers { get; init; }
    /// <summary>Per output channel: float32 weight scale s_w[c] (real weight ≈ code × s_w[c]).</summary>
    public required ImmutableArray<float> WeightScales { get; init; }
    /// <summary>Lower clamp (0 when an activation is fused or the output is otherwise unsigned).</summary>
    public required int Lo { get; init; }
    /// <summary>Upper clamp (qmax of the output tensor).</summary>
    public required int Hi { get; init; }
    /// <summary>The activation fused into the clamp.</summary>
    public required QActivation Activation { get; init; }
    /// <summary>Id of the BN folded into weights and bias, or null when none was.</summary>
    public string? FoldedBatchNorm { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputIds => [InputId];
}
