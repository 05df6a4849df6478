// The training loop learns, resumes exactly, and checkpoints round-trip (tiny preset, synthetic data, seconds).
using GhnQat.Runtime.Architectures;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Training;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Training;

[Category("Slow")]
public class GhnTrainerTests
{
    private static ArchSpec[] TinyPool(TrainConfig c) => ArchSpace.Sample(ArchSplit.Train, c.NetPool, c.Seed)
        .OrderBy(s => s.Macs).Take(12).ToArray();

    [OneTimeSetUp]
    public void InitTorch() => TorchEnvironment.Initialize(threads: 1);

    [Test]
    public void TrainStep_ThirtyStepsOnSyntheticData_LowersHeldOutLoss()
    {
        var data = SyntheticImages.Create(512, seed: 3);
        var heldOut = SyntheticImages.Create(128, seed: 99);
        using var trainer = new GhnTrainer(TrainConfig.Tiny, data, TinyPool);
        double before = HeldOutLoss(trainer, heldOut);
        var steps = Enumerable.Range(0, 30).Select(_ => trainer.TrainStep()).ToList();
        double after = HeldOutLoss(trainer, heldOut);
        TestContext.Out.WriteLine($"held-out loss {before:F4} -> {after:F4}");
        Assert.That(steps.All(r => !r.Skipped), Is.True);
        Assert.That(after, Is.LessThan(before - 0.05), "30 steps should lower the held-out loss of the pool's nets");
    }

    /// <summary>Mean cross-entropy of the pool's nets, with the GHN's current prediction, on fixed images.</summary>
    private static double HeldOutLoss(GhnTrainer trainer, GhnQat.Runtime.Data.ImageDataset images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pixels = new float[images.Count * images.ImageElements];
        images.Normalize(0, images.Count, pixels);
        var x = tensor(pixels, [images.Count, 1, 28, 28]);
        var y = tensor(images.Labels.ToArray().Select(b => (long)b).ToArray());
        var pool = TinyPool(trainer.Config);
        var predicted = trainer.Model.Predict(new GraphBatch(pool.Select(trainer.Model.BuildGraph).ToArray()));
        return pool.Select((spec, i) => nn.functional.cross_entropy(
            GhnQat.Trainer.TargetNets.FunctionalNet.Forward(spec, predicted[i], x), y).item<float>()).Average();
    }

    [Test]
    public void Resume_FromMidRunCheckpoint_ContinuesWithTheSameLossSequence()
    {
        var data = SyntheticImages.Create(256, seed: 5);
        var config = TrainConfig.Tiny with { Steps = 8 };
        string dir = Path.Combine(Path.GetTempPath(), "ghnqat-resume-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            double[] straight;
            using (var trainer = new GhnTrainer(config, data, TinyPool))
                straight = Enumerable.Range(0, 8).Select(_ => trainer.TrainStep().Loss).ToArray();
            string checkpoint = Path.Combine(dir, "checkpoint.safetensors");
            using (var first = new GhnTrainer(config, data, TinyPool))
            {
                for (int i = 0; i < 4; i++) first.TrainStep();
                first.SaveCheckpoint(checkpoint);
            }
            using var resumed = GhnTrainer.Resume(checkpoint, data, pool: TinyPool);
            Assert.That(resumed.Step, Is.EqualTo(4));
            var tail = Enumerable.Range(0, 4).Select(_ => resumed.TrainStep().Loss).ToArray();
            Assert.That(tail, Is.EqualTo(straight[4..]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void SaveLoad_ModelFile_GivesIdenticalPredictions()
    {
        var data = SyntheticImages.Create(64, seed: 6);
        string path = Path.Combine(Path.GetTempPath(), "ghnqat-model-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using var trainer = new GhnTrainer(TrainConfig.Tiny with { Steps = 2 }, data, TinyPool);
            trainer.TrainStep();
            GhnCheckpoint.Save(path, trainer.Model, trainer.Config, adam: null, trainer.Step);
            var loaded = GhnCheckpoint.Load(path);
            using var model = loaded.Model;
            Assert.That(loaded.Step, Is.EqualTo(1));
            Assert.That(model.Config, Is.EqualTo(trainer.Model.Config));
            using var scope = NewDisposeScope();
            var specs = ArchSpace.Sample(ArchSplit.Wide, 2, seed: 3);
            var a = trainer.Model.Predict(new GraphBatch(specs.Select(trainer.Model.BuildGraph).ToArray()));
            var b = model.Predict(new GraphBatch(specs.Select(model.BuildGraph).ToArray()));
            for (int g = 0; g < specs.Count; g++)
            {
                foreach (var (name, t) in a[g])
                    Assert.That((t - b[g][name]).abs().max().item<float>(), Is.Zero, name);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Load_TruncatedCheckpoint_ThrowsTypedErrorNamingTheFile()
    {
        var data = SyntheticImages.Create(64, seed: 7);
        string path = Path.Combine(Path.GetTempPath(), "ghnqat-trunc-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using (var trainer = new GhnTrainer(TrainConfig.Tiny, data, TinyPool)) trainer.SaveCheckpoint(path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var e = Assert.Throws<GhnQat.Runtime.Errors.GhnQatException>(() => GhnCheckpoint.Load(path));
            Assert.That(e!.Message, Does.Contain(Path.GetFileName(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
