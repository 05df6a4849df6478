// GHN-2's 15 node types in the index order of ppuda's PRIMITIVES_DEEPNETS1M (the embedding table is indexed by it).
namespace GhnQat.Runtime.Graphs;

/// <summary>Node type of an <see cref="ArchGraph"/>; the numeric value is GHN-2's op index.</summary>
public enum GhnOp
{
    /// <summary>Max pooling (pseudo-shape (1,1,k,k)).</summary>
    MaxPool = 0,
    /// <summary>Average pooling (pseudo-shape (1,1,k,k)).</summary>
    AvgPool = 1,
    /// <summary>Grouped (e.g. depthwise) conv weight with dilation 1.</summary>
    SepConv = 2,
    /// <summary>Grouped conv weight with dilation &gt; 1.</summary>
    DilConv = 3,
    /// <summary>Dense conv weight (any dilation) and linear weight.</summary>
    Conv = 4,
    /// <summary>Multi-head self-attention (not produced by this kit's ops).</summary>
    Msa = 5,
    /// <summary>Channel squeeze-excite (not produced by this kit's ops).</summary>
    Cse = 6,
    /// <summary>Element-wise sum with more than one incoming edge.</summary>
    Sum = 7,
    /// <summary>Concatenation (not produced by this kit's ops).</summary>
    Concat = 8,
    /// <summary>The single input node, first in the order.</summary>
    Input = 9,
    /// <summary>A conv or linear bias vector.</summary>
    Bias = 10,
    /// <summary>Batch norm: one node predicting γ and β.</summary>
    Bn = 11,
    /// <summary>Layer norm (not produced by this kit's ops).</summary>
    Ln = 12,
    /// <summary>Positional encoding (not produced by this kit's ops).</summary>
    PosEnc = 13,
    /// <summary>Global average pooling.</summary>
    GlobAvg = 14,
}
