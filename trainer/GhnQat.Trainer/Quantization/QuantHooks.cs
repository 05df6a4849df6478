// Turns a deployment QuantPlan into TargetNetOptions hooks, so QAT quantizes exactly the tensors the runtime does.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.TargetNets;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Quantization;

/// <summary>
/// Fake quantization of a functional target net per <see cref="QuantPlan"/> (docs/quantization.md §3, §7): the
/// weights of every conv, hidden linear and the classifier (FirstLayerBits for convs reading the image,
/// ClassifierBits for the classifier, WeightBits otherwise — the runtime's rule), and every planned tensor with
/// its width and signedness; pools reuse the range of the tensor they read (<see cref="PlanTensor.ScaleSource"/>).
/// Biases and BN stay float: BN normalizes with batch statistics (GHN-2 protocol), and the weights it follows are
/// quantized before it, which gives the deployed codes because per-channel symmetric scaling is invariant to the
/// positive per-channel BN fold.
/// </summary>
public static class QuantHooks
{
    /// <summary>Weight width per parameter name ("&lt;node&gt;.weight") of the layers that have weights.</summary>
    public static Dictionary<string, int> WeightBits(QuantPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var bits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in plan.Layers)
        {
            if (layer.Op is not (PlanOp.Conv or PlanOp.Classifier)) continue;
            // Same rule as the runtime's QLayerFactory.WeightBits (internal there); a test compares them.
            int b = layer.Op == PlanOp.Classifier ? plan.Scheme.ClassifierBits
                : layer.InputIds[0] == ArchNode.InputId ? plan.Scheme.FirstLayerBits
                : plan.Scheme.WeightBits;
            bits[plan.Spec.Nodes[layer.NodeIndex].Id + ".weight"] = b;
        }
        return bits;
    }

    /// <summary>
    /// Options whose hooks quantize per <paramref name="plan"/>. <paramref name="training"/> false = real
    /// quantization (rounding) whatever the mode. Ranges are this batch's statistic unless fixed: one options
    /// object serves one forward pass at a time.
    /// </summary>
    /// <param name="plan">The deployment plan of the net.</param>
    /// <param name="mode">SimQuant or NoiseQuant (None: no quantization).</param>
    /// <param name="training">False: real quantization whatever the mode.</param>
    /// <param name="noise">Seeds NoiseQuant's noise.</param>
    /// <param name="bnStatistics">Frozen BN statistics by BN id; null = batch statistics.</param>
    /// <param name="fixedRanges">Ranges by tensor id (e.g. calibrated); null = each batch's statistic.</param>
    public static TargetNetOptions Create(QuantPlan plan, QuantMode mode, bool training, Generator? noise = null,
        IReadOnlyDictionary<string, (Tensor Mean, Tensor Var)>? bnStatistics = null, IReadOnlyDictionary<string, float>? fixedRanges = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (mode == QuantMode.None) return new TargetNetOptions { BnStatistics = bnStatistics };
        var weightBits = WeightBits(plan);
        // Range per tensor id of the current forward pass; a pool reads its source's entry, written earlier in
        // topological order of the same pass.
        var ranges = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        return new TargetNetOptions
        {
            BnStatistics = bnStatistics,
            Weight = (name, w) => weightBits.TryGetValue(name, out int b) ? FakeQuant.Weight(w, b, mode, training, noise) : w,
            Activation = (id, x, _) =>
            {
                var t = plan.Tensor(id);
                Tensor? fixedRange = fixedRanges is not null ? tensor(fixedRanges[t.ScaleSource], device: x.device)
                    : t.ScaleSource == t.Id ? null : ranges[t.ScaleSource];
                var y = FakeQuant.Activation(x, t.Bits, t.IsSigned, mode, training, out var used, fixedRange, noise);
                ranges[id] = used;
                return y;
            },
        };
    }
}
