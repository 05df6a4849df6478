// Random float networks for tests and the "random init" baseline: He-normal (fan-in) weights from a seeded stream.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Runtime.Networks;

/// <summary>
/// Kaiming/He normal initialization (fan-in, gain √2, as PyTorch's <c>kaiming_normal_(mode="fan_in",
/// nonlinearity="relu")</c>): conv and linear weights ~ N(0, 2/fan_in) with fan_in = (in/groups)·k·k or in;
/// BN γ = 1, β = 0; every bias 0. Deterministic: SplitMix64(seed) + Box–Muller in double, parameters drawn in
/// ArchGraph order, so the same spec and seed give the same network (up to the last ulp of the platform's log/cos).
/// </summary>
public static class KaimingInitializer
{
    /// <summary>A float network with freshly drawn weights for <paramref name="spec"/>.</summary>
    public static FloatNetwork Create(ArchSpec spec, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parameters = ArchGraph.Build(spec, maxVirtualEdgeLength: 1).Parameters;
        var tensors = new Dictionary<string, float[]>(parameters.Count, StringComparer.Ordinal);
        var rng = new SplitMix64(seed);
        foreach (var p in parameters)
        {
            var values = new float[p.ElementCount];
            switch (p.Role)
            {
                case ParameterRole.ConvWeight or ParameterRole.LinearWeight or ParameterRole.ClassifierWeight:
                    // Shape (out, in/groups, k, k) or (out, in): fan-in is everything but the first axis.
                    double std = Math.Sqrt(2.0 / (p.ElementCount / p.Shape[0]));
                    for (int i = 0; i < values.Length; i++) values[i] = (float)(std * StandardNormal(rng));
                    break;
                case ParameterRole.BnGamma:
                    Array.Fill(values, 1f);
                    break;
            }
            tensors[p.Name] = values;
        }
        return new FloatNetwork(spec, tensors, $"kaiming(seed {seed})");
    }

    // Box–Muller with u1 in (0, 1], so the logarithm is finite; one normal per call keeps the stream simple.
    private static double StandardNormal(SplitMix64 rng)
    {
        double u1 = ((rng.NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));
        double u2 = (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
