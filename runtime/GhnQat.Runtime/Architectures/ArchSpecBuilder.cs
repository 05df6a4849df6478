// Fluent construction of an ArchSpec in code: each method appends a node and returns its id for chaining.
namespace GhnQat.Runtime.Architectures;

/// <summary>
/// Appends nodes in order and builds a validated <see cref="ArchSpec"/>. Example:
/// <code>var b = new ArchSpecBuilder("tiny", new(1, 28, 28), 10);
/// string x = b.Conv("c1", ArchNode.InputId, 8, 3); x = b.Relu("r1", x); x = b.Gap("gap", x); b.Linear("fc", x, 10);
/// ArchSpec spec = b.Build();</code>
/// </summary>
public sealed class ArchSpecBuilder
{
    private readonly List<ArchNode> _nodes = [];

    /// <summary>Starts an empty spec.</summary>
    public ArchSpecBuilder(string name, ActivationShape input, int classes)
    {
        Name = name;
        Input = input;
        Classes = classes;
    }

    /// <summary>Spec name.</summary>
    public string Name { get; set; }
    /// <summary>Input image shape.</summary>
    public ActivationShape Input { get; }
    /// <summary>Number of classes.</summary>
    public int Classes { get; }
    /// <summary>Nodes appended so far.</summary>
    public IReadOnlyList<ArchNode> Nodes => _nodes;

    /// <summary>Appends any node and returns its id.</summary>
    public string Add(ArchNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes.Add(node);
        return node.Id;
    }

    /// <summary>Appends a conv; see <see cref="ArchNode.Conv"/>.</summary>
    public string Conv(string id, string input, int outChannels, int kernel, int stride = 1, int groups = 1,
        int dilation = 1, bool bias = false) =>
        Add(ArchNode.Conv(id, input, outChannels, kernel, stride, groups, dilation, bias));

    /// <summary>Appends a batch norm.</summary>
    public string BatchNorm(string id, string input) => Add(ArchNode.BatchNorm(id, input));

    /// <summary>Appends a ReLU.</summary>
    public string Relu(string id, string input) => Add(ArchNode.Relu(id, input));

    /// <summary>Appends a ReLU6.</summary>
    public string Relu6(string id, string input) => Add(ArchNode.Relu6(id, input));

    /// <summary>Appends an add of two or more inputs.</summary>
    public string Sum(string id, params string[] inputs) => Add(ArchNode.Add(id, inputs));

    /// <summary>Appends a max pool.</summary>
    public string MaxPool(string id, string input, int kernel, int stride) => Add(ArchNode.MaxPool(id, input, kernel, stride));

    /// <summary>Appends an average pool.</summary>
    public string AvgPool(string id, string input, int kernel, int stride) => Add(ArchNode.AvgPool(id, input, kernel, stride));

    /// <summary>Appends a global average pool.</summary>
    public string Gap(string id, string input) => Add(ArchNode.GlobalAvgPool(id, input));

    /// <summary>Appends a linear layer.</summary>
    public string Linear(string id, string input, int outFeatures, bool bias = true) =>
        Add(ArchNode.Linear(id, input, outFeatures, bias));

    /// <summary>Validates and returns the spec.</summary>
    public ArchSpec Build() => new(Name, Input, Classes, _nodes);
}
