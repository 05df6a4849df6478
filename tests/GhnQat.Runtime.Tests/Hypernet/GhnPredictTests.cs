// What Ghn.Predict returns: every parameter of nets of every split, deterministic, for model and checkpoint files alike.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Tests.Architectures;

namespace GhnQat.Runtime.Tests.Hypernet;

[TestFixture]
public sealed class GhnPredictTests
{
    private static Ghn Tiny() => Ghn.Load(GhnFiles.TinyGhnPath);

    [Test]
    public void Load_TinyGhn_ReadsConfigAndVocabulary()
    {
        var ghn = Tiny();

        Assert.That(ghn.Config, Is.EqualTo(new GhnConfig { Hidden = 8, MaxOut = 16, MaxIn = 16, DecoderKernel = 3, DecoderChannels = 16, DecoderHidden = 32 }));
        Assert.That(ghn.Vocabulary.NumClasses, Is.EqualTo(10));
        Assert.That(ghn.Source, Does.EndWith("ghn.safetensors"));
    }

    [Test]
    public void Predict_NetsOfSplit_GiveEveryParameterInItsShape([Values] ArchSplit split)
    {
        var ghn = Tiny();

        foreach (var spec in ArchSpace.Sample(split, 4, 21))
        {
            var net = ghn.Predict(spec);

            var expected = ArchGraph.Build(spec, maxVirtualEdgeLength: 1).Parameters;
            Assert.That(net.Parameters.Select(p => (p.Name, string.Join("x", p.Shape))),
                Is.EqualTo(expected.Select(p => (p.Name, string.Join("x", p.Shape)))), spec.Name);
            foreach (var p in expected) Assert.That(net.Tensor(p.Name).Length, Is.EqualTo(p.ElementCount), p.Name);
        }
    }

    [Test]
    public void Predict_Normalized_KeepsGhn2Ranges()
    {
        var net = Tiny().Predict(TestNets.InvertedResidual());

        // 2σ(0.5p) ∈ (0, 2) for BN γ; tanh(0.2p) ∈ (−1, 1) for BN β; the classifier here has no bias.
        Assert.That(net.Tensor("exp_bn.weight").ToArray(), Is.All.InRange(0f, 2f));
        Assert.That(net.Tensor("exp_bn.bias").ToArray(), Is.All.InRange(-1f, 1f));
        Assert.That(net.Contains("fc.bias"), Is.False);
    }

    [Test]
    public void Predict_SameSpecTwice_GivesIdenticalTensors()
    {
        var ghn = Tiny();
        var spec = ArchSpace.Sample(ArchSplit.Wide, 1, 22)[0];

        var a = ghn.Predict(spec);
        var b = ghn.Predict(spec);

        foreach (var p in a.Parameters) Assert.That(b.Tensor(p.Name).ToArray(), Is.EqualTo(a.Tensor(p.Name).ToArray()), p.Name);
    }

    [Test]
    public void Predict_TrainingCheckpointWithOptimizerState_EqualsModelFile()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        var spec = TestNets.Residual();
        var fromModel = files.Load().Predict(spec);
        foreach (var (name, (shape, values)) in files.Tensors.ToList())
        {
            files.Tensors["adam.m." + name[GhnWeights.Prefix.Length..]] = (shape, values.Select(v => v * 0.5f).ToArray());
            files.Tensors["adam.v." + name[GhnWeights.Prefix.Length..]] = (shape, values.Select(v => v * v).ToArray());
        }
        files.Metadata[SafetensorsMetadataKeys.Format] = Ghn.CheckpointFormat;

        var fromCheckpoint = files.Load().Predict(spec);

        foreach (var p in fromModel.Parameters)
            Assert.That(fromCheckpoint.Tensor(p.Name).ToArray(), Is.EqualTo(fromModel.Tensor(p.Name).ToArray()), p.Name);
    }

    [Test]
    public void Load_Float16Storage_PredictsLikeFloat32()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        var writer = new SafetensorsWriter();
        foreach (var (name, (shape, values)) in files.Tensors)
        {
            var half = values.Select(v => (Half)v).ToArray();
            writer.Add(name, SafetensorsDType.F16, shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(half.AsSpan()));
        }
        foreach (var (key, value) in files.Metadata) writer.SetMetadata(key, value);
        using var file = SafetensorsFile.FromMemory(writer.ToArray(), "f16.safetensors");
        var spec = TestNets.Residual();

        var fromHalf = Ghn.Read(file).Predict(spec);
        var fromFloat = files.Load().Predict(spec);

        // fp16 keeps ~3 decimal digits of each GHN weight; predictions move by about that much, not more.
        foreach (var p in fromFloat.Parameters)
        {
            var a = fromHalf.Tensor(p.Name).ToArray();
            var e = fromFloat.Tensor(p.Name).ToArray();
            double scale = e.Max(v => Math.Abs(v));
            Assert.That(a.Zip(e, (x, y) => Math.Abs(x - y)).Max(), Is.LessThan(0.02 * scale), p.Name);
        }
    }

    [Test]
    public void Predict_SpecWithOtherClassCount_ThrowsNamingBothCounts()
    {
        var b = new ArchSpecBuilder("twelve-classes", TestNets.Mnist, 12);
        b.Linear("fc", b.Gap("g", b.Relu("r", b.Conv("c", "input", 8, 3))), 12);

        var e = Assert.Throws<GhnQatException>(() => Tiny().Predict(b.Build()));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("twelve-classes").And.Contain("12 classes").And.Contain("trained for 10"));
    }
}
