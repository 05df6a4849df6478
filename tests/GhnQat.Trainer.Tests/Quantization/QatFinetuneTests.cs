// QAT finetuning through the training loop and the CLI: exact resume with NoiseQuant, files and labels written.
using GhnQat.Cli;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.Tests.Training;
using GhnQat.Trainer.Training;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Quantization;

[NonParallelizable] // Console.Out/Error are redirected by the CLI tests.
[Category("Slow")]
public class QatFinetuneTests
{
    private string _dir = "";

    private static ArchSpec[] TinyPool(TrainConfig c) => ArchSpace.Sample(ArchSplit.Train, c.NetPool, c.Seed)
        .OrderBy(s => s.Macs).Take(12).ToArray();

    [OneTimeSetUp]
    public void InitTorch() => TorchEnvironment.Initialize(threads: 1);

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ghnqat-qat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Resume_NoiseQuantFinetuneFromMidRunCheckpoint_ContinuesWithTheSameLossSequence()
    {
        var data = SyntheticImages.Create(256, seed: 5);
        var config = TrainConfig.Tiny with { Steps = 6, Quant = "noise", Scheme = "w2a2" };
        double[] straight;
        using (var trainer = new GhnTrainer(config, data, TinyPool))
            straight = Enumerable.Range(0, 6).Select(_ => trainer.TrainStep().Loss).ToArray();
        string checkpoint = Path.Combine(_dir, "checkpoint.safetensors");
        using (var first = new GhnTrainer(config, data, TinyPool))
        {
            for (int i = 0; i < 3; i++) first.TrainStep();
            first.SaveCheckpoint(checkpoint);
        }
        using var resumed = GhnTrainer.Resume(checkpoint, data, pool: TinyPool);
        Assert.That(resumed.Config.ParseQuantMode(), Is.EqualTo(QuantMode.Noise));
        Assert.That(Enumerable.Range(0, 3).Select(_ => resumed.TrainStep().Loss).ToArray(), Is.EqualTo(straight[3..]));
    }

    [Test]
    public void TrainStep_SimQuantW4A4_DiffersFromTheFloatStepOnTheSameGhn()
    {
        var data = SyntheticImages.Create(64, seed: 2);
        using var plain = new GhnTrainer(TrainConfig.Tiny, data, TinyPool);
        using var qat = new GhnTrainer(TrainConfig.Tiny with { Quant = "sim", Scheme = "w4a4" }, data, TinyPool);
        double a = plain.TrainStep().Loss, b = qat.TrainStep().Loss;
        Assert.That(double.IsFinite(b), Is.True);
        Assert.That(b, Is.Not.EqualTo(a), "same init, nets and images: only the quantizers differ");
    }

    [Test]
    public void FinetuneThenEvalQat_TinyPreset_WriteCheckpointsAndAReportWithBothProtocols()
    {
        FashionMnistData.Require(DatasetSplit.Test);
        string fp = Path.Combine(_dir, "fp"), qat = Path.Combine(_dir, "qat");
        Assert.That(Run("train", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", fp).Code, Is.Zero);
        var (code, output, error) = Run("finetune", "--from", Path.Combine(fp, "ghn.safetensors"), "--bits", "w4a4", "--quant", "sim",
            "--preset", "tiny", "--steps", "5", "--threads", "1", "--out", qat);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("step 5 | loss"));
        foreach (string f in new[] { "ghn.safetensors", "checkpoint.safetensors", "train-log.jsonl", "loss.png" })
            Assert.That(File.Exists(Path.Combine(qat, f)), Is.True, f);
        var loaded = GhnCheckpoint.Load(Path.Combine(qat, "ghn.safetensors"));
        using (loaded.Model)
        {
            Assert.That(loaded.Config!.ParseQuantMode(), Is.EqualTo(QuantMode.Sim));
            Assert.That(loaded.Config.Scheme, Is.EqualTo("w4a4"));
            Assert.That(loaded.Metadata["ghnqat.finetuned_from"], Does.EndWith("ghn.safetensors"));
        }

        (code, output, error) = Run("finetune", "--resume", Path.Combine(qat, "checkpoint.safetensors"), "--steps", "7",
            "--threads", "1", "--out", qat);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("from step 5"));
        Assert.That(File.ReadAllLines(Path.Combine(qat, "train-log.jsonl")), Has.Length.EqualTo(7));
        var resumed = GhnCheckpoint.Load(Path.Combine(qat, "ghn.safetensors"));
        using (resumed.Model)
        {
            Assert.That(resumed.Step, Is.EqualTo(7));
            Assert.That(resumed.Metadata["ghnqat.finetuned_from"], Does.EndWith("ghn.safetensors"), "kept across the resume");
        }

        (code, output, error) = Run("eval-qat", "--ghn", $"{Path.Combine(fp, "ghn.safetensors")},{Path.Combine(qat, "ghn.safetensors")}",
            "--bits", "fp32,w4a4", "--splits", "id", "--nets", "1", "--images", "64", "--calib", "64", "--threads", "1",
            "--out", _dir, "--name", "qat-tiny");
        Assert.That(code, Is.Zero, error);
        string md = File.ReadAllText(Path.Combine(_dir, "qat-tiny.md"));
        Assert.That(md, Does.Contain("## Deploy protocol").And.Contain("## GHN-2 protocol"));
        Assert.That(md, Does.Contain("| id | W4A4 | 1 | 64 |").And.Contain("GHN-Q 37.2 → GHN-QAT 52.5"));
        Assert.That(File.Exists(Path.Combine(_dir, "qat-tiny.json")) && File.Exists(Path.Combine(_dir, "qat-tiny.png")), Is.True);

        // A second chunk (net 1 of 2) merged after the first (net 0) equals the two nets evaluated at once.
        string[] common = ["--ghn", $"{Path.Combine(fp, "ghn.safetensors")},{Path.Combine(qat, "ghn.safetensors")}",
            "--bits", "fp32,w4a4", "--splits", "id", "--nets", "2", "--images", "64", "--calib", "64", "--threads", "1", "--out", _dir];
        Assert.That(Run(["eval-qat", .. common, "--first-net", "1", "--name", "chunk-1"]).Code, Is.Zero);
        Assert.That(Run(["eval-qat", .. common, "--name", "whole"]).Code, Is.Zero);
        (code, _, error) = Run("eval-qat", "--merge", $"{Path.Combine(_dir, "qat-tiny.json")},{Path.Combine(_dir, "chunk-1.json")}",
            "--out", _dir, "--name", "merged");
        Assert.That(code, Is.Zero, error);
        var whole = QatEvalReport.Read(Path.Combine(_dir, "whole.json"));
        var merged = QatEvalReport.Read(Path.Combine(_dir, "merged.json"));
        Assert.That(QatEvalReport.Read(Path.Combine(_dir, "chunk-1.json")).Cells.Select(c => c.Names.Single()).Distinct(),
            Is.EqualTo(new[] { whole.Cells[0].Names[1] }));
        Assert.That(merged.Cells.Select(c => (c.Bits, c.Method, string.Join(",", c.Names), string.Join(",", c.Ghn2Protocol), string.Join(",", c.Deploy))),
            Is.EquivalentTo(whole.Cells.Select(c => (c.Bits, c.Method, string.Join(",", c.Names), string.Join(",", c.Ghn2Protocol), string.Join(",", c.Deploy)))));
    }

    [Test]
    public void Finetune_QuantNone_IsAFloatFinetuneThatResumesWhileAFloatTrainingCheckpointIsRefused()
    {
        string fp = Path.Combine(_dir, "fp-none"), ctl = Path.Combine(_dir, "control");
        Assert.That(Run("train", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", fp).Code, Is.Zero);
        var (code, output, error) = Run("finetune", "--from", Path.Combine(fp, "ghn.safetensors"), "--quant", "none",
            "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", ctl);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("finetuning the float GHN (no quantization"));
        var loaded = GhnCheckpoint.Load(Path.Combine(ctl, "ghn.safetensors"));
        using (loaded.Model)
        {
            Assert.That((loaded.Config!.ParseQuantMode(), loaded.Config.ParseScheme()), Is.EqualTo((QuantMode.None, (QuantScheme?)null)));
            Assert.That(loaded.Metadata["ghnqat.finetuned_from"], Does.EndWith("ghn.safetensors"));
        }
        (code, output, error) = Run("finetune", "--resume", Path.Combine(ctl, "checkpoint.safetensors"), "--steps", "3", "--threads", "1", "--out", ctl);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("from step 2"));

        (code, _, error) = Run("finetune", "--resume", Path.Combine(fp, "checkpoint.safetensors"), "--threads", "1", "--out", ctl);
        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Contain("a float training checkpoint; resume it with 'train --resume'"));
    }

    [TestCase("finetune", "--from", "/nonexistent/ghn.safetensors", "--preset", "tiny")]
    [TestCase("finetune", "--from", "/nonexistent/ghn.safetensors", "--bits", "w3a3")]
    [TestCase("finetune", "--from", "/nonexistent/ghn.safetensors", "--quant", "lsq")]
    [TestCase("finetune", "--bits", "w4a4")]
    [TestCase("finetune", "--from", "/nonexistent/ghn.safetensors", "--resume", "/nonexistent/checkpoint.safetensors")]
    [TestCase("eval-qat", "--ghn", "/nonexistent/ghn.safetensors")]
    [TestCase("eval-qat", "--ghn", "/nonexistent/ghn.safetensors", "--bits", "fp16")]
    [TestCase("eval-qat", "--ghn", "/nonexistent/ghn.safetensors", "--protocols", "onnx")]
    [TestCase("eval-qat", "--ghn", "/nonexistent/ghn.safetensors", "--nets", "5", "--first-net", "5")]
    public void Commands_BadInput_OneLineErrorWithoutStackTrace(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput).Or.EqualTo(CliApp.ExitIo));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: ").And.Not.Contain("   at "));
    }
}
