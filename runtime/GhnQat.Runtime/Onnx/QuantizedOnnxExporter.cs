// Exports a QuantizedNetwork as a standard-ops ONNX graph whose every step is the numerics contract's formula:
// integer accumulation (ConvInteger / MatMulInteger / ReduceSum), one float32 Mul, Round (half to even), Clip, Cast.
using System.Collections.Immutable;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;
using G = GhnQat.Runtime.Onnx.OnnxGraphBuilder;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// Integer export (ORT oracle "B" of the design): input <see cref="OnnxNames.Images"/> (float32), output
/// <see cref="OnnxNames.Logits"/> (float32) and, as extra outputs, the codes of every quantized tensor named by
/// its id ("input" for the image codes), int8 when signed and uint8 when unsigned, whatever the bit width (ORT's C#
/// API cannot read int4 outputs). Patterns per layer: docs/onnx.md.
/// </summary>
public static class QuantizedOnnxExporter
{
    /// <summary>Serialized ONNX model bytes (caller owns the array).</summary>
    /// <exception cref="GhnQatException">A tensor id that collides with "images"/"logits" (InvalidArgument).</exception>
    public static byte[] Export(QuantizedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var g = new G(network.Spec.Name + "-" + network.Scheme.Name);
        foreach (var t in network.Tensors)
        {
            if (t.Id is OnnxNames.Images or OnnxNames.Logits)
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"tensor '{t.Id}' of '{network.Spec.Name}': the id is reserved for the ONNX graph's input/output; rename the node");
        }
        var shape = network.Spec.Input;
        g.Input(OnnxNames.Images, DataType.Float, -1, shape.Channels, shape.Height, shape.Width);

        var input = network.Input;
        string scaled = g.Node("Mul", "input/scaled", [OnnxNames.Images, g.Scalar("input/inverse_scale", network.InputInvScale)]);
        RoundClipCast(g, scaled, input);

        foreach (var layer in network.Layers)
        {
            switch (layer)
            {
                case QConvLayer conv: Conv(g, network, conv); break;
                case QAddLayer add: Add(g, network, add); break;
                case QMaxPoolLayer max:
                    g.Node("MaxPool", max.OutputId, [max.InputId],
                        G.Ints("kernel_shape", max.Kernel, max.Kernel), G.Ints("strides", max.Stride, max.Stride), Pads(max.Padding));
                    break;
                case QAvgPoolLayer avg: AvgPool(g, network, avg); break;
                case QGlobalAvgPoolLayer gap: GlobalAvgPool(g, network, gap); break;
                case QLinearLayer fc: Classifier(g, fc); break;
                default:
                    throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"layer '{layer.Name}': {layer.GetType().Name} has no ONNX export");
            }
        }

        g.Output(OnnxNames.Logits, DataType.Float, -1, network.Classifier.OutFeatures);
        foreach (var t in network.Tensors)
            g.Output(t.Id, CodeType(t), FloatOnnxExporter.Dims(t.Shape));
        return g.ToModelBytes(OnnxNames.Opset, $"integer export of '{network.Spec.Name}' ({network.Scheme.Name}, GhnQat.Edge)");
    }

    /// <summary>The ONNX element type holding a tensor's codes: int8 when signed, uint8 when unsigned.</summary>
    public static DataType CodeType(QuantTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.IsSigned ? DataType.Int8 : DataType.Uint8;
    }

    private static void Conv(G g, QuantizedNetwork net, QConvLayer conv)
    {
        var inShape = net.Tensor(conv.InputId).Shape;
        var outInfo = net.Tensor(conv.OutputId);
        string acc;
        if (inShape.IsVector)
        {
            // A non-classifier linear on a vector: the 1×1 conv is a matrix product with the (in, out) transpose.
            string w = g.Initializer(conv.Name + ".weight_codes_t", Transpose(conv.Weights, conv.OutChannels, conv.InChannels),
                conv.InChannels, conv.OutChannels);
            acc = g.Node("MatMulInteger", conv.OutputId + "/acc", [conv.InputId, w]);
        }
        else
        {
            int k = conv.Kernel;
            string w = g.Initializer(conv.Name + ".weight_codes", conv.Weights.AsSpan(),
                conv.OutChannels, conv.InChannels / conv.Groups, k, k);
            acc = g.Node("ConvInteger", conv.OutputId + "/acc", [conv.InputId, w],
                G.Ints("kernel_shape", k, k), G.Ints("strides", conv.Stride, conv.Stride), Pads(conv.Padding),
                G.Ints("dilations", conv.Dilation, conv.Dilation), G.Int("group", conv.Groups));
        }
        long[] channelDims = inShape.IsVector ? [conv.OutChannels] : [1, conv.OutChannels, 1, 1];
        // float32(acc) × M, then + bias (output-code units): two nodes, so no fused multiply-add.
        string asFloat = CastTo(g, acc, conv.OutputId + "/acc_float", DataType.Float);
        string m = g.Initializer(conv.Name + ".multiplier", conv.Multipliers.AsSpan(), channelDims);
        string scaled = g.Node("Mul", conv.OutputId + "/scaled", [asFloat, m]);
        string bias = g.Initializer(conv.Name + ".bias", conv.Bias.AsSpan(), channelDims);
        string withBias = g.Node("Add", conv.OutputId + "/biased", [scaled, bias]);
        RoundClipCast(g, withBias, outInfo with { Lo = conv.Lo, Hi = conv.Hi });
    }

    private static void Add(G g, QuantizedNetwork net, QAddLayer add)
    {
        // Each term is float32(q_i) × M_i; the terms are summed left to right in input order (QuantContract.RequantizeSum).
        var terms = new string[add.Inputs.Length];
        for (int i = 0; i < terms.Length; i++)
        {
            string asFloat = CastTo(g, add.Inputs[i], $"{add.OutputId}/in{i}_float", DataType.Float);
            terms[i] = g.Node("Mul", $"{add.OutputId}/term{i}", [asFloat, g.Scalar($"{add.Name}.multiplier{i}", add.Multipliers[i])]);
        }
        string sum = FloatOnnxExporter.ChainedAdd(g, terms, add.OutputId + "/sum");
        RoundClipCast(g, sum, net.Tensor(add.OutputId) with { Lo = add.Lo, Hi = add.Hi });
    }

    private static void AvgPool(G g, QuantizedNetwork net, QAvgPoolLayer avg)
    {
        // The window sum as a depthwise ConvInteger with an all-ones kernel: exact int32, zero padding counted.
        int c = net.Tensor(avg.InputId).Shape.Channels, k = avg.Kernel;
        var ones = new sbyte[c * k * k];
        Array.Fill(ones, (sbyte)1);
        string sum = g.Node("ConvInteger", avg.OutputId + "/sum", [avg.InputId, g.Initializer(avg.Name + ".ones", ones, c, 1, k, k)],
            G.Ints("kernel_shape", k, k), G.Ints("strides", avg.Stride, avg.Stride), Pads(avg.Padding), G.Int("group", c));
        string asFloat = CastTo(g, sum, avg.OutputId + "/sum_float", DataType.Float);
        string scaled = g.Node("Mul", avg.OutputId + "/scaled", [asFloat, g.Scalar(avg.Name + ".multiplier", avg.Multiplier)]);
        RoundClipCast(g, scaled, net.Tensor(avg.OutputId) with { Lo = avg.Lo, Hi = avg.Hi });
    }

    private static void GlobalAvgPool(G g, QuantizedNetwork net, QGlobalAvgPoolLayer gap)
    {
        string wide = CastTo(g, gap.InputId, gap.OutputId + "/codes_i32", DataType.Int32);
        string axes = g.Has("const/axes_hw") ? "const/axes_hw" : g.Initializer("const/axes_hw", [2L, 3L], 2);
        // keepdims = 0 gives the N×C vector layout directly.
        string sum = g.Node("ReduceSum", gap.OutputId + "/sum", [wide, axes], G.Int("keepdims", 0));
        string asFloat = CastTo(g, sum, gap.OutputId + "/sum_float", DataType.Float);
        string scaled = g.Node("Mul", gap.OutputId + "/scaled", [asFloat, g.Scalar(gap.Name + ".multiplier", gap.Multiplier)]);
        RoundClipCast(g, scaled, net.Tensor(gap.OutputId) with { Lo = gap.Lo, Hi = gap.Hi });
    }

    private static void Classifier(G g, QLinearLayer fc)
    {
        string w = g.Initializer(fc.Name + ".weight_codes_t", Transpose(fc.Weights, fc.OutFeatures, fc.InFeatures), fc.InFeatures, fc.OutFeatures);
        string acc = g.Node("MatMulInteger", fc.OutputId + "/acc", [fc.InputId, w]);
        string asFloat = CastTo(g, acc, fc.OutputId + "/acc_float", DataType.Float);
        string scaled = g.Node("Mul", fc.OutputId + "/scaled", [asFloat, g.Initializer(fc.Name + ".multiplier", fc.Multipliers.AsSpan(), fc.OutFeatures)]);
        g.Node("Add", OnnxNames.Logits, [scaled, g.Initializer(fc.Name + ".bias", fc.Bias.AsSpan(), fc.OutFeatures)]);
    }

    /// <summary>Round (half to even) → Clip(lo, hi) in float → Cast to the code type, named <c>tensor.Id</c>.</summary>
    private static void RoundClipCast(G g, string value, QuantTensorInfo tensor)
    {
        string rounded = g.Node("Round", tensor.Id + "/rounded", [value]);
        string clipped = g.Node("Clip", tensor.Id + "/clipped", [rounded, Constant(g, tensor.Lo), Constant(g, tensor.Hi)]);
        // The clipped value is an integer within the code type's range, so this Cast is exact.
        CastTo(g, clipped, tensor.Id, CodeType(tensor));
    }

    private static string CastTo(G g, string value, string output, DataType type) =>
        g.Node("Cast", output, [value], G.Int("to", (long)type));

    private static string Constant(G g, int value)
    {
        string name = $"const/{value}";
        return g.Has(name) ? name : g.Scalar(name, value);
    }

    private static AttributeProto Pads(int p) => G.Ints("pads", p, p, p, p);

    private static sbyte[] Transpose(ImmutableArray<sbyte> w, int rows, int cols)
    {
        var t = new sbyte[w.Length];
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
        return t;
    }
}
