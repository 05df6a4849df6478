// What validation learns about a spec: topological node order, resolved inputs, shapes and costs per node.
namespace GhnQat.Runtime.Architectures;

/// <summary>Result of <see cref="ArchSpecValidator.Validate"/>; arrays are indexed by topological position.</summary>
internal sealed record ArchAnalysis(
    ArchNode[] Order,
    int[][] InputIndices,
    ActivationShape[] Shapes,
    long[] Parameters,
    long[] Macs,
    long ParameterCount,
    long MacCount,
    int Depth);
