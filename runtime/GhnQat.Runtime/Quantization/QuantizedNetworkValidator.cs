// Checks a QuantizedNetwork against its spec's deployment plan, so that no file or caller can hand the executors
// a network that reads out of bounds, overflows int32, or disagrees with its own scales.
using System.Collections.Immutable;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Quantization;

/// <summary>Validation of <see cref="QuantizedNetwork"/>; every failure names the layer or tensor.</summary>
internal static class QuantizedNetworkValidator
{
    public static void Validate(QuantizedNetwork net, QuantPlan plan, string source, GhnQatErrorCode code)
    {
        var fail = (string message) => new GhnQatException(code, $"{source}: network '{net.Spec.Name}': {message}");
        ValidateTensors(net.Tensors, plan, fail);
        if (net.Layers.Count != plan.Layers.Count)
            throw fail($"has {net.Layers.Count} layers; its spec deploys as {plan.Layers.Count}");
        var tensors = net.Tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
        for (int l = 0; l < plan.Layers.Count; l++)
        {
            var expected = plan.Layers[l];
            var layer = net.Layers[l] ?? throw fail($"layer {l} is null");
            var node = plan.Spec.Nodes[expected.NodeIndex];
            Func<string, GhnQatException> bad = m => fail($"layer {l} '{layer.Name}': {m}");
            if (layer.Name != node.Id || layer.OutputId != expected.OutputId || !layer.InputIds.SequenceEqual(expected.InputIds))
                throw bad($"expected node '{node.Id}' reading [{string.Join(", ", expected.InputIds)}] and writing '{expected.OutputId}'; " +
                          $"found reading [{string.Join(", ", layer.InputIds)}] and writing '{layer.OutputId}'");
            var output = expected.Op == PlanOp.Classifier ? null : tensors[expected.OutputId];
            switch (expected.Op, layer)
            {
                case (PlanOp.Conv, QConvLayer conv):
                    CheckConv(conv, node, expected, plan, tensors[conv.InputId], output!, bad);
                    break;
                case (PlanOp.Add, QAddLayer add):
                    CheckClamp(add.Lo, add.Hi, output!, bad);
                    if (add.Activation != QLayerFactory.Activation(plan, expected)) throw bad($"activation {add.Activation} does not match the spec");
                    CheckLength(add.Multipliers.IsDefault ? -1 : add.Multipliers.Length, add.Inputs.Length, "multipliers", bad);
                    for (int i = 0; i < add.Inputs.Length; i++)
                        CheckMultiplier(add.Multipliers[i], QuantContract.AddMultiplier(tensors[add.Inputs[i]].Scale, output!.Scale), $"multiplier {i}", bad);
                    break;
                case (PlanOp.MaxPool, QMaxPoolLayer max):
                    CheckWindow(max.Kernel, max.Stride, max.Padding, node, bad);
                    break;
                case (PlanOp.AvgPool, QAvgPoolLayer avg):
                    CheckWindow(avg.Kernel, avg.Stride, avg.Padding, node, bad);
                    if (!avg.CountIncludePad) throw bad("count_include_pad is false; the contract divides by k² always");
                    CheckClamp(avg.Lo, avg.Hi, output!, bad);
                    CheckMultiplier(avg.Multiplier, QuantContract.PoolMultiplier(tensors[avg.InputId].Scale, (long)avg.Kernel * avg.Kernel, output!.Scale), "multiplier", bad);
                    break;
                case (PlanOp.Gap, QGlobalAvgPoolLayer gap):
                    var inShape = tensors[gap.InputId].Shape;
                    if ((long)inShape.Height * inShape.Width * tensors[gap.InputId].Hi > int.MaxValue)
                        throw bad($"a sum over {inShape.Height}×{inShape.Width} codes can exceed int32; the contract's gap needs H·W·qmax < 2^31");
                    CheckClamp(gap.Lo, gap.Hi, output!, bad);
                    CheckMultiplier(gap.Multiplier, QuantContract.PoolMultiplier(tensors[gap.InputId].Scale, (long)inShape.Height * inShape.Width, output!.Scale), "multiplier", bad);
                    break;
                case (PlanOp.Classifier, QLinearLayer fc):
                    CheckClassifier(fc, node, plan, tensors[fc.InputId], bad);
                    break;
                default:
                    throw bad($"is a {layer.GetType().Name}; the spec deploys this node as a {expected.Op} layer");
            }
        }
    }

    private static void ValidateTensors(IReadOnlyList<QuantTensorInfo> tensors, QuantPlan plan, Func<string, GhnQatException> fail)
    {
        if (tensors.Count != plan.Tensors.Count)
            throw fail($"has {tensors.Count} quantized tensors; its spec deploys with {plan.Tensors.Count}");
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw fail($"tensor {i} is null");
            var e = plan.Tensors[i];
            string what = $"tensor {i} '{t.Id}'";
            if (t.Id != e.Id || t.Shape != e.Shape)
                throw fail($"{what} {t.Shape}: expected '{e.Id}' {e.Shape}");
            if (t.Bits != e.Bits || t.IsSigned != e.IsSigned)
                throw fail($"{what} is {Kind(t.Bits, t.IsSigned)}; the scheme {plan.Scheme.Name} makes it {Kind(e.Bits, e.IsSigned)}");
            if (t.Lo != QuantContract.QMin(t.Bits, t.IsSigned) || t.Hi != QuantContract.QMax(t.Bits, t.IsSigned))
                throw fail($"{what} has code range [{t.Lo}, {t.Hi}]; {Kind(t.Bits, t.IsSigned)} is [{QuantContract.QMin(t.Bits, t.IsSigned)}, {QuantContract.QMax(t.Bits, t.IsSigned)}]");
            if (!float.IsNormal(t.Scale) || t.Scale < 0)
                throw fail($"{what} has scale {t.Scale}; a scale is a positive normal float32");
            if (e.ScaleSource != e.Id && scales[e.ScaleSource] != t.Scale)
                throw fail($"{what} has scale {t.Scale}; a pool output keeps its input's scale {scales[e.ScaleSource]}");
            scales[t.Id] = t.Scale;
        }
    }

    private static void CheckConv(QConvLayer conv, ArchNode node, PlanLayer expected, QuantPlan plan, QuantTensorInfo input,
        QuantTensorInfo output, Func<string, GhnQatException> bad)
    {
        var (k, stride, dilation, groups) = QLayerFactory.ConvShape(plan, expected);
        if (conv.OutChannels != node.Out || conv.InChannels != input.Shape.Channels || conv.Kernel != k || conv.Stride != stride
            || conv.Dilation != dilation || conv.Groups != groups || conv.Padding != dilation * (k - 1) / 2)
            throw bad($"geometry out {conv.OutChannels} in {conv.InChannels} k {conv.Kernel} stride {conv.Stride} pad {conv.Padding} " +
                      $"dilation {conv.Dilation} groups {conv.Groups} does not match the spec (out {node.Out} in {input.Shape.Channels} " +
                      $"k {k} stride {stride} pad {dilation * (k - 1) / 2} dilation {dilation} groups {groups})");
        string? bn = expected.BatchNorm is int b ? plan.Spec.Nodes[b].Id : null;
        if (conv.FoldedBatchNorm != bn) throw bad($"folded BN '{conv.FoldedBatchNorm}' does not match the spec ('{bn}')");
        if (conv.Activation != QLayerFactory.Activation(plan, expected)) throw bad($"activation {conv.Activation} does not match the spec");
        int weightBits = QLayerFactory.WeightBits(plan, expected);
        long reduction = (long)(conv.InChannels / groups) * k * k;
        CheckWeights(conv.WeightBits, weightBits, conv.Weights, conv.OutChannels, reduction, bad);
        CheckClamp(conv.Lo, conv.Hi, output, bad);
        long bound = QuantContract.AccumulatorBound(reduction, input.Bits, input.IsSigned, weightBits);
        CheckChannels(conv.Bias, conv.Multipliers, conv.WeightScales, conv.OutChannels, bound, bad,
            sw => QuantContract.ConvMultiplier(input.Scale, sw, output.Scale));
    }

    private static void CheckClassifier(QLinearLayer fc, ArchNode node, QuantPlan plan, QuantTensorInfo input, Func<string, GhnQatException> bad)
    {
        if (fc.OutFeatures != node.Out || fc.InFeatures != input.Shape.Channels)
            throw bad($"is {fc.OutFeatures}×{fc.InFeatures}; the spec's classifier is {node.Out}×{input.Shape.Channels}");
        CheckWeights(fc.WeightBits, plan.Scheme.ClassifierBits, fc.Weights, fc.OutFeatures, fc.InFeatures, bad);
        long bound = QuantContract.AccumulatorBound(fc.InFeatures, input.Bits, input.IsSigned, fc.WeightBits);
        CheckChannels(fc.Bias, fc.Multipliers, fc.WeightScales, fc.OutFeatures, bound, bad,
            sw => QuantContract.ClassifierMultiplier(input.Scale, sw));
        if (!node.Bias && fc.Bias.Any(b => b != 0)) throw bad("has a nonzero bias, but the spec's classifier has none");
    }

    private static void CheckWeights(int bits, int expectedBits, ImmutableArray<sbyte> weights, int rows, long rowLength,
        Func<string, GhnQatException> bad)
    {
        if (bits != expectedBits) throw bad($"weights are {bits}-bit; the scheme makes them {expectedBits}-bit");
        CheckLength(weights.IsDefault ? -1 : weights.Length, rows * rowLength, "weight codes", bad);
        int qmax = QuantContract.QMax(bits, true);
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] < -qmax || weights[i] > qmax)
                throw bad($"weight code {weights[i]} at {i} is outside the {bits}-bit narrow range [{-qmax}, {qmax}]");
        }
    }

    private static void CheckChannels(ImmutableArray<float> bias, ImmutableArray<float> multipliers, ImmutableArray<float> scales,
        int channels, long accumulatorBound, Func<string, GhnQatException> bad, Func<float, float> multiplierOf)
    {
        if (accumulatorBound > int.MaxValue)
            throw bad($"its accumulator can reach {accumulatorBound}, beyond int32; the layer is too large for the contract");
        CheckLength(bias.IsDefault ? -1 : bias.Length, channels, "biases", bad);
        CheckLength(multipliers.IsDefault ? -1 : multipliers.Length, channels, "multipliers", bad);
        CheckLength(scales.IsDefault ? -1 : scales.Length, channels, "weight scales", bad);
        for (int c = 0; c < channels; c++)
        {
            if (!float.IsNormal(scales[c]) || scales[c] < 0)
                throw bad($"weight scale {scales[c]} of channel {c} is not a positive normal float32");
            CheckMultiplier(multipliers[c], multiplierOf(scales[c]), $"multiplier of channel {c}", bad);
            if (!float.IsFinite(bias[c]))
                throw bad($"bias {bias[c]} of channel {c} is not a finite float32");
        }
    }

    private static void CheckWindow(int kernel, int stride, int padding, ArchNode node, Func<string, GhnQatException> bad)
    {
        if (kernel != node.Kernel || stride != node.Stride || padding != (node.Kernel - 1) / 2)
            throw bad($"window k {kernel} stride {stride} pad {padding}; the spec has k {node.Kernel} stride {node.Stride} pad {(node.Kernel - 1) / 2}");
    }

    private static void CheckClamp(int lo, int hi, QuantTensorInfo output, Func<string, GhnQatException> bad)
    {
        if (lo != output.Lo || hi != output.Hi)
            throw bad($"clamp [{lo}, {hi}] differs from its output tensor's code range [{output.Lo}, {output.Hi}]");
    }

    // Multipliers are functions of the stored scales; requiring bit equality catches a file whose parts disagree.
    private static void CheckMultiplier(float actual, float expected, string what, Func<string, GhnQatException> bad)
    {
        if (BitConverter.SingleToInt32Bits(actual) != BitConverter.SingleToInt32Bits(expected) || !float.IsNormal(expected))
            throw bad($"{what} is {actual:R}; the contract gives {expected:R} from the stored scales (a positive normal float32)");
    }

    private static void CheckLength(long actual, long expected, string what, Func<string, GhnQatException> bad)
    {
        if (actual != expected) throw bad($"has {(actual < 0 ? "no" : actual.ToString(System.Globalization.CultureInfo.InvariantCulture))} {what}; expected {expected}");
    }

    private static string Kind(int bits, bool isSigned) => $"{(isSigned ? "signed" : "unsigned")} {bits}-bit";
}
