// Faults through the real CLI in child processes (issue 8 item 4): `ghnqat train` killed mid-run and resumed logs the
// same losses as an uninterrupted run; a read-only output folder or a full disk (a file-size limit) gives one clear
// error line and leaves the previous checkpoint intact and resumable; no Vulkan driver gives a clear error, or the CPU
// reference when the caller allows it.
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using GhnQat.Runtime.Data;

namespace GhnQat.Trainer.Tests.Cli;

[Category("Slow")]
[UnsupportedOSPlatform("windows")] // file modes, bash, ulimit and setpriv
public sealed partial class CliFaultTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ghnqat-fault-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        foreach (string dir in Directory.GetDirectories(_dir, "*", SearchOption.AllDirectories).Append(_dir))
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void Train_KilledAfterACheckpointThenResumed_LogsTheSameLossesAsAnUninterruptedRun()
    {
        RequireData();
        string straight = Path.Combine(_dir, "straight"), killed = Path.Combine(_dir, "killed");
        var uninterrupted = CliProcess.Run(Train(30, straight));
        Assert.That(uninterrupted.Code, Is.Zero, uninterrupted.Err);

        string checkpoint = Path.Combine(killed, "checkpoint.safetensors");
        using (CliProcess child = CliProcess.Start(Train(30, killed)))
        {
            // The tiny preset checkpoints every 10 steps (an atomic rename: once it exists it is complete).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && !child.Process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(20);
            Assert.That(child.Process.HasExited, Is.False, $"the run ended before it could be killed:{Environment.NewLine}{child.Output}{child.Error}");
            child.Process.Kill();   // SIGKILL: no handler, no cleanup
            child.Process.WaitForExit();
        }

        Assert.That(File.Exists(Path.Combine(killed, "ghn.safetensors")), Is.False, "the killed run must not have finished");
        var resumed = CliProcess.Run(["train", "--resume", checkpoint, "--threads", "1", "--out", killed]);

        Assert.That(resumed.Code, Is.Zero, resumed.Err);
        Assert.That(resumed.Out, Does.Contain("from step 10"));
        Assert.That(LogLines(killed), Is.EqualTo(LogLines(straight)), "train-log.jsonl: step, loss, accuracy, lr of every step");
        Assert.That(ConsoleLossLines(resumed.Out), Is.EqualTo(ConsoleLossLines(uninterrupted.Out).Where(l => !l.StartsWith("step 10 ", StringComparison.Ordinal))));
    }

    [Test]
    public void Train_OutputFolderReadOnly_OneClearErrorAndThePreviousCheckpointIntact()
    {
        RequireData();
        string run = Path.Combine(_dir, "run"), checkpoint = Path.Combine(run, "checkpoint.safetensors");
        Assert.That(CliProcess.Run(Train(10, run)).Code, Is.Zero);
        byte[] before = File.ReadAllBytes(checkpoint);
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var (code, _, error) = CliProcess.Run(["train", "--resume", checkpoint, "--steps", "20", "--threads", "1", "--out", run],
            wrapper: WithoutFolderPermissionOverride());

        Assert.That(code, Is.EqualTo(GhnQat.Cli.CliApp.ExitBadInput), error);
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: ").And.Contain(run).And.Contain("cannot write").And.Contain("left unchanged"));
        Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(run, "*.tmp"), Is.Empty);
    }

    [Test]
    public void Train_FileSizeLimitHitWhileCheckpointing_OneClearErrorAndThePreviousCheckpointIntactAndResumable()
    {
        RequireData();
        string run = Path.Combine(_dir, "run"), checkpoint = Path.Combine(run, "checkpoint.safetensors");
        Assert.That(CliProcess.Run(Train(10, run)).Code, Is.Zero);
        byte[] before = File.ReadAllBytes(checkpoint);
        Assert.That(before, Has.Length.GreaterThan(100 * 1024), "the checkpoint must exceed the limit below");

        // A full disk without root: files may not grow past 100 KiB (the 3 KB log still fits; the 176 KB checkpoint
        // does not), and SIGXFSZ is ignored so the write fails with EFBIG instead of killing the process. The .NET
        // runtime's W^X double mapping grows a memfd past such a limit and segfaults at start-up: turn it off.
        string[] limited = ["bash", "-c", "trap '' XFSZ; ulimit -f 100; exec \"$0\" \"$@\""];
        string[] resume = ["train", "--resume", checkpoint, "--steps", "20", "--threads", "1", "--out", run];
        var noDoubleMapping = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" };
        var (code, _, error) = CliProcess.Run(resume, noDoubleMapping, limited);

        Assert.That(code, Is.EqualTo(GhnQat.Cli.CliApp.ExitBadInput), error);
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.StartWith("error: " + checkpoint).And.Contain("File too large").And.Contain("left unchanged"));
        Assert.That(File.ReadAllBytes(checkpoint), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(run, "*.tmp"), Is.Empty);

        var again = CliProcess.Run(resume);
        Assert.That(again.Code, Is.Zero, again.Err);
        Assert.That(again.Out, Does.Contain("from step 10"));
        Assert.That(File.ReadAllLines(Path.Combine(run, "train-log.jsonl")), Has.Length.EqualTo(20));
    }

    [Test]
    public void Soak_NoVulkanDriver_ClearErrorOrCpuFallbackWhenAllowed()
    {
        // The loader finds no driver manifest: vkCreateInstance fails with VK_ERROR_INCOMPATIBLE_DRIVER.
        var noDriver = new Dictionary<string, string>
        {
            ["VK_DRIVER_FILES"] = "/nonexistent/ghnqat_icd.json",
            ["VK_ICD_FILENAMES"] = "/nonexistent/ghnqat_icd.json",
        };
        string json = Path.Combine(_dir, "soak.json");
        string[] soak = ["soak", "--inferences", "40", "--warmup", "10", "--samples", "1", "--backend", "vulkan"];

        var refused = CliProcess.Run(soak, noDriver);
        var fallback = CliProcess.Run([.. soak, "--allow-cpu-fallback", "--json", json], noDriver);

        Assert.That(refused.Code, Is.EqualTo(GhnQat.Cli.CliApp.ExitBadInput), refused.Out);
        Assert.That(refused.Err.Trim().Split('\n'), Has.Length.EqualTo(1), refused.Err);
        Assert.That(refused.Err, Does.StartWith("error: vkCreateInstance failed: VK_ERROR_INCOMPATIBLE_DRIVER").And.Contain("no usable Vulkan driver"));
        Assert.That(fallback.Code, Is.Zero, fallback.Err);
        Assert.That(fallback.Out, Does.Contain("falling back: vkCreateInstance failed: VK_ERROR_INCOMPATIBLE_DRIVER"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(report.RootElement.GetProperty("backend").GetString(), Is.EqualTo("cpu"));
        Assert.That(report.RootElement.GetProperty("mismatches").GetInt32(), Is.Zero);
    }

    private static string[] Train(int steps, string dir) =>
        ["train", "--preset", "tiny", "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", "1", "--out", dir];

    // Root ignores folder permissions: drop the capabilities that let it (setpriv, util-linux), else run as is.
    private static string[]? WithoutFolderPermissionOverride()
    {
        if (!Environment.IsPrivilegedProcess) return null;
        const string caps = "-dac_override,-dac_read_search,-fowner";
        if (!File.Exists("/usr/bin/setpriv")) Assert.Ignore("running as root without setpriv: a read-only folder cannot be made");
        return ["/usr/bin/setpriv", "--bounding-set", caps, "--inh-caps", caps];
    }

    private static void RequireData()
    {
        FashionMnistData.Require(DatasetSplit.Train);
    }

    // Every step of train-log.jsonl without its wall time.
    private static List<string> LogLines(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "train-log.jsonl")).Where(l => l.Length > 0).Select(l =>
        {
            using var step = JsonDocument.Parse(l);
            JsonElement r = step.RootElement;
            return $"{r.GetProperty("Step")} {r.GetProperty("Loss")} {r.GetProperty("Accuracy")} {r.GetProperty("LearningRate")} {r.GetProperty("Skipped")}";
        }).ToList();

    // "step N | loss x | acc y | lr z" of each console log line (the ms/step and ETA that follow differ between runs).
    private static List<string> ConsoleLossLines(string output) =>
        [.. LossLine().Matches(output).Select(m => m.Value)];

    [GeneratedRegex(@"^step \d+ \| loss \S+ \| acc [^|]+\| lr \S+", RegexOptions.Multiline)]
    private static partial Regex LossLine();
}
