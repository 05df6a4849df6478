// One learned tensor of the target net, in the fixed enumeration order shared by trainer and runtime.
namespace GhnQat.Runtime.Graphs;

/// <summary>
/// A parameter tensor: PyTorch-style name ("&lt;node&gt;.weight" / "&lt;node&gt;.bias"), row-major shape, the graph
/// node whose embedding predicts it, and its role.
/// </summary>
public sealed class ParameterTensor
{
    internal ParameterTensor(int index, string name, int[] shape, int nodeIndex, string specNodeId, ParameterRole role)
    {
        Index = index;
        Name = name;
        Shape = shape;
        NodeIndex = nodeIndex;
        SpecNodeId = specNodeId;
        Role = role;
        long n = 1;
        foreach (int d in shape) n *= d;
        ElementCount = n;
    }

    /// <summary>Position in <see cref="ArchGraph.Parameters"/>.</summary>
    public int Index { get; }
    /// <summary>"&lt;spec node id&gt;.weight" or ".bias"; BN γ is ".weight" and β ".bias", as in PyTorch.</summary>
    public string Name { get; }
    /// <summary>Shape, row-major: conv (out, in/groups, kh, kw), linear (out, in), vectors (n).</summary>
    public IReadOnlyList<int> Shape { get; }
    /// <summary>Product of <see cref="Shape"/>.</summary>
    public long ElementCount { get; }
    /// <summary>Index of the owning <see cref="GraphNode"/> (a bias has its own node; BN γ and β share one).</summary>
    public int NodeIndex { get; }
    /// <summary>Id of the ArchSpec node (conv, bn or linear) this tensor belongs to.</summary>
    public string SpecNodeId { get; }
    /// <summary>What the tensor is to its layer.</summary>
    public ParameterRole Role { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Role} ({string.Join("×", Shape)})";
}
