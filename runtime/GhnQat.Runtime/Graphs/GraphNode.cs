// One node of an ArchGraph with its GHN-2 features: op index, 4-D shape and shape-vocabulary indices.
namespace GhnQat.Runtime.Graphs;

/// <summary>
/// A GHN-2 graph node: a weight tensor (conv/linear, bias, BN), a parameter-free op (pool, sum, global average),
/// or the input. Shapes are padded to 4-D as GHN-2 does: (C) → (C,1,1,1), (O,I) → (O,I,1,1); pools carry the
/// pseudo-shape (1,1,k,k); other parameter-free nodes have no shape and use the dummy vocabulary rows.
/// </summary>
public sealed class GraphNode
{
    internal GraphNode(int index, string name, GhnOp op, string? specNodeId, int[] tensorShape, int[] shape4,
        int[] shapeIndices, bool hasParameters)
    {
        Index = index;
        Name = name;
        Op = op;
        SpecNodeId = specNodeId;
        TensorShape = tensorShape;
        Shape4 = shape4;
        ShapeIndices = shapeIndices;
        HasParameters = hasParameters;
    }

    /// <summary>Position in topological order (0 = input).</summary>
    public int Index { get; }
    /// <summary>The spec node id; "&lt;id&gt;.bias" for a bias node; "input" for the input node.</summary>
    public string Name { get; }
    /// <summary>GHN-2 node type.</summary>
    public GhnOp Op { get; }
    /// <summary>Row of GHN-2's op embedding table (= (int)<see cref="Op"/>).</summary>
    public int OpIndex => (int)Op;
    /// <summary>The ArchSpec node this graph node comes from; null for the input node.</summary>
    public string? SpecNodeId { get; }
    /// <summary>Raw shape of the node's tensor (pools: (1,1,k,k)); empty for shapeless nodes.</summary>
    public IReadOnlyList<int> TensorShape { get; }
    /// <summary>(out, in, kh, kw) padded to 4-D; all zeros for shapeless nodes.</summary>
    public IReadOnlyList<int> Shape4 { get; }
    /// <summary>Vocabulary rows (out-channel, in-channel, kh, kw); dummy rows for shapeless nodes.</summary>
    public IReadOnlyList<int> ShapeIndices { get; }
    /// <summary>True for nodes that predict parameters (conv, sep/dil conv, bias, bn).</summary>
    public bool HasParameters { get; }
    /// <summary>True for the classifier weight node (second-to-last, or last if it has no bias).</summary>
    public bool IsClassifierWeight { get; internal set; }
    /// <summary>True for the classifier bias node (always last when present).</summary>
    public bool IsClassifierBias { get; internal set; }
    /// <summary>Longest path length from the input node (input = 0).</summary>
    public int ForwardLevel { get; internal set; }
    /// <summary>Longest path length to the last node (last = 0).</summary>
    public int BackwardLevel { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Index}:{Name}[{GraphVocabulary.Ghn2OpNames[OpIndex]}]";
}
