// Assembles an ONNX graph (OnnxSharp's protobuf classes): typed initializers, nodes, inputs and outputs by name.
using System.Runtime.InteropServices;
using GhnQat.Runtime.Errors;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// A small writer for one ONNX graph. Every value name is checked for uniqueness when it is produced, so an
/// exporter bug shows up as a clear error here instead of as an ORT load failure. Dimensions given as −1 become
/// the symbolic batch dimension <see cref="BatchDim"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>Name of the symbolic batch dimension of inputs and outputs.</summary>
    public const string BatchDim = "N";

    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name)
    {
        if (!BitConverter.IsLittleEndian)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "ONNX export needs a little-endian host (raw_data is little-endian)");
        _graph.Name = name;
    }

    /// <summary>Whether a value named <paramref name="name"/> exists already.</summary>
    public bool Has(string name) => _names.Contains(name);

    /// <summary>Declares a graph input.</summary>
    public string Input(string name, DataType type, params long[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares an existing value as a graph output.</summary>
    public void Output(string name, DataType type, params long[] dims)
    {
        if (!_names.Contains(name))
            throw Bug($"graph output '{name}' is not produced by any node");
        _graph.Output.Add(ValueInfo(name, type, dims));
    }

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(name, DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    public string Initializer(string name, ReadOnlySpan<sbyte> values, params long[] dims) =>
        Initializer(name, DataType.Int8, MemoryMarshal.AsBytes(values), values.Length, dims);

    public string Initializer(string name, ReadOnlySpan<byte> values, params long[] dims) =>
        Initializer(name, DataType.Uint8, values, values.Length, dims);

    public string Initializer(string name, ReadOnlySpan<int> values, params long[] dims) =>
        Initializer(name, DataType.Int32, MemoryMarshal.AsBytes(values), values.Length, dims);

    public string Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Initializer(name, DataType.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>A float scalar initializer (shape []).</summary>
    public string Scalar(string name, float value) => Initializer(name, [value]);

    /// <summary>Adds a node with one output; returns the output name.</summary>
    public string Node(string opType, string output, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        foreach (string input in inputs)
        {
            // "" is ONNX's spelling of an omitted optional input.
            if (input.Length != 0 && !_names.Contains(input))
                throw Bug($"node '{output}' ({opType}) reads '{input}', which nothing produced yet");
        }
        Claim(output);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>Serializes the graph as a model with the default ONNX domain at <paramref name="opset"/>.</summary>
    public byte[] ToModelBytes(long opset, string docString)
    {
        var model = new ModelProto
        {
            // IR 8 is the version that ships with opset 17; ORT 1.31.1 reads IR up to 11.
            IrVersion = 8,
            ProducerName = RuntimeInfo.Product,
            ProducerVersion = typeof(RuntimeInfo).Assembly.GetName().Version?.ToString() ?? "",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private string Initializer(string name, DataType type, ReadOnlySpan<byte> bytes, int count, long[] dims)
    {
        long expected = 1;
        foreach (long d in dims) expected *= d;
        if (expected != count)
            throw Bug($"initializer '{name}' has {count} values but shape [{string.Join(", ", dims)}]");
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(d < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = BatchDim }
                : new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name) || !_names.Add(name))
            throw Bug($"value name '{name}' is empty or produced twice");
    }

    // Only a defect in an exporter can trip these checks; the message names the value so the bug is easy to find.
    private static InvalidOperationException Bug(string message) => new("ONNX graph: " + message);
}
