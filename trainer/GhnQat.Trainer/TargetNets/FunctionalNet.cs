// The CNN of an ArchSpec evaluated with a dictionary of (predicted) tensors, so gradients reach the GHN.
using GhnQat.Runtime.Architectures;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GhnQat.Trainer.TargetNets;

/// <summary>
/// Functional forward of an ArchSpec (docs/architectures.md semantics): conv with same padding d·(k−1)/2 and groups,
/// BN (eps 1e-5), ReLU, ReLU6, add, max/avg pooling with padding (k−1)/2 (avg counts padded cells), global average
/// pooling, linear. No module state: every tensor comes from the dictionary.
/// </summary>
public static class FunctionalNet
{
    /// <summary>BN epsilon, as PyTorch's default.</summary>
    public const double BnEps = 1e-5;

    /// <summary>
    /// Logits (batch, classes) of <paramref name="spec"/> on images (batch, C, H, W) with parameters
    /// <paramref name="p"/> keyed "&lt;node&gt;.weight" / "&lt;node&gt;.bias".
    /// </summary>
    public static Tensor Forward(ArchSpec spec, IReadOnlyDictionary<string, Tensor> p, Tensor images,
        TargetNetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(images);
        var o = options ?? TargetNetOptions.BatchStatistics;
        var unsigned = NonNegative(spec);
        var values = new Dictionary<string, Tensor>(spec.Nodes.Count + 1, StringComparer.Ordinal)
        {
            [ArchNode.InputId] = o.Activation is null ? images : o.Activation(ArchNode.InputId, images, false),
        };
        Tensor W(string name) => o.Weight is null ? p[name] : o.Weight(name, p[name]);
        Tensor? B(ArchNode n) => n.Bias ? W(n.Id + ".bias") : null;
        Tensor last = images;
        for (int i = 0; i < spec.Nodes.Count; i++)
        {
            var n = spec.Nodes[i];
            var x = values[n.Inputs[0]];
            Tensor y = n.Op switch
            {
                ArchOp.Conv => F.conv2d(x, W(n.Id + ".weight"), B(n), strides: [n.Stride, n.Stride],
                    padding: [n.Dilation * (n.Kernel - 1) / 2, n.Dilation * (n.Kernel - 1) / 2],
                    dilation: [n.Dilation, n.Dilation], groups: n.Groups),
                ArchOp.BatchNorm => BatchNorm(n.Id, x, W(n.Id + ".weight"), W(n.Id + ".bias"), o),
                ArchOp.Relu => F.relu(x),
                ArchOp.Relu6 => F.relu6(x),
                ArchOp.Add => n.Inputs.Skip(1).Aggregate(x, (acc, id) => HeldScalars.Plus(acc, values[id])),
                ArchOp.MaxPool => F.max_pool2d(x, [n.Kernel, n.Kernel], [n.Stride, n.Stride], [(n.Kernel - 1) / 2, (n.Kernel - 1) / 2]),
                ArchOp.AvgPool => F.avg_pool2d(x, [n.Kernel, n.Kernel], [n.Stride, n.Stride], [(n.Kernel - 1) / 2, (n.Kernel - 1) / 2],
                    ceil_mode: false, count_include_pad: true),
                ArchOp.GlobalAvgPool => x.mean([2, 3]),
                ArchOp.Linear => F.linear(x, W(n.Id + ".weight"), B(n)),
                _ => throw new NotSupportedException($"op {n.Op} of node '{n.Id}'"),
            };
            if (o.Activation is not null && i < spec.Nodes.Count - 1 && IsQuantPoint(spec, i))
                y = o.Activation(n.Id, y, unsigned[i]);
            values[n.Id] = y;
            last = y;
        }
        return last;
    }

    private static Tensor BatchNorm(string id, Tensor x, Tensor gamma, Tensor beta, TargetNetOptions o)
    {
        o.ObserveBnInput?.Invoke(id, x);
        if (o.BnStatistics is not null && o.BnStatistics.TryGetValue(id, out var stats))
            return F.batch_norm(x, stats.Mean, stats.Var, gamma, beta, training: false, momentum: 0, eps: BnEps);
        return F.batch_norm(x, null, null, gamma, beta, training: true, momentum: 0, eps: BnEps);
    }

    /// <summary>
    /// Whether node <paramref name="index"/>'s output is a stored (quantized) activation in deployment: the end of
    /// a fused group. A conv followed only by its BN, or a conv/BN/add followed only by an activation, is fused
    /// into its consumer (design §4).
    /// </summary>
    public static bool IsQuantPoint(ArchSpec spec, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var n = spec.Nodes[index];
        var consumers = Consumers(spec, n.Id);
        if (consumers.Count != 1) return true;
        var next = spec.Node(consumers[0]);
        return !(n.Op switch
        {
            ArchOp.Conv or ArchOp.Linear => next.Op is ArchOp.BatchNorm or ArchOp.Relu or ArchOp.Relu6,
            ArchOp.BatchNorm or ArchOp.Add => next.Op is ArchOp.Relu or ArchOp.Relu6,
            _ => false,
        });
    }

    /// <summary>Per node: whether its output is non-negative by construction (ReLU, ReLU6, pools/adds of such).</summary>
    public static bool[] NonNegative(ArchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = new bool[spec.Nodes.Count];
        for (int i = 0; i < spec.Nodes.Count; i++)
        {
            var n = spec.Nodes[i];
            bool InputNonNegative(string id) => id != ArchNode.InputId && result[spec.IndexOf(id)];
            result[i] = n.Op switch
            {
                ArchOp.Relu or ArchOp.Relu6 => true,
                ArchOp.MaxPool or ArchOp.AvgPool or ArchOp.GlobalAvgPool or ArchOp.Add => n.Inputs.All(InputNonNegative),
                _ => false,
            };
        }
        return result;
    }

    private static List<string> Consumers(ArchSpec spec, string id) =>
        spec.Nodes.Where(m => m.Inputs.Contains(id, StringComparer.Ordinal)).Select(m => m.Id).ToList();
}
