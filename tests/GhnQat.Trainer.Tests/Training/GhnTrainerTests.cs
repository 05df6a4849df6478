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
    public void TrainStep_ThirtyStepsOnSyntheticData_LowersLoss()
    {
        var data = SyntheticImages.Create(512, seed: 3);
        using var trainer = new GhnTrainer(TrainConfig.Tiny, data, TinyPool);
        var losses = Enumerable.Range(0, 30).Select(_ => trainer.TrainStep()).ToList();
        double first = losses.Take(5).Average(r => r.Loss), last = losses.TakeLast(5).Average(r => r.Loss);
        TestContext.Out.WriteLine($"loss first 5 {first:F4}, last 5 {last:F4}");
        Assert.That(losses.All(r => !r.Skipped), Is.True);
        Assert.That(last, Is.LessThan(first * 0.8), "mean loss of the last 5 steps should be well below the first 5");
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
                    Assert.That(t.equal(b[g][name]).item<bool>(), Is.True, name);
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
