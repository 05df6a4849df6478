// One node of an ArchSpec DAG: an op, its input node ids and its attributes (unused ones are 0/false).
namespace GhnQat.Runtime.Architectures;

/// <summary>
/// An immutable node of an <see cref="ArchSpec"/>. Create nodes with the static factories; values are checked when
/// the spec is built, so a bad node yields an error that names it.
/// </summary>
public sealed class ArchNode
{
    /// <summary>The reserved id of the input image; nodes list it in <see cref="Inputs"/> to read the image.</summary>
    public const string InputId = "input";

    private ArchNode(string id, ArchOp op, IReadOnlyList<string> inputs)
    {
        Id = id;
        Op = op;
        Inputs = inputs;
    }

    /// <summary>Unique node id: letters, digits, '_' and '-'; never "input".</summary>
    public string Id { get; }
    /// <summary>The operation.</summary>
    public ArchOp Op { get; }
    /// <summary>Ids of the nodes (or <see cref="InputId"/>) this node reads, in order.</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>Output channels of conv or output features of linear; 0 for other ops.</summary>
    public int Out { get; private init; }
    /// <summary>Kernel side of conv and pools; 0 for other ops.</summary>
    public int Kernel { get; private init; }
    /// <summary>Stride of conv and pools; 0 for other ops.</summary>
    public int Stride { get; private init; }
    /// <summary>Conv groups (1 = dense, input channels = depthwise); 0 for other ops.</summary>
    public int Groups { get; private init; }
    /// <summary>Conv dilation; 0 for other ops.</summary>
    public int Dilation { get; private init; }
    /// <summary>Whether a conv or linear has a bias vector.</summary>
    public bool Bias { get; private init; }

    /// <summary>A conv with same padding <c>dilation·(kernel−1)/2</c>; no bias by default.</summary>
    public static ArchNode Conv(string id, string input, int outChannels, int kernel, int stride = 1, int groups = 1,
        int dilation = 1, bool bias = false) =>
        new(id, ArchOp.Conv, [input])
        {
            Out = outChannels, Kernel = kernel, Stride = stride, Groups = groups, Dilation = dilation, Bias = bias,
        };

    /// <summary>Batch normalization (γ, β per channel).</summary>
    public static ArchNode BatchNorm(string id, string input) => new(id, ArchOp.BatchNorm, [input]);

    /// <summary>ReLU.</summary>
    public static ArchNode Relu(string id, string input) => new(id, ArchOp.Relu, [input]);

    /// <summary>ReLU6.</summary>
    public static ArchNode Relu6(string id, string input) => new(id, ArchOp.Relu6, [input]);

    /// <summary>Element-wise sum of two or more same-shaped inputs.</summary>
    public static ArchNode Add(string id, params string[] inputs) => new(id, ArchOp.Add, inputs.ToArray());

    /// <summary>Max pooling, padding <c>(kernel−1)/2</c>.</summary>
    public static ArchNode MaxPool(string id, string input, int kernel, int stride) =>
        new(id, ArchOp.MaxPool, [input]) { Kernel = kernel, Stride = stride };

    /// <summary>Average pooling, padding <c>(kernel−1)/2</c>, divisor kernel².</summary>
    public static ArchNode AvgPool(string id, string input, int kernel, int stride) =>
        new(id, ArchOp.AvgPool, [input]) { Kernel = kernel, Stride = stride };

    /// <summary>Global average pooling to a vector.</summary>
    public static ArchNode GlobalAvgPool(string id, string input) => new(id, ArchOp.GlobalAvgPool, [input]);

    /// <summary>A fully connected layer on a vector; bias by default.</summary>
    public static ArchNode Linear(string id, string input, int outFeatures, bool bias = true) =>
        new(id, ArchOp.Linear, [input]) { Out = outFeatures, Bias = bias };

    /// <summary>A node with any op and raw attribute values (used by the JSON reader; checked by validation).</summary>
    public static ArchNode Create(string id, ArchOp op, IReadOnlyList<string> inputs, int outChannels, int kernel,
        int stride, int groups, int dilation, bool bias) =>
        new(id, op, inputs.ToArray())
        {
            Out = outChannels, Kernel = kernel, Stride = stride, Groups = groups, Dilation = dilation, Bias = bias,
        };

    /// <summary>The same node reading from other inputs.</summary>
    public ArchNode WithInputs(IReadOnlyList<string> inputs) =>
        Create(Id, Op, inputs, Out, Kernel, Stride, Groups, Dilation, Bias);

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {ArchOps.Name(Op)}({string.Join(", ", Inputs)})";
}
