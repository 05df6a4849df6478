// One quantized activation tensor of a QuantizedNetwork: shape, width, signedness, scale and code range.
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// A quantized activation: real value ≈ code × <see cref="Scale"/>, codes in [<see cref="Lo"/>, <see cref="Hi"/>]
/// ([−(2^(b−1)−1), 2^(b−1)−1] signed, [0, 2^b−1] unsigned). Per image the codes are laid out C×H×W (or C for a
/// vector), as in the float net.
/// </summary>
public sealed record QuantTensorInfo
{
    /// <summary>Id of the ArchSpec node whose (fused) output this is, or <see cref="ArchNode.InputId"/> for the image.</summary>
    public required string Id { get; init; }
    /// <summary>Shape per image.</summary>
    public required ActivationShape Shape { get; init; }
    /// <summary>Code width: 8, 4 or 2.</summary>
    public required int Bits { get; init; }
    /// <summary>Signed (narrow symmetric range) or unsigned (non-negative tensors: after ReLU, pools of them).</summary>
    public required bool IsSigned { get; init; }
    /// <summary>Real units per code step (float32, &gt; 0).</summary>
    public required float Scale { get; init; }
    /// <summary>Smallest code: −qmax signed, 0 unsigned.</summary>
    public required int Lo { get; init; }
    /// <summary>Largest code: qmax.</summary>
    public required int Hi { get; init; }
}
