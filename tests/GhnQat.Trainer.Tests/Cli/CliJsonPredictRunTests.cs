// `predict --json` then `run --json` on a small ID net with the shipped float GHN: the on-device chain's results as
// JSON (needs Fashion-MNIST for calibration and test images).
using System.Text.Json;
using GhnQat.Cli;
using GhnQat.Runtime.Data;
using static GhnQat.Trainer.Tests.Cli.CliJsonTests;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
public sealed class CliJsonPredictRunTests : CliFolderTest
{
    [OneTimeSetUp]
    public void RequireData() => FashionMnistData.Require(DatasetSplit.Test);

    [Test]
    public void PredictThenRun_Json_TimingsAndExactOrtCheck()
    {
        string ghn = Path.Combine(RepoRoot.Path, "models", "ghn2-small.safetensors");
        string net = Path.Combine(Dir, "net.safetensors");
        Assert.That(Run("archs", "sample", "--split", "id", "--count", "2", "--seed", "1", "--out", Dir).Code, Is.EqualTo(CliApp.ExitOk));

        var predicted = Run("predict", "--ghn", ghn, "--arch", Path.Combine(Dir, "id-00001.json"), "--bits", "w4a4", "--calib", "16",
            "--out", net, "--json");
        var ran = Run("run", "--net", net, "--images", "16", "--batch", "8", "--check-ort", "--ort-images", "8", "--json");

        Assert.That(predicted.Code, Is.EqualTo(CliApp.ExitOk), predicted.Err);
        Assert.That(ran.Code, Is.EqualTo(CliApp.ExitOk), ran.Err);
        using var p = JsonDocument.Parse(predicted.Out);
        using var r = JsonDocument.Parse(ran.Out);
        AssertKeys(p.RootElement, "arch", "parameters", "scheme", "out_file", "bytes", "calibration_images", "timings_ms");
        AssertKeys(p.RootElement.GetProperty("timings_ms"), "ghn", "calibrate", "quantize", "pack", "total");
        AssertKeys(r.RootElement, "net", "arch", "scheme", "backend", "images", "accuracy", "images_per_second", "ort");
        Assert.That(p.RootElement.GetProperty("bytes").GetInt64(), Is.EqualTo(new FileInfo(net).Length));
        Assert.That(r.RootElement.GetProperty("ort").GetProperty("exact").GetBoolean(), Is.True);
    }
}
