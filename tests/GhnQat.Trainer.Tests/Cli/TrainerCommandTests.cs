// `ghnqat train|eval|golden|bench-train` in-process on the tiny preset: files written, reports complete, clear errors.
using GhnQat.Cli;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Networks;
using GhnQat.Trainer.Training;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
[Category("Slow")]
public class TrainerCommandTests : CliFolderTest
{
    [OneTimeSetUp]
    public void RequireData() => FashionMnistData.Require(DatasetSplit.Test);

    [Test]
    public void Train_TinyPreset_WritesModelCheckpointLogAndPlot()
    {
        var (code, output, error) = Run("train", "--preset", "tiny", "--steps", "3", "--threads", "1", "--out", Dir);
        Assert.That(code, Is.Zero, error);
        foreach (string f in new[] { "ghn.safetensors", "checkpoint.safetensors", "train-log.jsonl", "loss.png" })
            Assert.That(File.Exists(Path.Combine(Dir, f)), Is.True, f);
        Assert.That(output, Does.Contain("step 3 | loss"));
        var loaded = GhnCheckpoint.Load(Path.Combine(Dir, "ghn.safetensors"));
        using var model = loaded.Model;
        Assert.That(loaded.Step, Is.EqualTo(3));
        Assert.That(loaded.Metadata["ghnqat.command"], Does.StartWith("ghnqat train --preset tiny"));
        Assert.That(File.ReadAllLines(Path.Combine(Dir, "train-log.jsonl")), Has.Length.EqualTo(3));
    }

    [Test]
    public void Train_ResumeWithMoreSteps_ContinuesFromTheCheckpoint()
    {
        Assert.That(Run("train", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", Dir).Code, Is.Zero);
        var (code, output, error) = Run("train", "--resume", Path.Combine(Dir, "checkpoint.safetensors"), "--steps", "4",
            "--threads", "1", "--out", Dir);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("from step 2"));
        Assert.That(File.ReadAllLines(Path.Combine(Dir, "train-log.jsonl")), Has.Length.EqualTo(4));
    }

    [Test]
    public void Train_DecayAt_DecaysTheLearningRateAtThoseFractionsOfTheSteps()
    {
        var (code, output, error) = Run("train", "--preset", "tiny", "--steps", "4", "--lr", "0.01", "--decay-at", "0.5,0.75",
            "--threads", "1", "--out", Dir);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("× 0.1 at steps 2, 3"));
        var rates = File.ReadAllLines(Path.Combine(Dir, "train-log.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("LearningRate").GetDouble()).ToArray();
        Assert.That(rates, Is.EqualTo(new[] { 0.01, 0.01, 0.001, 0.0001 }).Within(1e-12));
    }

    [Test]
    public void EvalAndGolden_TinyGhn_WriteReportAndLoadableFloatNetworks()
    {
        Assert.That(Run("train", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", Dir).Code, Is.Zero);
        string ghn = Path.Combine(Dir, "ghn.safetensors");
        var (code, output, error) = Run("eval", "--ghn", ghn, "--splits", "id,bnfree", "--nets", "2", "--images", "64",
            "--sgd-nets", "1", "--sgd-images", "256", "--threads", "1", "--out", Dir, "--name", "tiny-eval");
        Assert.That(code, Is.Zero, error);
        string md = File.ReadAllText(Path.Combine(Dir, "tiny-eval.md"));
        Assert.That(md, Does.Contain("| id | 2 | 64 |").And.Contain("| bnfree | 2 | 64 |"));
        Assert.That(File.Exists(Path.Combine(Dir, "tiny-eval.json")) && File.Exists(Path.Combine(Dir, "tiny-eval.png")), Is.True);
        Assert.That(output, Does.Contain("SGD 1 ep"));

        string golden = Path.Combine(Dir, "golden");
        Assert.That(Run("golden", "--ghn", ghn, "--out", golden, "--id", "2", "--wide", "1", "--bnfree", "1").Code, Is.Zero);
        var files = Directory.GetFiles(golden, "*.safetensors");
        Assert.That(files, Has.Length.EqualTo(4));
        foreach (string f in files) Assert.That(FloatNetwork.Load(f).Parameters, Is.Not.Empty);
    }

    [Test]
    public void PredictThenRun_TinyGhnW4A4_MatchesOrtAndVulkanAtEveryLayer()
    {
        Assert.That(Run("train", "--preset", "tiny", "--steps", "2", "--threads", "1", "--out", Dir).Code, Is.Zero);
        Assert.That(Run("archs", "sample", "--split", "id", "--count", "1", "--out", Dir).Code, Is.Zero);
        string net = Path.Combine(Dir, "net.safetensors");
        var (code, output, error) = Run("predict", "--ghn", Path.Combine(Dir, "ghn.safetensors"), "--arch",
            Path.Combine(Dir, "id-00000.json"), "--bits", "w4a4", "--calib", "64", "--out", net);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("quantized w4a4").And.Contain("time: GHN"));
        (code, output, error) = Run("run", "--net", net, "--images", "64", "--check-ort", "--ort-images", "16", "--json");
        Assert.That(code, Is.Zero, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var ort = json.RootElement.GetProperty("ort");
        Assert.That(ort.GetProperty("mismatches").GetInt64(), Is.Zero);
        Assert.That(ort.GetProperty("elements").GetInt64(), Is.GreaterThan(1000));
        Assert.That(json.RootElement.GetProperty("accuracy").GetDouble(), Is.InRange(0.0, 1.0));

        (code, output, error) = Run("run", "--net", net, "--backend", "vulkan", "--images", "32", "--json");
        Assert.That(code, Is.Zero, error);
        using var vulkan = System.Text.Json.JsonDocument.Parse(output);
        Assert.That(vulkan.RootElement.GetProperty("backend").GetString(), Is.EqualTo("vulkan"));
        var vsCpu = vulkan.RootElement.GetProperty("cpu_reference");
        Assert.That(vsCpu.GetProperty("mismatches").GetInt64(), Is.Zero);
        Assert.That(vsCpu.GetProperty("elements").GetInt64(), Is.GreaterThan(1000));
    }

    [TestCase("train", "--preset", "huge")]
    [TestCase("train", "--preset", "tiny", "--decay-at", "0.5,1.5")]
    [TestCase("train", "--preset", "tiny", "--decay-at", "half")]
    [TestCase("eval", "--ghn", "/nonexistent/ghn.safetensors")]
    [TestCase("train", "--resume", "/nonexistent/checkpoint.safetensors", "--preset", "tiny")]
    [TestCase("predict", "--ghn", "/nonexistent/ghn.safetensors", "--arch", "/nonexistent/a.json", "--out", "/tmp/x.safetensors")]
    [TestCase("run", "--net", "/nonexistent/net.safetensors")]
    public void Commands_BadInput_OneLineErrorWithoutStackTrace(params string[] args)
    {
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput).Or.EqualTo(CliApp.ExitIo));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: ").And.Not.Contain("   at "));
    }
}
