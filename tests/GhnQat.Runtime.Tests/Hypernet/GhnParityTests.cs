// Parity with the trainer: the C# GHN reproduces the TorchSharp GHN's predictions stored in Fixtures/golden-*/.
using System.Globalization;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Tests.Hypernet;

[TestFixture]
public sealed class GhnParityTests
{
    // |runtime − trainer| ≤ 1e-4 · max|trainer| per tensor: float32 sums in another order differ by ~1e-6 relative;
    // any real mistake (a wrong row, gate or tile) moves values by O(max).
    private const double Tolerance = 1e-4;

    private static IEnumerable<TestCaseData> GoldenNets() =>
        GhnFiles.GoldenFolders().SelectMany(folder => Directory.GetFiles(folder, "*.safetensors")
            .Where(f => Path.GetFileName(f) != "ghn.safetensors").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(folder), Path.GetFileNameWithoutExtension(f))
                .SetName($"Predict_GoldenNet_MatchesTrainer({Path.GetFileName(folder)}, {Path.GetFileNameWithoutExtension(f)})")));

    [Test]
    public void GoldenFolders_NextToTests_AtLeastOneWithNets()
    {
        var folders = GhnFiles.GoldenFolders();

        Assert.That(folders, Is.Not.Empty, "no Fixtures/golden-*/ghn.safetensors copied to the test output");
        foreach (var folder in folders)
            Assert.That(Directory.GetFiles(folder, "*.safetensors"), Has.Length.GreaterThan(1), folder + " has no golden nets");
    }

    [TestCaseSource(nameof(GoldenNets))]
    public void Predict_GoldenNet_MatchesTrainer(string folder, string net)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);
        var golden = FloatNetwork.Load(Path.Combine(dir, net + ".safetensors"));
        var ghn = Ghn.Load(Path.Combine(dir, "ghn.safetensors"));

        var predicted = ghn.Predict(golden.Spec);

        Assert.That(predicted.Parameters.Select(p => p.Name), Is.EqualTo(golden.Parameters.Select(p => p.Name)));
        double worst = 0;
        string worstName = "";
        var failures = new List<string>();
        foreach (var p in golden.Parameters)
        {
            var expected = golden.Tensor(p.Name);
            var actual = predicted.Tensor(p.Name);
            double scale = 0, diff = 0;
            int at = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(expected[i]));
                double d = Math.Abs(actual[i] - expected[i]);
                if (d > diff) (diff, at) = (d, i);
            }
            double relative = diff / Math.Max(scale, 1e-30);
            if (relative > worst) (worst, worstName) = (relative, p.Name);
            if (relative > Tolerance)
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{p.Name}[{at}]: got {actual[at]}, trainer {expected[at]} (rel {relative:E2})"));
        }
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{folder}/{net}: {golden.Parameters.Count} tensors, worst relative error {worst:E2} ({worstName})"));
        Assert.That(failures, Is.Empty, "first mismatches: " + string.Join("; ", failures.Take(5)));
    }
}
