// Float network + calibration + scheme → QuantizedNetwork: BN folding, weight codes and scales, activation scales,
// multipliers and int32 biases, exactly as docs/quantization.md writes them.
using System.Collections.Immutable;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Builds the integer network. Host arithmetic is double, rounded once to the stored type; the result is
/// re-validated by <see cref="QuantizedNetwork"/>'s constructor (multipliers recomputed, bounds checked).
/// </summary>
public static class Quantizer
{
    /// <summary>Quantizes <paramref name="network"/> with its <paramref name="calibration"/> under <paramref name="scheme"/>.</summary>
    /// <exception cref="GhnQatException">InvalidArchSpec for a net that cannot be deployed (naming the node);
    /// InvalidArgument for missing or non-finite calibration values, or a layer whose scales or accumulator do
    /// not fit the contract.</exception>
    public static QuantizedNetwork Quantize(FloatNetwork network, CalibrationResult calibration, QuantScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(scheme);
        var spec = network.Spec;
        var plan = QuantPlan.Build(spec, scheme);
        var tensors = new List<QuantTensorInfo>(plan.Tensors.Count);
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var t in plan.Tensors)
        {
            // A fused ReLU6 is realized by the clamp at qmax, which is exact only when the range is at most 6
            // (always so for calibrated ranges; enforced for hand-made ones).
            bool relu6 = t.Producer >= 0 && QLayerFactory.Activation(plan, plan.Layers[t.Producer]) == QActivation.Relu6;
            float scale = t.ScaleSource != t.Id
                ? scales[t.ScaleSource]
                : QuantContract.ActivationScale(relu6 ? Math.Min(Range(calibration, spec, t.Id), 6.0) : Range(calibration, spec, t.Id),
                    t.Bits, t.IsSigned);
            scales[t.Id] = scale;
            tensors.Add(new QuantTensorInfo
            {
                Id = t.Id, Shape = t.Shape, Bits = t.Bits, IsSigned = t.IsSigned, Scale = scale,
                Lo = QuantContract.QMin(t.Bits, t.IsSigned), Hi = QuantContract.QMax(t.Bits, t.IsSigned),
            });
        }
        var byId = tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var layers = new List<QLayer>(plan.Layers.Count);
        foreach (var step in plan.Layers)
        {
            var node = spec.Nodes[step.NodeIndex];
            var input = byId[step.InputIds[0]];
            var output = step.Op == PlanOp.Classifier ? null : byId[step.OutputId];
            layers.Add(step.Op switch
            {
                PlanOp.Conv => QLayerFactory.Conv(plan, step, input, output!, Weights(network, calibration, plan, step, input,
                    sw => QuantContract.ConvMultiplier(input.Scale, sw, output!.Scale), b => QuantContract.ConvBias(b, output!.Scale))),
                PlanOp.Classifier => QLayerFactory.Classifier(plan, step, input, Weights(network, calibration, plan, step, input,
                    sw => QuantContract.ClassifierMultiplier(input.Scale, sw), QuantContract.ClassifierBias)),
                PlanOp.Add => QLayerFactory.Add(plan, step, output!,
                    [.. step.InputIds.Select(id => QuantContract.AddMultiplier(byId[id].Scale, output!.Scale))]),
                PlanOp.MaxPool => QLayerFactory.MaxPool(plan, step),
                PlanOp.AvgPool => QLayerFactory.AvgPool(plan, step, output!,
                    QuantContract.PoolMultiplier(input.Scale, (long)node.Kernel * node.Kernel, output!.Scale)),
                _ => QLayerFactory.GlobalAvgPool(plan, step, output!,
                    QuantContract.PoolMultiplier(input.Scale, (long)input.Shape.Height * input.Shape.Width, output!.Scale)),
            });
        }
        return new QuantizedNetwork(spec, scheme, tensors, layers);
    }

    /// <summary>
    /// <paramref name="network"/> with every conv and linear weight replaced by its quantized value under
    /// <paramref name="scheme"/> (per output channel, narrow symmetric, scale max|w|/qmax, round half to even, as
    /// <see cref="Quantize"/> does): the weights the deployed net really multiplies with, before BN folding.
    /// Per-channel quantization commutes with folding BN's per-channel factor, so calibrating this network gives
    /// the BN statistics and activation ranges of the deployed net (docs/quantization.md §4).
    /// </summary>
    public static FloatNetwork WithQuantizedWeights(FloatNetwork network, QuantScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scheme);
        var plan = QuantPlan.Build(network.Spec, scheme);
        var tensors = network.Parameters.ToDictionary(p => p.Name, p => network.Tensor(p.Name).ToArray(), StringComparer.Ordinal);
        foreach (var step in plan.Layers.Where(l => l.Op is PlanOp.Conv or PlanOp.Classifier))
        {
            var node = network.Spec.Nodes[step.NodeIndex];
            int bits = QLayerFactory.WeightBits(plan, step);
            var w = tensors[node.Id + ".weight"];
            int row = w.Length / node.Out;
            for (int c = 0; c < node.Out; c++)
            {
                var r = w.AsSpan(c * row, row);
                double maxAbs = 0;
                foreach (float v in r) maxAbs = Math.Max(maxAbs, Math.Abs((double)v));
                float scale = QuantContract.WeightScale(maxAbs, bits);
                for (int i = 0; i < row; i++) r[i] = (float)(QuantContract.WeightCode(r[i], scale, bits) * (double)scale);
            }
        }
        return new FloatNetwork(network.Spec, tensors);
    }

    private static WeightData Weights(FloatNetwork network, CalibrationResult calibration, QuantPlan plan, PlanLayer step,
        QuantTensorInfo input, Func<float, float> multiplierOf, Func<double, float> biasOf)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        var (weights, bias) = FoldedParameters(network, calibration, plan.Spec, node, step.BatchNorm);
        return QuantizeRows(node, weights, bias, node.Out, QLayerFactory.WeightBits(plan, step), input, multiplierOf, biasOf);
    }

    // w' = w·a_c and b' = (b − μ_c)·a_c + β_c with a_c = γ_c/√(var_c + 1e-5), all in double; no BN: w' = w, b' = b.
    private static (double[] Weights, double[] Bias) FoldedParameters(FloatNetwork network, CalibrationResult calibration,
        ArchSpec spec, ArchNode node, int? batchNorm)
    {
        var w = ToDouble(network.Tensor(node.Id + ".weight"));
        var b = node.Bias ? ToDouble(network.Tensor(node.Id + ".bias")) : new double[node.Out];
        if (batchNorm is not int bnIndex) return (w, b);
        var bn = spec.Nodes[bnIndex];
        if (!calibration.BatchNorm.TryGetValue(bn.Id, out var stats) || stats.Channels != node.Out)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"network '{spec.Name}': calibration has no statistics for BN '{bn.Id}' ({node.Out} channels)");
        var gamma = network.Tensor(bn.Id + ".weight");
        var beta = network.Tensor(bn.Id + ".bias");
        int row = w.Length / node.Out;
        for (int c = 0; c < node.Out; c++)
        {
            double a = gamma[c] / Math.Sqrt(stats.Variance[c] + BatchNormStatistics.Epsilon);
            for (int i = 0; i < row; i++) w[(c * row) + i] *= a;
            b[c] = ((b[c] - stats.Mean[c]) * a) + beta[c];
        }
        return (w, b);
    }

    private static WeightData QuantizeRows(ArchNode node, double[] weights, double[] bias, int rows, int bits,
        QuantTensorInfo input, Func<float, float> multiplierOf, Func<double, float> biasOf)
    {
        int row = weights.Length / rows;
        long bound = QuantContract.AccumulatorBound(row, input.Bits, input.IsSigned, bits);
        if (bound > int.MaxValue)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"node '{node.Id}': {row} products of {input.Bits}-bit inputs and {bits}-bit weights can reach {bound}, beyond int32");
        var codes = new sbyte[weights.Length];
        var scales = new float[rows];
        var biases = new float[rows];
        var multipliers = new float[rows];
        for (int c = 0; c < rows; c++)
        {
            var w = weights.AsSpan(c * row, row);
            double maxAbs = 0;
            foreach (double v in w) maxAbs = Math.Max(maxAbs, Math.Abs(v));
            if (maxAbs / QuantContract.QMax(bits, true) > float.MaxValue || !double.IsFinite(bias[c]))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"node '{node.Id}', channel {c}: folded weights (max |w| {maxAbs}) or bias ({bias[c]}) do not fit float32 scales");
            scales[c] = QuantContract.WeightScale(maxAbs, bits);
            for (int i = 0; i < row; i++) codes[(c * row) + i] = (sbyte)QuantContract.WeightCode(w[i], scales[c], bits);
            biases[c] = biasOf(bias[c]);
            multipliers[c] = multiplierOf(scales[c]);
            if (!float.IsFinite(biases[c]))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"node '{node.Id}', channel {c}: bias {bias[c]} in output units is {biases[c]}, not a finite float32 (output scale too small)");
            if (!float.IsNormal(multipliers[c]))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"node '{node.Id}', channel {c}: requant multiplier {multipliers[c]} is not a positive normal float32 (scales out of range)");
        }
        return new WeightData([.. codes], [.. biases], [.. multipliers], [.. scales]);
    }

    private static double Range(CalibrationResult calibration, ArchSpec spec, string id) =>
        calibration.Ranges.TryGetValue(id, out float r)
            ? r
            : throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"network '{spec.Name}': calibration has no range for tensor '{id}'");

    private static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
