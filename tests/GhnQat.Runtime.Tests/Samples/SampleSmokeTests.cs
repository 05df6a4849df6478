// Smoke runs of the numbered samples: each built program runs from the repo root with its default arguments, and its
// printed results (accuracy, agreement, parity with the CPU reference, frames per inference) are checked, not only the
// exit code. Category "Samples": they need the repo's build outputs, so the published GPU check leaves them out.
using System.Globalization;
using System.Text.RegularExpressions;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Tests.Vulkan;

namespace GhnQat.Runtime.Tests.Samples;

[TestFixture]
[Category("Samples")]
public sealed partial class SampleSmokeTests
{
    [SetUp]
    public void RequireData()
    {
        // The samples read Fashion-MNIST; optional on a developer machine, mandatory in CI (GHNQAT_REQUIRE_DATA=1).
        if (Directory.Exists(FashionMnist.DefaultFolder)) return;
        string message = $"{FashionMnist.DefaultFolder} is absent; install with `sudo apt-get install dataset-fashion-mnist`";
        if (Environment.GetEnvironmentVariable("GHNQAT_REQUIRE_DATA") == "1") Assert.Fail(message + " (GHNQAT_REQUIRE_DATA=1 makes this a failure)");
        Assert.Ignore(message);
    }

    [Test]
    public void PredictWeights_Defaults_OrtAccuracyFarAboveChanceAndAgreesWithFloatExecutor()
    {
        SampleRun run = SampleProcess.Run("01-predict-weights", "PredictWeights");

        Assert.That(run.ExitCode, Is.Zero, run.Output);
        Match accuracy = OrtAccuracy().Match(run.Output);
        Match agreement = FloatAgreement().Match(run.Output);
        Assert.That(accuracy.Success && agreement.Success, Is.True, $"unexpected output:{Environment.NewLine}{run.Output}");
        // The shipped float GHN gives this net 76.8 % on 1000 test images; chance is 10 %.
        Assert.That(Number(accuracy, 1), Is.GreaterThan(50), run.Output);
        int agree = (int)Number(agreement, 1), total = (int)Number(agreement, 2);
        Assert.That(total, Is.EqualTo(1000), run.Output);
        // ORT and FloatExecutor sum in different orders: a near-tie may flip, logits stay within float noise.
        Assert.That(agree, Is.GreaterThanOrEqualTo(total * 99 / 100), run.Output);
        Assert.That(Number(agreement, 3), Is.LessThan(1e-3), run.Output);
    }

    [Test]
    [Category("Vulkan")]
    public void RunW4A4Vulkan_Defaults_ClassifiesOnVulkanBitExactWithCpuReference()
    {
        SampleRun run = SampleProcess.Run("02-run-w4a4-vulkan", "RunW4A4Vulkan");

        RequireVulkan(run);
        Assert.That(run.ExitCode, Is.Zero, run.Output);
        Assert.That(run.Output, Does.Contain("Vulkan device: "));
        Assert.That(ImageLine().Matches(run.Output), Has.Count.EqualTo(8), run.Output);
        Match summary = ClassifySummary().Match(run.Output);
        Assert.That(summary.Success, Is.True, $"no summary line:{Environment.NewLine}{run.Output}");
        Assert.That(Number(summary, 2), Is.Zero, "mismatches vs CPU reference: " + run.Output);
    }

    [Test]
    [Category("Vulkan")]
    public void FrameLoop_Defaults_SpreadsEachInferenceOverFramesBitExactWithCpuReference()
    {
        SampleRun run = SampleProcess.Run("03-frame-loop", "FrameLoop");

        RequireVulkan(run);
        Assert.That(run.ExitCode, Is.Zero, run.Output);
        Match frames = FramesPerInference().Match(run.Output);
        Match overruns = BudgetOverruns().Match(run.Output);
        Assert.That(frames.Success && overruns.Success, Is.True, $"unexpected output:{Environment.NewLine}{run.Output}");
        // 24 kernels under a 2 ms budget: no device finishes one inference in one frame's share.
        Assert.That(Number(frames, 3), Is.GreaterThan(1), run.Output);
        Assert.That(Number(overruns, 1), Is.LessThanOrEqualTo(Number(overruns, 2)), run.Output);
        Assert.That(run.Output, Does.Contain("\n0 mismatches vs CPU reference"), run.Output);
    }

    // A sample that found no Vulkan says so and (02) falls back to the CPU: the Vulkan skip rule decides the outcome.
    private static void RequireVulkan(SampleRun run)
    {
        if (run.Output.Contains("Vulkan unavailable", StringComparison.Ordinal)) VulkanTestContext.Unavailable(run.Output.Trim());
    }

    private static double Number(Match match, int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"ONNX Runtime top-1: (\d+\.\d) %")]
    private static partial Regex OrtAccuracy();

    [GeneratedRegex(@"agreement with FloatExecutor: (\d+)/(\d+) top-1, max \|Δlogit\| (\S+)")]
    private static partial Regex FloatAgreement();

    [GeneratedRegex(@"(?m)^image \d+: predicted .+ true .+")]
    private static partial Regex ImageLine();

    [GeneratedRegex(@"(\d+)/8 correct; (\d+) mismatches vs CPU reference")]
    private static partial Regex ClassifySummary();

    [GeneratedRegex(@"(\d+) inferences in (\d+) frames: frames per inference [\d ]+ \(mean (\d+\.\d)\)")]
    private static partial Regex FramesPerInference();

    [GeneratedRegex(@"budget overruns: (\d+) of (\d+) frames")]
    private static partial Regex BudgetOverruns();
}
