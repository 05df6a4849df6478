// The fast C# GHN against the plain double-precision reference, over configs the golden files do not cover.
using System.Globalization;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Hypernet;

namespace GhnQat.Runtime.Tests.Hypernet;

[TestFixture]
public sealed class GhnReferenceTests
{
    private const double Tolerance = 1e-4;

    // Odd sizes on purpose: MaxIn and D not multiples of the SIMD width, kernels larger than K, no virtual edges.
    private static IEnumerable<TestCaseData> Configs()
    {
        yield return new TestCaseData(new GhnConfig { Hidden = 12, MaxOut = 12, MaxIn = 12, DecoderKernel = 3, DecoderChannels = 8, DecoderHidden = 20 }, 11UL)
            .SetName("Predict_PaddedPanelsAndCroppedKernels_MatchesReference");
        yield return new TestCaseData(new GhnConfig { Hidden = 8, MaxOut = 16, MaxIn = 16, DecoderKernel = 3, DecoderChannels = 12, DecoderHidden = 16, MaxVirtualEdge = 1, LayerNorm = false, WeightNormalization = false }, 12UL)
            .SetName("Predict_NoVirtualEdgesNoLayerNormNoNormalization_MatchesReference");
        yield return new TestCaseData(new GhnConfig { Hidden = 16, MaxOut = 24, MaxIn = 40, DecoderKernel = 5, DecoderChannels = 16, DecoderHidden = 24, MaxVirtualEdge = 3 }, 13UL)
            .SetName("Predict_ShortVirtualEdgesUnequalMaxima_MatchesReference");
    }

    [TestCaseSource(nameof(Configs))]
    public void Predict_Config_MatchesReference(GhnConfig config, ulong seed)
    {
        var files = GhnFiles.Random(config, seed);
        var ghn = files.Load();
        var reference = new ReferenceGhn(config, files.Tensors);
        // The two smallest nets of every split keep the O(edges·H²) reference fast.
        var nets = Enum.GetValues<ArchSplit>().SelectMany(s => ArchSpace.Sample(s, 6, seed).OrderBy(n => n.ParameterCount).Take(2));

        foreach (var spec in nets) AssertClose(ghn, reference, spec);
    }

    [Test]
    public void Predict_TinyTrainerGhn_MatchesReference()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        var ghn = files.Load();
        var reference = new ReferenceGhn(ghn.Config, files.Tensors);

        foreach (var spec in ArchSpace.Sample(ArchSplit.Dense, 3, 5)) AssertClose(ghn, reference, spec);
    }

    private static void AssertClose(Ghn ghn, ReferenceGhn reference, ArchSpec spec)
    {
        var expected = reference.Predict(ghn.BuildGraph(spec));
        var actual = ghn.Predict(spec);
        foreach (var p in actual.Parameters)
        {
            var e = expected[p.Name];
            var a = actual.Tensor(p.Name);
            double scale = e.Max(v => Math.Abs((double)v)), worst = 0;
            int at = 0;
            for (int i = 0; i < e.Length; i++)
            {
                if (Math.Abs(a[i] - e[i]) > worst) (worst, at) = (Math.Abs(a[i] - e[i]), i);
            }
            Assert.That(worst, Is.LessThanOrEqualTo(Tolerance * Math.Max(scale, 1e-30)),
                string.Create(CultureInfo.InvariantCulture, $"{spec.Name} {p.Name}[{at}]: got {a[at]}, reference {e[at]}"));
        }
    }
}
