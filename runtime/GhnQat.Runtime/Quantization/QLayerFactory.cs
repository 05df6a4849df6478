// Builds QLayer records from a plan step: everything derivable from the spec and scheme (ids, geometry, widths,
// clamps, activation, folded BN) is filled in here, so the quantizer and the file reader cannot disagree on it.
using System.Collections.Immutable;
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Quantization;

/// <summary>Layer construction shared by <see cref="Quantizer"/> and <see cref="QuantizedNetworkFile"/>.</summary>
internal static class QLayerFactory
{
    /// <summary>Kernel, stride, dilation and groups of a conv step (a non-classifier linear is a 1×1 conv).</summary>
    public static (int Kernel, int Stride, int Dilation, int Groups) ConvShape(QuantPlan plan, PlanLayer step)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        return node.Op == ArchOp.Conv ? (node.Kernel, node.Stride, node.Dilation, node.Groups) : (1, 1, 1, 1);
    }

    /// <summary>Weight width: FirstLayerBits for convs reading the image, ClassifierBits for the classifier, else WeightBits.</summary>
    public static int WeightBits(QuantPlan plan, PlanLayer step) => step.Op == PlanOp.Classifier
        ? plan.Scheme.ClassifierBits
        : step.InputIds[0] == ArchNode.InputId ? plan.Scheme.FirstLayerBits : plan.Scheme.WeightBits;

    /// <summary>Weight codes per row (output channel or class): (in/groups)·k·k.</summary>
    public static int RowLength(QuantPlan plan, PlanLayer step, QuantTensorInfo input)
    {
        if (step.Op == PlanOp.Classifier) return input.Shape.Channels;
        var (k, _, _, groups) = ConvShape(plan, step);
        return input.Shape.Channels / groups * k * k;
    }

    public static QActivation Activation(QuantPlan plan, PlanLayer step) => step.Activation is int a
        ? plan.Spec.Nodes[a].Op == ArchOp.Relu6 ? QActivation.Relu6 : QActivation.Relu
        : QActivation.None;

    public static QConvLayer Conv(QuantPlan plan, PlanLayer step, QuantTensorInfo input, QuantTensorInfo output, WeightData data)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        var (k, stride, dilation, groups) = ConvShape(plan, step);
        return new QConvLayer
        {
            Name = node.Id, InputId = input.Id, OutputId = step.OutputId, OutChannels = node.Out,
            InChannels = input.Shape.Channels, Kernel = k, Stride = stride, Padding = dilation * (k - 1) / 2,
            Dilation = dilation, Groups = groups, WeightBits = WeightBits(plan, step), Weights = data.Codes,
            Bias = data.Bias, Multipliers = data.Multipliers, WeightScales = data.Scales, Lo = output.Lo, Hi = output.Hi,
            Activation = Activation(plan, step), FoldedBatchNorm = step.BatchNorm is int b ? plan.Spec.Nodes[b].Id : null,
        };
    }

    public static QLinearLayer Classifier(QuantPlan plan, PlanLayer step, QuantTensorInfo input, WeightData data)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        return new QLinearLayer
        {
            Name = node.Id, InputId = input.Id, OutputId = step.OutputId, OutFeatures = node.Out,
            InFeatures = input.Shape.Channels, WeightBits = WeightBits(plan, step), Weights = data.Codes, Bias = data.Bias,
            Multipliers = data.Multipliers, WeightScales = data.Scales,
        };
    }

    public static QAddLayer Add(QuantPlan plan, PlanLayer step, QuantTensorInfo output, ImmutableArray<float> multipliers) => new()
    {
        Name = plan.Spec.Nodes[step.NodeIndex].Id, Inputs = [.. step.InputIds], OutputId = step.OutputId,
        Multipliers = multipliers, Lo = output.Lo, Hi = output.Hi, Activation = Activation(plan, step),
    };

    public static QMaxPoolLayer MaxPool(QuantPlan plan, PlanLayer step)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        return new QMaxPoolLayer
        {
            Name = node.Id, InputId = step.InputIds[0], OutputId = step.OutputId, Kernel = node.Kernel,
            Stride = node.Stride, Padding = (node.Kernel - 1) / 2,
        };
    }

    public static QAvgPoolLayer AvgPool(QuantPlan plan, PlanLayer step, QuantTensorInfo output, float multiplier)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        return new QAvgPoolLayer
        {
            Name = node.Id, InputId = step.InputIds[0], OutputId = step.OutputId, Kernel = node.Kernel,
            Stride = node.Stride, Padding = (node.Kernel - 1) / 2, Multiplier = multiplier, Lo = output.Lo, Hi = output.Hi,
        };
    }

    public static QGlobalAvgPoolLayer GlobalAvgPool(QuantPlan plan, PlanLayer step, QuantTensorInfo output, float multiplier) => new()
    {
        Name = plan.Spec.Nodes[step.NodeIndex].Id, InputId = step.InputIds[0], OutputId = step.OutputId,
        Multiplier = multiplier, Lo = output.Lo, Hi = output.Hi,
    };
}
