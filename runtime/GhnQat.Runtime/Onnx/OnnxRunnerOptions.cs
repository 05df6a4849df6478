// Session settings of the ORT oracle: no graph rewrites and one intra-op thread unless asked otherwise.
using Microsoft.ML.OnnxRuntime;

namespace GhnQat.Runtime.Onnx;

/// <summary>How <see cref="OnnxRunner"/> configures its ONNX Runtime session.</summary>
public sealed record OnnxRunnerOptions
{
    /// <summary>
    /// ORT graph optimizations. The default <see cref="GraphOptimizationLevel.ORT_DISABLE_ALL"/> runs the graph as
    /// exported: fusions (e.g. Cast+Mul+Round into a requantize kernel) could change float rounding order, and an
    /// oracle must run the ops the contract names.
    /// </summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_DISABLE_ALL;

    /// <summary>Intra-op threads; 1 keeps runs reproducible and leaves cores to the code under test.</summary>
    public int IntraOpThreads { get; init; } = 1;
}
