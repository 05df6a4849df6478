// Seeded random parameters for test nets: Kaiming-normal conv/linear weights, BN γ near 1, small biases and statistics.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Tests.Onnx;

/// <summary>Deterministic weights and BN statistics (SplitMix64, so independent of the .NET version).</summary>
internal static class TestWeights
{
    /// <summary>He-normal weights (std √(2/fan_in)), γ ~ U(0.5, 1.5), β and biases ~ U(−0.2, 0.2).</summary>
    public static FloatNetwork Kaiming(ArchSpec spec, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var p in ArchGraph.Build(spec, maxVirtualEdgeLength: 1).Parameters)
        {
            var values = new float[p.ElementCount];
            switch (p.Role)
            {
                case ParameterRole.ConvWeight or ParameterRole.LinearWeight or ParameterRole.ClassifierWeight:
                    int fanIn = p.Shape.Skip(1).Aggregate(1, (a, d) => a * d);
                    double std = Math.Sqrt(2.0 / fanIn);
                    for (int i = 0; i < values.Length; i++) values[i] = (float)(Normal(rng) * std);
                    break;
                case ParameterRole.BnGamma:
                    for (int i = 0; i < values.Length; i++) values[i] = (float)(0.5 + Uniform(rng));
                    break;
                default:
                    for (int i = 0; i < values.Length; i++) values[i] = (float)(0.4 * Uniform(rng) - 0.2);
                    break;
            }
            tensors[p.Name] = values;
        }
        return new FloatNetwork(spec, tensors);
    }

    /// <summary>Statistics for every BN node: mean ~ U(−0.5, 0.5), variance ~ U(0.25, 2).</summary>
    public static Dictionary<string, BatchNormStatistics> BatchNormStatistics(ArchSpec spec, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var stats = new Dictionary<string, BatchNormStatistics>(StringComparer.Ordinal);
        foreach (var node in spec.Nodes.Where(n => n.Op == ArchOp.BatchNorm))
        {
            int c = spec.ShapeOf(node.Id).Channels;
            var mean = new float[c];
            var variance = new float[c];
            for (int i = 0; i < c; i++)
            {
                mean[i] = (float)(Uniform(rng) - 0.5);
                variance[i] = (float)(0.25 + 1.75 * Uniform(rng));
            }
            stats[node.Id] = new BatchNormStatistics(mean, variance);
        }
        return stats;
    }

    /// <summary>Images with values ~ U(−1, 1) (roughly a normalized image's range).</summary>
    public static float[] Images(ArchSpec spec, int batch, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var x = new float[batch * spec.Input.ElementCount];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(2 * Uniform(rng) - 1);
        return x;
    }

    public static double Uniform(SplitMix64 rng) => (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static double Normal(SplitMix64 rng)
    {
        // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
        double u = 1 - Uniform(rng), v = Uniform(rng);
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
