// GHN-2's computational graph of an ArchSpec: nodes with features, real and virtual edges, levels, parameter tensors.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Graphs;

/// <summary>
/// The graph a GHN reads (design §3, brief §1). Node 0 is the input; nodes are in topological order; the
/// classifier weight is second-to-last and its bias last (a classifier without bias: its weight is last and
/// <see cref="ClassifierBiasIndex"/> is −1). Edges follow the data flow (Source feeds Target). Parameter tensors
/// are listed in node order (BN: γ then β) and their element counts sum to <see cref="ArchSpec.ParameterCount"/>.
/// Immutable and safe to share across threads.
/// </summary>
public sealed class ArchGraph
{
    /// <summary>GHN-2's virtual-edge cutoff s_max.</summary>
    public const int DefaultMaxVirtualEdgeLength = 50;

    private readonly int[][] _preds;
    private readonly int[][] _succ;

    private ArchGraph(ArchSpec spec, GraphVocabulary vocabulary, int maxLength, ArchGraphBuilder built)
    {
        Spec = spec;
        Vocabulary = vocabulary;
        MaxVirtualEdgeLength = maxLength;
        Nodes = built.Nodes;
        Parameters = built.Parameters;
        _preds = built.Predecessors.ToArray();
        _succ = GraphPaths.Successors(_preds);
        int n = Nodes.Count;

        var fromInput = GraphPaths.Reachable(_succ, 0);
        var toLast = GraphPaths.Reachable(_preds, n - 1);
        for (int v = 0; v < n; v++)
        {
            foreach (int u in _preds[v])
            {
                if (u >= v) throw Invalid($"graph node '{Nodes[v].Name}': edge from '{Nodes[u].Name}' breaks the topological order (or is a self loop)");
            }
            if (!fromInput[v]) throw Invalid($"graph node '{Nodes[v].Name}': not reachable from the input");
            if (!toLast[v]) throw Invalid($"graph node '{Nodes[v].Name}': does not reach the classifier '{Nodes[n - 1].Name}'");
        }

        var forward = GraphPaths.LongestFromSources(_preds);
        var backward = GraphPaths.LongestToSinks(_succ);
        for (int v = 0; v < n; v++)
        {
            Nodes[v].ForwardLevel = forward[v];
            Nodes[v].BackwardLevel = backward[v];
        }
        ForwardLevels = Group(forward);
        BackwardLevels = Group(backward);

        var all = GraphPaths.ShortestPaths(_succ, maxLength);
        AllEdges = all;
        Edges = all.Where(e => e.Length == 1).ToArray();
        VirtualEdges = all.Where(e => e.Length > 1).ToArray();

        ClassifierWeightIndex = Nodes.Single(x => x.IsClassifierWeight).Index;
        ClassifierBiasIndex = Nodes.SingleOrDefault(x => x.IsClassifierBias)?.Index ?? -1;
        ParameterCount = Parameters.Sum(p => p.ElementCount);
    }

    /// <summary>The spec the graph was built from.</summary>
    public ArchSpec Spec { get; }
    /// <summary>The vocabularies that produced <see cref="GraphNode.ShapeIndices"/>.</summary>
    public GraphVocabulary Vocabulary { get; }
    /// <summary>The virtual-edge cutoff s_max used.</summary>
    public int MaxVirtualEdgeLength { get; }
    /// <summary>Nodes in topological order; node 0 is the input.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }
    /// <summary>Real edges (s = 1), sorted by source then target.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }
    /// <summary>Virtual edges (1 &lt; s ≤ s_max): pairs joined by a longer shortest path, sorted by source then target.</summary>
    public IReadOnlyList<GraphEdge> VirtualEdges { get; }
    /// <summary>Real and virtual edges together, sorted by source then target.</summary>
    public IReadOnlyList<GraphEdge> AllEdges { get; }
    /// <summary>Node indices grouped by <see cref="GraphNode.ForwardLevel"/> (level 0 = input): batch a forward sweep per level.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ForwardLevels { get; }
    /// <summary>Node indices grouped by <see cref="GraphNode.BackwardLevel"/> (level 0 = last node).</summary>
    public IReadOnlyList<IReadOnlyList<int>> BackwardLevels { get; }
    /// <summary>Every learned tensor of the net, in a fixed order (graph node order; BN γ before β).</summary>
    public IReadOnlyList<ParameterTensor> Parameters { get; }
    /// <summary>Sum of the tensors' element counts; equals <see cref="ArchSpec.ParameterCount"/>.</summary>
    public long ParameterCount { get; }
    /// <summary>Index of the classifier weight node.</summary>
    public int ClassifierWeightIndex { get; }
    /// <summary>Index of the classifier bias node (the last node), or −1 when the classifier has no bias.</summary>
    public int ClassifierBiasIndex { get; }

    /// <summary>Builds the graph of <paramref name="spec"/>.</summary>
    /// <param name="spec">A validated spec.</param>
    /// <param name="vocabulary">Shape vocabularies; null for GHN-2's with the spec's class count.</param>
    /// <param name="maxVirtualEdgeLength">s_max (1 = no virtual edges); GHN-2 uses 50.</param>
    public static ArchGraph Build(ArchSpec spec, GraphVocabulary? vocabulary = null,
        int maxVirtualEdgeLength = DefaultMaxVirtualEdgeLength)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (maxVirtualEdgeLength < 1)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"maxVirtualEdgeLength must be ≥ 1, got {maxVirtualEdgeLength}");
        var vocab = vocabulary ?? GraphVocabulary.CreateGhn2(spec.Classes);
        var builder = new ArchGraphBuilder(spec, vocab);
        builder.Build();
        return new ArchGraph(spec, vocab, maxVirtualEdgeLength, builder);
    }

    /// <summary>Indices of the nodes that feed node <paramref name="node"/> directly.</summary>
    public IReadOnlyList<int> Predecessors(int node) => _preds[node];

    /// <summary>Indices of the nodes that node <paramref name="node"/> feeds directly.</summary>
    public IReadOnlyList<int> Successors(int node) => _succ[node];

    /// <summary>Number of graph nodes of each op, indexed by <see cref="GhnOp"/>.</summary>
    public IReadOnlyList<int> CountByOp()
    {
        var counts = new int[GraphVocabulary.Ghn2OpNames.Count];
        foreach (var node in Nodes) counts[node.OpIndex]++;
        return counts;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Spec.Name}: {Nodes.Count} nodes, {Edges.Count} edges, {VirtualEdges.Count} virtual edges, {Parameters.Count} tensors";

    private static IReadOnlyList<int>[] Group(int[] level)
    {
        int levels = level.Length == 0 ? 0 : level.Max() + 1;
        var groups = new List<int>[levels];
        for (int i = 0; i < levels; i++) groups[i] = [];
        for (int v = 0; v < level.Length; v++) groups[level[v]].Add(v);
        return groups.Select(g => (IReadOnlyList<int>)g.ToArray()).ToArray();
    }

    private static GhnQatException Invalid(string message) => new(GhnQatErrorCode.InvalidArchSpec, message);
}
