// `ghnqat reproduce` without running the pipeline: the dry-run plan, refused option changes and bad stage selections.
using GhnQat.Cli;
using GhnQat.Cli.Reproduce;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
public class ReproduceCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Path.Combine(Path.GetTempPath(), "ghnqat-repro-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void DryRun_TinyPreset_PrintsEveryStageWithItsCommandAndWritesNothing()
    {
        string run = Path.Combine(_dir, "run");
        var (code, output, error) = Run("reproduce", "--preset", "tiny", "--out", run, "--dry-run");
        Assert.That(code, Is.Zero, error);
        foreach (string stage in ReproducePlan.StageNames)
            Assert.That(output, Does.Contain($"] {stage} — "), stage);
        Assert.That(output, Does.Contain($"ghnqat train --preset tiny --steps {ReproducePlan.TinyTrainSteps} --threads 0 --out {Path.Combine(run, "ghn-tiny")}")
            .And.Contain("ghnqat eval-qat --ghn ").And.Contain("total: 8 of 9 stages, est. "));
        Assert.That(Directory.Exists(_dir), Is.False, "a dry run must not create the run folder");
    }

    [Test]
    public void DryRun_SmallPreset_UsesTheCommandsThatMadeTheShippedModels()
    {
        var (code, output, error) = Run("reproduce", "--preset", "small", "--threads", "2", "--out", Path.Combine(_dir, "run"), "--dry-run");
        Assert.That(code, Is.Zero, error);
        // models/ghn2-qat-w4a8.md: a 600-step finetune; docs/results/ghn-float.md: 100 id nets × 10 000 images, 10 with SGD.
        Assert.That(output, Does.Contain("--bits w4a8 --quant sim --preset small --steps 600 --threads 2")
            .And.Contain("--bits w2a2 --quant noise --preset small --threads 2")
            .And.Contain("--splits id --nets 100 --images 10000 --baseline-images 2000 --sgd-nets 10")
            .And.Contain("--splits id --nets 100 --images 500")
            .And.Contain("est. 1:20:48 (documented ms/step)"));
    }

    [TestCase("--preset", "small", "--preset small")]
    [TestCase("--nets", "5", "--nets 5")]
    [TestCase("--images", "100", "--images 100")]
    public void Rerun_WithADifferentOption_IsRefusedNamingTheOption(string option, string value, string named)
    {
        Directory.CreateDirectory(_dir);
        new ReproduceState
        {
            Options = new() { ["--preset"] = "tiny", ["--nets"] = "(preset default)", ["--images"] = "(preset default)" },
        }.Save(_dir);
        string[] args = option == "--preset" ? ["reproduce", "--out", _dir, option, value] : ["reproduce", "--preset", "tiny", "--out", _dir, option, value];
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: ").And.Contain(named).And.Contain("was started with " + option));
    }

    [Test]
    public void Run_FolderThatIsNotAReproduceRun_IsRefused()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "mine");
        var (code, _, error) = Run("reproduce", "--preset", "tiny", "--out", _dir);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(error, Does.Contain("is not a reproduce run folder"));
    }

    [TestCase("--only", "finetune-w4a4", "needs stage train")]
    [TestCase("--only", "bake", "is not a stage")]
    [TestCase("--from-stage", "publish", "needs --publish")]
    [TestCase("--publish", null, "--publish-to another folder")]
    public void Run_BadStageSelection_OneLineError(string option, string? value, string message)
    {
        string[] args = ["reproduce", "--preset", "tiny", "--out", Path.Combine(_dir, "run"), option, .. value is null ? Array.Empty<string>() : [value]];
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: ").And.Contain(message));
    }
}
