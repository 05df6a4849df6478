// Several ArchGraphs as one disjoint graph, with the per-level index arrays the batched GatedGNN needs.
using GhnQat.Runtime.Graphs;

namespace GhnQat.Trainer.Ghn;

/// <summary>
/// The disjoint union of a meta-batch of graphs. Node ids are offset per graph. For each sweep direction, the nodes
/// are grouped by level (forward: longest path from the input; backward: longest path to the last node); a level
/// lists only the nodes that receive at least one message in that direction, with their incoming edges. Every message
/// source of a level lies on a strictly lower level, so updating a whole level at once equals GHN-2's node-by-node
/// order (brief §1.5).
/// </summary>
public sealed class GraphBatch
{
    /// <summary>Builds the batch; graphs must share the vocabulary of the GHN that reads them.</summary>
    public GraphBatch(IReadOnlyList<ArchGraph> graphs)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        Graphs = graphs;
        var offsets = new int[graphs.Count];
        int total = 0;
        for (int g = 0; g < graphs.Count; g++)
        {
            offsets[g] = total;
            total += graphs[g].Nodes.Count;
        }
        Offsets = offsets;
        NodeCount = total;
        Ops = new long[total];
        ShapeIndices = [new long[total], new long[total], new long[total], new long[total]];
        for (int g = 0; g < graphs.Count; g++)
        {
            foreach (var node in graphs[g].Nodes)
            {
                int v = offsets[g] + node.Index;
                Ops[v] = node.OpIndex;
                for (int d = 0; d < 4; d++) ShapeIndices[d][v] = node.ShapeIndices[d];
            }
        }
        Forward = BuildLevels(forward: true);
        Backward = BuildLevels(forward: false);
    }

    /// <summary>The graphs, in batch order.</summary>
    public IReadOnlyList<ArchGraph> Graphs { get; }
    /// <summary>Id of each graph's node 0 in the union.</summary>
    public IReadOnlyList<int> Offsets { get; }
    /// <summary>Nodes in the union.</summary>
    public int NodeCount { get; }
    /// <summary>Op index per union node.</summary>
    public long[] Ops { get; }
    /// <summary>Shape-vocabulary rows (out, in, kh, kw), each an array over union nodes.</summary>
    public long[][] ShapeIndices { get; }
    /// <summary>Levels of the forward sweep, lowest first.</summary>
    public IReadOnlyList<SweepLevel> Forward { get; }
    /// <summary>Levels of the backward sweep (from the classifier towards the input).</summary>
    public IReadOnlyList<SweepLevel> Backward { get; }

    private SweepLevel[] BuildLevels(bool forward)
    {
        var byLevel = new SortedDictionary<int, LevelBuilder>();
        for (int g = 0; g < Graphs.Count; g++)
        {
            var graph = Graphs[g];
            int offset = Offsets[g];
            // Incoming edges per receiving node: forward = from predecessors, backward = from successors.
            var incoming = new List<GraphEdge>[graph.Nodes.Count];
            foreach (var e in graph.AllEdges)
            {
                int receiver = forward ? e.Target : e.Source;
                (incoming[receiver] ??= []).Add(e);
            }
            for (int v = 0; v < graph.Nodes.Count; v++)
            {
                if (incoming[v] is null) continue;
                var node = graph.Nodes[v];
                int level = forward ? node.ForwardLevel : node.BackwardLevel;
                if (!byLevel.TryGetValue(level, out var b)) byLevel[level] = b = new LevelBuilder();
                int slot = b.Nodes.Count;
                b.Nodes.Add(offset + v);
                foreach (var e in incoming[v])
                {
                    int sender = offset + (forward ? e.Source : e.Target);
                    if (e.Length == 1)
                    {
                        b.RealSources.Add(sender);
                        b.RealSlots.Add(slot);
                    }
                    b.AllSources.Add(sender);
                    b.AllSlots.Add(slot);
                    b.InverseLengths.Add(1f / e.Length);
                }
            }
        }
        return byLevel.Values.Select(b => b.Build()).ToArray();
    }

    private sealed class LevelBuilder
    {
        public List<long> Nodes { get; } = [];
        public List<long> RealSources { get; } = [];
        public List<long> RealSlots { get; } = [];
        public List<long> AllSources { get; } = [];
        public List<long> AllSlots { get; } = [];
        public List<float> InverseLengths { get; } = [];

        public SweepLevel Build() => new([.. Nodes], [.. RealSources], [.. RealSlots], [.. AllSources], [.. AllSlots], [.. InverseLengths]);
    }
}
