// `ghnqat reproduce --preset tiny` end to end in-process: every stage runs once, a rerun skips them all, and a stage
// marked unfinished or missing an output reruns with only what depends on it. One run folder serves every test; each
// test leaves it complete again.
using System.Diagnostics;
using System.Text.Json.Nodes;
using GhnQat.Cli.Reproduce;
using GhnQat.Runtime.Data;
using GhnQat.Trainer.Training;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
[Category("Slow")]
public class ReproducePipelineTests
{
    private string _root = "";
    private string _run = "";
    private (int Code, string Out, string Err) _first;
    private TimeSpan _firstWall;

    [OneTimeSetUp]
    public void RunTinyPipelineOnce()
    {
        FashionMnistData.Require(DatasetSplit.Test);
        _root = Path.Combine(Path.GetTempPath(), "ghnqat-repro-" + Guid.NewGuid().ToString("N"));
        _run = Path.Combine(_root, "run");
        var clock = Stopwatch.StartNew();
        _first = Reproduce();
        _firstWall = clock.Elapsed;
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test, Order(1)]
    public void FirstRun_TinyPreset_RunsEveryStageAndWritesStateModelsAndReports()
    {
        Assert.That(_first.Code, Is.Zero, _first.Err + _first.Out);
        TestContext.Out.WriteLine($"reproduce --preset tiny: {_firstWall.TotalSeconds:F1} s");
        foreach (string stage in new[] { "train", "finetune-w4a4", "finetune-w2a2", "finetune-w2a2-mixed", "finetune-w4a8", "eval", "eval-qat", "export" })
            Assert.That(_first.Out, Does.Contain($"] {stage}: done in "), stage);
        Assert.That(_first.Out, Does.Contain("] publish: skipped (add --publish"));
        foreach (string model in new[] { "ghn2-tiny", "ghn2-tiny-qat-w4a4", "ghn2-tiny-qat-w2a2", "ghn2-tiny-qat-w4a8" })
            Assert.That(File.Exists(Path.Combine(_run, "models", model + ".safetensors")), Is.True, model);
        foreach (string report in new[] { "ghn-float.md", "ghn-float.json", "qat-id.md", "qat-id.json", "ghn2-tiny-loss.png" })
            Assert.That(File.Exists(Path.Combine(_run, "results", report)), Is.True, report);
        Assert.That(File.ReadAllText(Path.Combine(_run, "results", "qat-id.md")), Does.Contain("W4A8").And.Contain("W2A2"));
        var state = State();
        Assert.That(state["stages"]!.AsObject().Select(s => (string)s.Value!["status"]!), Is.EqualTo(Enumerable.Repeat("done", 8)));
        // The model records the stage's own command (the pipeline ran it through the CLI entry), not "reproduce".
        var loaded = GhnCheckpoint.Load(Path.Combine(_run, "models", "ghn2-tiny-qat-w4a8.safetensors"));
        using var ghn = loaded.Model;
        Assert.That(loaded.Metadata["ghnqat.command"], Does.StartWith("ghnqat finetune --from ").And.Contain("--bits w4a8"));
    }

    [Test, Order(2)]
    public void SecondRun_EverythingFinished_SkipsEveryStage()
    {
        var (code, output, error) = Reproduce();
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("0 of 9 stages to run").And.Not.Contain(": start —").And.Not.Contain("  $ ghnqat"));
    }

    [Test, Order(3)]
    public void Rerun_FinetuneMarkedUnfinished_ResumesItFromItsCheckpointAndRerunsOnlyWhatNeedsIt()
    {
        var state = State();
        state["stages"]!["finetune-w2a2"]!["status"] = "running";
        File.WriteAllText(Path.Combine(_run, "reproduce.json"), state.ToJsonString());
        File.Delete(Path.Combine(_run, "qat-w2a2-noise", "ghn.safetensors"));

        var (code, output, error) = Reproduce();
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("finetune-w2a2: start — ").And.Contain("resuming from")
            .And.Contain("ghnqat finetune --resume ").And.Contain($"from step {ReproducePlan.TinyFinetuneSteps} "));
        foreach (string skipped in new[] { "train", "finetune-w4a4", "finetune-w4a8", "eval" })
            Assert.That(output, Does.Contain($"] {skipped}: skipped (finished earlier"), skipped);
        foreach (string rerun in new[] { "finetune-w2a2-mixed", "eval-qat", "export" })
            Assert.That(output, Does.Contain($"] {rerun}: done in "), rerun);
    }

    [Test, Order(4)]
    public void Rerun_ReportRemoved_RerunsOnlyThatStage()
    {
        File.Delete(Path.Combine(_run, "results", "ghn-float.md"));
        var (code, output, error) = Reproduce();
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("1 of 9 stages to run").And.Contain("] eval: done in "));
        Assert.That(File.Exists(Path.Combine(_run, "results", "ghn-float.md")), Is.True);
    }

    [Test, Order(5)]
    public void Publish_ToAnotherRoot_CopiesModelsAndReportsThenSkips()
    {
        string repo = Path.Combine(_root, "repo");
        var (code, output, error) = Reproduce("--publish", "--publish-to", repo);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("1 of 9 stages to run").And.Contain("] publish: done in "));
        Assert.That(File.Exists(Path.Combine(repo, "models", "ghn2-tiny-qat-w2a2.safetensors")), Is.True);
        Assert.That(File.Exists(Path.Combine(repo, "docs", "results", "qat-id.md")), Is.True);
        Assert.That(Reproduce("--publish", "--publish-to", repo).Out, Does.Contain("0 of 9 stages to run"));
    }

    private (int Code, string Out, string Err) Reproduce(params string[] extra) =>
        Run(["reproduce", "--preset", "tiny", "--threads", "2", "--out", _run, .. extra]);

    private JsonNode State() => JsonNode.Parse(File.ReadAllText(Path.Combine(_run, "reproduce.json")))!;
}
