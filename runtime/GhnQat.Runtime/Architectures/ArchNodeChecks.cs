// Per-node rules: attribute ranges, input counts, and shape/parameter/MAC inference.
namespace GhnQat.Runtime.Architectures;

/// <summary>The rules of each op, applied to one node at a time.</summary>
internal static class ArchNodeChecks
{
    public static void CheckAttributes(ArchNode node)
    {
        string id = node.Id;
        int inputs = node.Inputs.Count;
        if (node.Op == ArchOp.Add)
        {
            if (inputs < 2 || inputs > ArchLimits.MaxAddInputs)
                throw Error(id, $"add needs 2..{ArchLimits.MaxAddInputs} inputs, got {inputs}");
            if (node.Inputs.Distinct(StringComparer.Ordinal).Count() != inputs)
                throw Error(id, "add lists the same input twice; expected distinct inputs");
        }
        else if (inputs != 1)
        {
            throw Error(id, $"{ArchOps.Name(node.Op)} needs exactly 1 input, got {inputs}");
        }

        switch (node.Op)
        {
            case ArchOp.Conv:
                Range(id, "out", node.Out, 1, ArchLimits.MaxChannels);
                Range(id, "k", node.Kernel, 1, ArchLimits.MaxKernel);
                if (node.Kernel % 2 == 0)
                    throw Error(id, $"conv k must be odd so same padding dilation·(k−1)/2 keeps the size, got {node.Kernel}");
                Range(id, "stride", node.Stride, 1, ArchLimits.MaxStride);
                Range(id, "groups", node.Groups, 1, ArchLimits.MaxChannels);
                Range(id, "dilation", node.Dilation, 1, ArchLimits.MaxDilation);
                break;
            case ArchOp.MaxPool:
            case ArchOp.AvgPool:
                Range(id, "k", node.Kernel, 1, ArchLimits.MaxKernel);
                Range(id, "stride", node.Stride, 1, ArchLimits.MaxStride);
                break;
            case ArchOp.Linear:
                Range(id, "out", node.Out, 1, ArchLimits.MaxChannels);
                break;
            default:
                break;
        }
        CheckUnused(node);
    }

    // Attributes an op does not take must keep their defaults, so no value is silently dropped when saving.
    private static void CheckUnused(ArchNode node)
    {
        var used = ArchOps.Attributes(node.Op);
        void Unused(string name, bool isSet)
        {
            if (isSet && !used.Contains(name))
                throw Error(node.Id, $"{ArchOps.Name(node.Op)} takes no attribute '{name}' (allowed: {(used.Count == 0 ? "none" : string.Join(", ", used))})");
        }
        Unused("out", node.Out != 0);
        Unused("k", node.Kernel != 0);
        Unused("stride", node.Stride != 0);
        Unused("groups", node.Groups != 0);
        Unused("dilation", node.Dilation != 0);
        Unused("bias", node.Bias);
    }

    /// <summary>Output shape of <paramref name="node"/>; also its parameter count and multiply-accumulates per image.</summary>
    public static ActivationShape InferShape(ArchNode node, ActivationShape[] ins, string[] inNames, out long parameters, out long macs)
    {
        string id = node.Id;
        parameters = 0;
        macs = 0;
        var x = ins[0];
        switch (node.Op)
        {
            case ArchOp.Conv:
            {
                RequireImage(node, x, inNames[0]);
                int g = node.Groups;
                if (x.Channels % g != 0 || node.Out % g != 0)
                    throw Error(id, $"groups {g} must divide input channels {x.Channels} (from '{inNames[0]}') and out {node.Out}");
                // Same padding p = d·(k−1)/2 with odd k: out = floor((H − 1)/s) + 1, never 0.
                int h = (x.Height - 1) / node.Stride + 1, w = (x.Width - 1) / node.Stride + 1;
                long k2 = (long)node.Kernel * node.Kernel;
                parameters = node.Out * (x.Channels / g) * k2 + (node.Bias ? node.Out : 0);
                macs = checked(node.Out * (long)h * w * (x.Channels / g) * k2);
                return new ActivationShape(node.Out, h, w);
            }
            case ArchOp.BatchNorm:
                RequireImage(node, x, inNames[0]);
                parameters = 2L * x.Channels;
                return x;
            case ArchOp.Relu:
            case ArchOp.Relu6:
                return x;
            case ArchOp.Add:
                for (int j = 1; j < ins.Length; j++)
                {
                    if (ins[j] != x)
                        throw Error(id, $"add inputs must have one shape; '{inNames[0]}' is {x} but '{inNames[j]}' is {ins[j]}");
                }
                return x;
            case ArchOp.MaxPool:
            case ArchOp.AvgPool:
            {
                RequireImage(node, x, inNames[0]);
                int pad = (node.Kernel - 1) / 2;
                int h = (x.Height + 2 * pad - node.Kernel) / node.Stride + 1;
                int w = (x.Width + 2 * pad - node.Kernel) / node.Stride + 1;
                if (x.Height + 2 * pad < node.Kernel || x.Width + 2 * pad < node.Kernel)
                    throw Error(id, $"{ArchOps.Name(node.Op)} k={node.Kernel} on {x} from '{inNames[0]}' collapses the spatial size to 0; " +
                        $"expected k ≤ size + 2·{pad}");
                return new ActivationShape(x.Channels, h, w);
            }
            case ArchOp.GlobalAvgPool:
                RequireImage(node, x, inNames[0]);
                return new ActivationShape(x.Channels, 1, 1, IsVector: true);
            case ArchOp.Linear:
                if (!x.IsVector)
                    throw Error(id, $"linear needs a vector input (after gap), but '{inNames[0]}' gives {x}");
                parameters = (long)node.Out * x.Channels + (node.Bias ? node.Out : 0);
                macs = (long)node.Out * x.Channels;
                return new ActivationShape(node.Out, 1, 1, IsVector: true);
            default:
                throw Error(id, $"unknown op {node.Op}; expected one of {string.Join(", ", ArchOps.Names)}");
        }
    }

    private static void RequireImage(ArchNode node, ActivationShape x, string from)
    {
        if (x.IsVector)
            throw Error(node.Id, $"{ArchOps.Name(node.Op)} needs an image (C,H,W) input, but '{from}' gives the vector {x}");
    }

    private static void Range(string id, string attribute, int value, int min, int max)
    {
        if (value < min || value > max)
            throw Error(id, $"attribute '{attribute}' must be {min}..{max}, got {value}");
    }

    private static Errors.GhnQatException Error(string id, string what) => ArchSpecValidator.Error($"node '{id}': {what}");
}
