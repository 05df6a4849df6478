// An average pool on codes: int32 window sum (padding counts as 0), then one float32 multiply by 1/k² (scaled).
namespace GhnQat.Runtime.Quantization;

/// <summary>
/// sum = Σ codes over the Kernel×Kernel window (int32, padded cells are 0 and still counted: count_include_pad);
/// y = clamp(roundEven(float32(sum) × Multiplier), Lo, Hi), Multiplier = float32(s_in / (k²·s_out)).
/// The output keeps the input's scale, width and signedness, so Multiplier = float32(1/k²).
/// </summary>
public sealed record QAvgPoolLayer : QLayer
{
    /// <summary>The tensor read.</summary>
    public required string InputId { get; init; }
    /// <summary>Window side.</summary>
    public required int Kernel { get; init; }
    /// <summary>Stride in pixels.</summary>
    public required int Stride { get; init; }
    /// <summary>Padding on every side: (Kernel−1)/2.</summary>
    public required int Padding { get; init; }
    /// <summary>Divisor is Kernel² (PyTorch's count_include_pad = True); the contract only allows true.</summary>
    public bool CountIncludePad { get; init; } = true;
    /// <summary>float32(s_in / (Kernel²·s_out)).</summary>
    public required float Multiplier { get; init; }
    /// <summary>Lower clamp (the output tensor's Lo).</summary>
    public required int Lo { get; init; }
    /// <summary>Upper clamp (the output tensor's Hi).</summary>
    public required int Hi { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputIds => [InputId];
}
