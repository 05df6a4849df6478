// What a float ONNX export uses for BN statistics and which tensors it exposes.
using GhnQat.Runtime.Calibration;

namespace GhnQat.Runtime.Onnx;

/// <summary>Options of <see cref="FloatOnnxExporter.Export"/>; the defaults give PyTorch's eval-mode BN of a fresh net.</summary>
public sealed record FloatOnnxExportOptions
{
    /// <summary>
    /// BN statistics by BN node id. Null: every BN uses mean 0, variance 1 (PyTorch's initial running statistics).
    /// Not null: it must hold every BN node of the spec, with matching channel counts, and nothing else.
    /// </summary>
    public IReadOnlyDictionary<string, BatchNormStatistics>? BatchNormStatistics { get; init; }

    /// <summary>BN ε added to the variance (the float semantics' <see cref="Calibration.BatchNormStatistics.Epsilon"/>).</summary>
    public float BatchNormEpsilon { get; init; } = (float)Calibration.BatchNormStatistics.Epsilon;

    /// <summary>Also expose every node's output as a graph output named by the node id (for per-layer checks).</summary>
    public bool ExposeIntermediates { get; init; }
}
