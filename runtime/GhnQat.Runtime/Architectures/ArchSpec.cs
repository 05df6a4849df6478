// An immutable, always-valid architecture: a DAG of named nodes, with shapes, parameter count and MACs inferred.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GhnQat.Runtime.Architectures;

/// <summary>
/// A validated CNN architecture. Construction runs the full validation (an instance is never invalid) and keeps
/// the nodes in topological order. Load and save JSON with <see cref="Parse"/>, <see cref="Load"/>,
/// <see cref="ToJson"/> and <see cref="Save"/>; the JSON format is described in docs/architectures.md.
/// </summary>
public sealed class ArchSpec
{
    /// <summary>The value of the JSON "schema" field.</summary>
    public const string SchemaName = "ghnqat.archspec";
    /// <summary>The JSON format version this build reads and writes.</summary>
    public const int SchemaVersion = 1;

    private readonly ArchAnalysis _analysis;
    private readonly Dictionary<string, int> _position;

    /// <summary>Validates and creates a spec; throws <see cref="Errors.GhnQatException"/> naming the bad node.</summary>
    /// <param name="name">Free-form name, 1–200 characters.</param>
    /// <param name="input">Input image shape per sample.</param>
    /// <param name="classes">Number of classes; the last node is a linear with this many outputs.</param>
    /// <param name="nodes">The nodes, in any order that forms a DAG.</param>
    public ArchSpec(string name, ActivationShape input, int classes, IReadOnlyList<ArchNode> nodes)
    {
        _analysis = ArchSpecValidator.Validate(name, input, classes, nodes);
        Name = name;
        Input = input;
        Classes = classes;
        _position = new Dictionary<string, int>(_analysis.Order.Length, StringComparer.Ordinal);
        for (int p = 0; p < _analysis.Order.Length; p++) _position[_analysis.Order[p].Id] = p;
        StructureHash = ComputeStructureHash();
    }

    /// <summary>Free-form name (not part of <see cref="StructureHash"/>).</summary>
    public string Name { get; }
    /// <summary>Input image shape per sample.</summary>
    public ActivationShape Input { get; }
    /// <summary>Number of classes.</summary>
    public int Classes { get; }
    /// <summary>Nodes in topological order; the last one is the classifier.</summary>
    public IReadOnlyList<ArchNode> Nodes => _analysis.Order;
    /// <summary>The classifier: the last node, a linear with <see cref="Classes"/> outputs.</summary>
    public ArchNode Classifier => _analysis.Order[^1];
    /// <summary>Learned parameters: conv weights and biases, BN γ and β, linear weights and biases.</summary>
    public long ParameterCount => _analysis.ParameterCount;
    /// <summary>Multiply-accumulates per image of all conv and linear layers (pools, BN and adds not counted).</summary>
    public long Macs => _analysis.MacCount;
    /// <summary>Conv and linear layers on the longest input-to-classifier path.</summary>
    public int Depth => _analysis.Depth;
    /// <summary>
    /// 64-bit hash of the structure (input shape, classes, and per node in order: op, attributes and input
    /// positions). Ids and name are excluded, so renaming nodes keeps the hash. Used to partition splits.
    /// </summary>
    public ulong StructureHash { get; }

    /// <summary>Topological position of node <paramref name="id"/>; throws if there is no such node.</summary>
    public int IndexOf(string id) => _position.TryGetValue(id, out int p)
        ? p
        : throw ArchSpecValidator.Error($"no node '{id}' in spec '{Name}'");

    /// <summary>The node with id <paramref name="id"/>.</summary>
    public ArchNode Node(string id) => _analysis.Order[IndexOf(id)];

    /// <summary>Output shape of node <paramref name="id"/> (or of the image for "input").</summary>
    public ActivationShape ShapeOf(string id) =>
        string.Equals(id, ArchNode.InputId, StringComparison.Ordinal) ? Input : _analysis.Shapes[IndexOf(id)];

    /// <summary>Output shape of the node at topological position <paramref name="index"/>.</summary>
    public ActivationShape ShapeAt(int index) => _analysis.Shapes[index];

    /// <summary>Shape of input <paramref name="slot"/> of the node at <paramref name="index"/>.</summary>
    public ActivationShape InputShapeAt(int index, int slot)
    {
        int k = _analysis.InputIndices[index][slot];
        return k < 0 ? Input : _analysis.Shapes[k];
    }

    /// <summary>Topological positions of the inputs of the node at <paramref name="index"/>; −1 is the image.</summary>
    public IReadOnlyList<int> InputIndicesAt(int index) => _analysis.InputIndices[index];

    /// <summary>Learned parameters of the node at <paramref name="index"/>.</summary>
    public long ParametersAt(int index) => _analysis.Parameters[index];

    /// <summary>Multiply-accumulates per image of the node at <paramref name="index"/>.</summary>
    public long MacsAt(int index) => _analysis.Macs[index];

    /// <summary>Parses ArchSpec JSON; <paramref name="source"/> names the text in error messages.</summary>
    public static ArchSpec Parse(string json, string source = "<string>") => ArchSpecJson.Read(json, source);

    /// <summary>Reads and parses an ArchSpec file.</summary>
    public static ArchSpec Load(string path) => ArchSpecJson.ReadFile(path);

    /// <summary>Canonical JSON: fixed key order, invariant numbers, '\n' line endings, one node per line.</summary>
    public string ToJson() => ArchSpecJson.Write(this);

    /// <summary>Writes <see cref="ToJson"/> as UTF-8 without BOM.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson(), new UTF8Encoding(false));

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {Nodes.Count} nodes, {ParameterCount} params, {Macs} MACs, depth {Depth}";

    private ulong ComputeStructureHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        line.Append(ArchSpecValidator.Inv($"{Input.Channels},{Input.Height},{Input.Width};{Classes}\n"));
        for (int p = 0; p < _analysis.Order.Length; p++)
        {
            var node = _analysis.Order[p];
            line.Append(ArchOps.Name(node.Op));
            foreach (string a in ArchOps.Attributes(node.Op)) line.Append(' ').Append(ArchSpecJson.AttributeText(node, a));
            line.Append(" <-");
            foreach (int k in _analysis.InputIndices[p]) line.Append(' ').Append(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            line.Append('\n');
            if (line.Length > 4096 || p == _analysis.Order.Length - 1)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
                line.Clear();
            }
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
