// Helpers for tests that need float networks with chosen weights and seeded synthetic images.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Tests.Networks;

/// <summary>Builds float networks and image batches for the executor, calibration and quantizer tests.</summary>
internal static class TestFloatNets
{
    /// <summary>A network whose tensors come from <paramref name="values"/> (called once per parameter, in graph order).</summary>
    public static FloatNetwork With(ArchSpec spec, Func<ParameterTensor, float[]> values)
    {
        var parameters = ArchGraph.Build(spec, maxVirtualEdgeLength: 1).Parameters;
        return new FloatNetwork(spec, parameters.ToDictionary(p => p.Name, values));
    }

    /// <summary>Every tensor filled with <paramref name="fill"/>, except those named in <paramref name="overrides"/>.</summary>
    public static FloatNetwork Filled(ArchSpec spec, float fill, IReadOnlyDictionary<string, float[]>? overrides = null) =>
        With(spec, p => overrides is not null && overrides.TryGetValue(p.Name, out var v) ? v : Enumerable.Repeat(fill, (int)p.ElementCount).ToArray());

    /// <summary>Kaiming weights with BN γ, β and every bias drawn too, so folding and biases are exercised.</summary>
    public static FloatNetwork RandomWithBiases(ArchSpec spec, int seed)
    {
        var kaiming = KaimingInitializer.Create(spec, (ulong)seed);
        var rng = new Random(seed);
        return With(spec, p => p.Role switch
        {
            ParameterRole.BnGamma => Uniform(rng, (int)p.ElementCount, 0.5, 1.5),
            ParameterRole.BnBeta or ParameterRole.Bias or ParameterRole.ClassifierBias => Uniform(rng, (int)p.ElementCount, -0.3, 0.3),
            _ => kaiming.Tensor(p.Name).ToArray(),
        });
    }

    /// <summary>
    /// Seeded images that look like normalized Fashion-MNIST: a bright blob of random size and position on a dark
    /// background, plus noise, mapped to the dataset's normalization ((v − 0.286)/0.353).
    /// </summary>
    public static float[] Images(ActivationShape shape, int count, int seed)
    {
        var rng = new Random(seed);
        var images = new float[count * shape.ElementCount];
        int i = 0;
        for (int n = 0; n < count; n++)
        {
            double cy = rng.NextDouble() * shape.Height, cx = rng.NextDouble() * shape.Width;
            double ry = 2 + (rng.NextDouble() * shape.Height / 2), rx = 2 + (rng.NextDouble() * shape.Width / 2);
            double level = 0.4 + (0.6 * rng.NextDouble());
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int y = 0; y < shape.Height; y++)
                {
                    for (int x = 0; x < shape.Width; x++)
                    {
                        double d = (((y - cy) / ry) * ((y - cy) / ry)) + (((x - cx) / rx) * ((x - cx) / rx));
                        double v = Math.Clamp((d < 1 ? level : 0) + (0.1 * rng.NextDouble()), 0, 1);
                        images[i++] = (float)((v - 0.286) / 0.353);
                    }
                }
            }
        }
        return images;
    }

    /// <summary>Uniform floats in [lo, hi).</summary>
    public static float[] Uniform(Random rng, int count, double lo, double hi) =>
        Enumerable.Range(0, count).Select(_ => (float)(lo + ((hi - lo) * rng.NextDouble()))).ToArray();
}
