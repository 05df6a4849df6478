// Exports a FloatNetwork as a float32 ONNX model (opset 17): one standard ONNX op (or two) per ArchSpec node.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Networks;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;
using G = GhnQat.Runtime.Onnx.OnnxGraphBuilder;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// Float export: input <see cref="OnnxNames.Images"/> (N×C×H×W float32, N symbolic), output
/// <see cref="OnnxNames.Logits"/> (N×classes). Patterns per op are in docs/onnx.md; values are named by node id.
/// </summary>
public static class FloatOnnxExporter
{
    /// <summary>Serialized ONNX model bytes (caller owns the array).</summary>
    /// <exception cref="GhnQatException">BN statistics that do not match the spec, or a node id that collides
    /// with <see cref="OnnxNames.Images"/> / <see cref="OnnxNames.Logits"/> (InvalidArgument).</exception>
    public static byte[] Export(FloatNetwork network, FloatOnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new FloatOnnxExportOptions();
        var spec = network.Spec;
        CheckStatistics(spec, options.BatchNormStatistics);
        var g = new G(spec.Name);
        g.Input(OnnxNames.Images, DataType.Float, -1, spec.Input.Channels, spec.Input.Height, spec.Input.Width);

        for (int i = 0; i < spec.Nodes.Count; i++)
        {
            var node = spec.Nodes[i];
            string output = ValueName(spec, i);
            var inputs = node.Inputs.Select(id => id == ArchNode.InputId ? OnnxNames.Images : ValueName(spec, spec.IndexOf(id))).ToArray();
            switch (node.Op)
            {
                case ArchOp.Conv: Conv(g, network, node, inputs[0], output); break;
                case ArchOp.BatchNorm: BatchNorm(g, network, node, inputs[0], output, options); break;
                case ArchOp.Relu: g.Node("Relu", output, inputs); break;
                case ArchOp.Relu6:
                    g.Node("Clip", output, [inputs[0], Constant(g, "const/zero", 0f), Constant(g, "const/six", 6f)]);
                    break;
                case ArchOp.Add: ChainedAdd(g, inputs, output); break;
                case ArchOp.MaxPool:
                    g.Node("MaxPool", output, inputs, PoolAttributes(node));
                    break;
                case ArchOp.AvgPool:
                    g.Node("AveragePool", output, inputs, [.. PoolAttributes(node), G.Int("count_include_pad", 1)]);
                    break;
                case ArchOp.GlobalAvgPool:
                    string pooled = g.Node("GlobalAveragePool", node.Id + "/pool", inputs);
                    g.Node("Flatten", output, [pooled], G.Int("axis", 1));
                    break;
                case ArchOp.Linear: Linear(g, network, node, inputs[0], output); break;
                default:
                    throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"node '{node.Id}': op {node.Op} has no ONNX export");
            }
            bool isLast = i == spec.Nodes.Count - 1;
            if (isLast || options.ExposeIntermediates)
                g.Output(output, DataType.Float, Dims(spec.ShapeAt(i)));
        }
        return g.ToModelBytes(OnnxNames.Opset, $"float export of '{spec.Name}' (GhnQat.Edge)");
    }

    /// <summary>The ONNX value name of node <paramref name="index"/>'s output: its id, or "logits" for the classifier.</summary>
    internal static string ValueName(ArchSpec spec, int index)
    {
        if (index == spec.Nodes.Count - 1) return OnnxNames.Logits;
        string id = spec.Nodes[index].Id;
        if (id is OnnxNames.Images or OnnxNames.Logits)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"node '{id}' of '{spec.Name}': the id is reserved for the ONNX graph's input/output; rename the node");
        return id;
    }

    /// <summary>Batch-symbolic dims of a per-image activation shape: [N, C, H, W], or [N, C] for a vector.</summary>
    internal static long[] Dims(ActivationShape shape) =>
        shape.IsVector ? [-1, shape.Channels] : [-1, shape.Channels, shape.Height, shape.Width];

    /// <summary>Same padding of conv and the pools' (k−1)/2 padding, both symmetric (docs/architectures.md).</summary>
    internal static AttributeProto[] ConvAttributes(ArchNode node)
    {
        long pad = (long)node.Dilation * (node.Kernel - 1) / 2;
        return
        [
            G.Ints("kernel_shape", node.Kernel, node.Kernel), G.Ints("strides", node.Stride, node.Stride),
            G.Ints("pads", pad, pad, pad, pad), G.Ints("dilations", node.Dilation, node.Dilation),
            G.Int("group", node.Groups),
        ];
    }

    internal static AttributeProto[] PoolAttributes(ArchNode node)
    {
        long pad = (node.Kernel - 1) / 2;
        return [G.Ints("kernel_shape", node.Kernel, node.Kernel), G.Ints("strides", node.Stride, node.Stride), G.Ints("pads", pad, pad, pad, pad)];
    }

    /// <summary>n-ary add as a left-to-right chain, so the float order is the spec's input order.</summary>
    internal static string ChainedAdd(G g, IReadOnlyList<string> inputs, string output)
    {
        string sum = inputs[0];
        for (int k = 1; k < inputs.Count; k++)
            sum = g.Node("Add", k == inputs.Count - 1 ? output : $"{output}/sum{k}", [sum, inputs[k]]);
        return sum;
    }

    private static void Conv(G g, FloatNetwork net, ArchNode node, string input, string output)
    {
        var inShape = net.Spec.ShapeOf(node.Inputs[0]);
        string w = g.Initializer(node.Id + ".weight", net.Tensor(node.Id + ".weight"),
            node.Out, inShape.Channels / node.Groups, node.Kernel, node.Kernel);
        string[] inputs = node.Bias ? [input, w, g.Initializer(node.Id + ".bias", net.Tensor(node.Id + ".bias"), node.Out)] : [input, w];
        g.Node("Conv", output, inputs, ConvAttributes(node));
    }

    private static void BatchNorm(G g, FloatNetwork net, ArchNode node, string input, string output, FloatOnnxExportOptions options)
    {
        int c = net.Spec.ShapeOf(node.Id).Channels;
        string mean, variance;
        if (options.BatchNormStatistics is { } all)
        {
            mean = g.Initializer(node.Id + ".mean", all[node.Id].Mean, c);
            variance = g.Initializer(node.Id + ".var", all[node.Id].Variance, c);
        }
        else
        {
            // PyTorch's initial running statistics: mean 0, variance 1.
            var ones = new float[c];
            Array.Fill(ones, 1f);
            mean = g.Initializer(node.Id + ".mean", new float[c], c);
            variance = g.Initializer(node.Id + ".var", ones, c);
        }
        g.Node("BatchNormalization", output,
        [
            input,
            g.Initializer(node.Id + ".weight", net.Tensor(node.Id + ".weight"), c),
            g.Initializer(node.Id + ".bias", net.Tensor(node.Id + ".bias"), c),
            mean,
            variance,
        ], G.Float("epsilon", options.BatchNormEpsilon));
    }

    private static void Linear(G g, FloatNetwork net, ArchNode node, string input, string output)
    {
        int inFeatures = net.Spec.ShapeOf(node.Inputs[0]).Channels;
        string w = g.Initializer(node.Id + ".weight", net.Tensor(node.Id + ".weight"), node.Out, inFeatures);
        string[] inputs = node.Bias ? [input, w, g.Initializer(node.Id + ".bias", net.Tensor(node.Id + ".bias"), node.Out)] : [input, w];
        // Gemm with transB = 1 takes the PyTorch (out, in) layout as is.
        g.Node("Gemm", output, inputs, G.Int("transB", 1));
    }

    private static string Constant(G g, string name, float value) => g.Has(name) ? name : g.Scalar(name, value);

    private static void CheckStatistics(ArchSpec spec, IReadOnlyDictionary<string, BatchNormStatistics>? stats)
    {
        if (stats is null) return;
        var bnNodes = spec.Nodes.Where(n => n.Op == ArchOp.BatchNorm).ToList();
        foreach (var node in bnNodes)
        {
            int c = spec.ShapeOf(node.Id).Channels;
            if (!stats.TryGetValue(node.Id, out var s))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"BN statistics for node '{node.Id}' of '{spec.Name}' are missing");
            if (s.Channels != c)
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"BN statistics for node '{node.Id}' have {s.Channels} channels, the node has {c}");
        }
        if (stats.Count != bnNodes.Count)
        {
            string extra = stats.Keys.First(k => !bnNodes.Exists(n => n.Id == k));
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"BN statistics name '{extra}', which is not a BN node of '{spec.Name}'");
        }
    }
}
