// A max pool on codes: the output tensor shares the input's scale, width and signedness.
namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Max over each Kernel×Kernel window of codes; padded cells are never selected (they act as −∞), so no
/// requantization happens. Output side ⌊(H + 2·Padding − Kernel)/Stride⌋ + 1.
/// </summary>
public sealed record QMaxPoolLayer : QLayer
{
    /// <summary>The tensor read.</summary>
    public required string InputId { get; init; }
    /// <summary>Window side.</summary>
    public required int Kernel { get; init; }
    /// <summary>Stride in pixels.</summary>
    public required int Stride { get; init; }
    /// <summary>Padding on every side: (Kernel−1)/2.</summary>
    public required int Padding { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<string> InputIds => [InputId];
}
