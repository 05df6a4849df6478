// `ghnqat demo` at a tiny size: the shipped models predict, Vulkan (lavapipe) runs, every check agrees, the run
// folder holds md/json/png; without a Vulkan driver it says so and runs the CPU reference; bad input is one line.
using System.Text.Json;
using GhnQat.Cli;
using GhnQat.Runtime.Data;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
[Category("Slow")]
public class DemoCommandTests : CliFolderTest
{
    private static readonly string Models = Path.Combine(RepoRoot.Path, "models");

    [OneTimeSetUp]
    public void RequireData() => FashionMnistData.Require(DatasetSplit.Test);

    [Test]
    [Category("Vulkan")]
    public void Demo_TinySize_RunsEveryStageChecksBitExactAndWritesTheRunFolder()
    {
        var (code, output, error) = Run(Tiny("--bits", "fp32,w4a4,w2a2"));

        Assert.That(code, Is.Zero, output + error);
        Assert.That(output, Does.Contain("runtime top-1 %").And.Contain("trainer top-1 %"));
        Assert.That(output, Does.Match(@"(?m)^id\s+w4a4\s+1\s"), "one table row per split × bits");
        Assert.That(output, Does.Contain("validation layer 0 errors, 0 warnings").Or.Contain("validation layer off"));
        foreach (string f in new[] { "demo.md", "demo.json", "demo-accuracy.png", "demo-speed.png" })
            Assert.That(new FileInfo(Path.Combine(Dir, f)).Length, Is.GreaterThan(100), f);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "demo.json")));
        var root = json.RootElement;
        if (Environment.GetEnvironmentVariable("GHNQAT_REQUIRE_VULKAN") == "1")
            Assert.That(root.GetProperty("backend").GetString(), Does.StartWith("vulkan"));
        var cells = root.GetProperty("cells").EnumerateArray().ToList();
        Assert.That(cells.Select(c => c.GetProperty("bits").GetString()), Is.EqualTo(new[] { "fp32", "w4a4", "w2a2" }));
        foreach (var c in cells.Skip(1))
        {
            Assert.That(c.GetProperty("ort_values").GetInt64(), Is.GreaterThan(0));
            Assert.That(c.GetProperty("ort_mismatches").GetInt64(), Is.Zero);
            Assert.That(c.GetProperty("cpu_mismatches").GetInt64(), Is.Zero);
            Assert.That(c.GetProperty("runtime_top1").GetDouble(), Is.EqualTo(c.GetProperty("cpu_top1").GetDouble()));
        }
        // The runtime's C# GHN and the trainer's TorchSharp GHN deploy the same net: the float net's top-1 agrees
        // (the float net has no quantization step that a last-bit difference could flip).
        Assert.That(cells[0].GetProperty("runtime_top1").GetDouble(), Is.EqualTo(cells[0].GetProperty("trainer_top1").GetDouble()).Within(0.02));
        Assert.That(cells[0].GetProperty("runtime_top1").GetDouble(), Is.GreaterThan(0.3), "a GHN-predicted id net is far above chance");
    }

    [Test]
    public void Demo_NoVulkanDriver_SaysSoAndRunsOnTheCpuReference()
    {
        var noDriver = new Dictionary<string, string>
        {
            ["VK_DRIVER_FILES"] = "/nonexistent/ghnqat_icd.json",
            ["VK_ICD_FILENAMES"] = "/nonexistent/ghnqat_icd.json",
        };
        var auto = CliProcess.Run(Tiny("--bits", "w4a4", "--no-trainer"), noDriver);
        var required = CliProcess.Run(Tiny("--bits", "w4a4", "--no-trainer", "--backend", "vulkan"), noDriver);

        Assert.That(auto.Code, Is.Zero, auto.Out + auto.Err);
        Assert.That(auto.Out, Does.Contain("note: no usable Vulkan").And.Contain("cpu reference"));
        Assert.That(required.Code, Is.EqualTo(CliApp.ExitBadInput), required.Out);
        Assert.That(required.Err.Trim().Split('\n'), Has.Length.EqualTo(1), required.Err);
        Assert.That(required.Err, Does.StartWith("error: vkCreateInstance failed"));
    }

    [Test]
    public void Demo_Json_PrintsOnlyJsonOnStdout()
    {
        var (code, output, error) = Run(Tiny("--bits", "w4a4", "--no-trainer", "--backend", "cpu", "--json"));

        Assert.That(code, Is.Zero, error);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("rows").GetArrayLength(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("backend").GetString(), Is.EqualTo("cpu reference"));
        Assert.That(error, Does.Contain("demo finished"));
    }

    [Test]
    public void Demo_MissingModel_OneLineErrorNamingTheFile()
    {
        var (code, _, error) = Run("demo", "--models", Dir, "--bits", "w4a4");

        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain(Path.Combine(Dir, "ghn2-qat-w4a4.safetensors")));
    }

    [TestCase("--bits", "w3a3", "neither fp32 nor a scheme")]
    [TestCase("--splits", "train", "not a test split")]
    [TestCase("--images", "0", "--images must be")]
    [TestCase("--backend", "gpu", "--backend must be")]
    public void Demo_BadOption_OneLineError(string option, string value, string message)
    {
        var (code, _, error) = Run("demo", option, value);

        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(error, Does.Contain(message));
    }

    // One small id net, 64 images: seconds, yet every stage and check runs.
    private string[] Tiny(params string[] extra) =>
        ["demo", "--models", Models, "--splits", "id", "--nets", "1", "--images", "64", "--ort-images", "32", "--threads", "2", "--out", Dir, .. extra];
}
