// A directed edge of an ArchGraph: Source feeds Target; Length 1 is a real edge, 2..s_max a virtual one.
namespace GhnQat.Runtime.Graphs;

/// <summary>Directed edge <c>Source → Target</c> with shortest-path length <see cref="Length"/> (1 = real edge).</summary>
/// <param name="Source">Index of the feeding node.</param>
/// <param name="Target">Index of the fed node.</param>
/// <param name="Length">Shortest directed path length s; GHN-2 weights virtual-edge messages by 1/s.</param>
public readonly record struct GraphEdge(int Source, int Target, int Length)
{
    /// <summary>True for an edge of the net itself (s = 1).</summary>
    public bool IsReal => Length == 1;
}
