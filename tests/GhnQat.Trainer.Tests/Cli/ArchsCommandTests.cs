// `ghnqat archs sample|show|stats` run in-process: byte-identical output, summaries, one-line errors.
using GhnQat.Cli;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
public class ArchsCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ghnqat-archs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Sample_TwoRunsSameSeed_ByteIdenticalFiles()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        var first = Run("archs", "sample", "--split", "dense", "--count", "12", "--seed", "7", "--out", a);
        var second = Run("archs", "sample", "--split", "dense", "--count", "12", "--seed", "7", "--out", b);
        Assert.That(first.Code, Is.EqualTo(CliApp.ExitOk), first.Err);
        Assert.That(second.Code, Is.EqualTo(CliApp.ExitOk), second.Err);
        var names = Directory.GetFiles(a).Select(Path.GetFileName).Order().ToArray();
        Assert.That(names, Has.Length.EqualTo(12));
        Assert.That(names[0], Is.EqualTo("dense-00000.json"));
        foreach (string? name in names)
            Assert.That(File.ReadAllBytes(Path.Combine(b, name!)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, name!))), name);
        Assert.That(first.Out.Trim(), Does.StartWith("wrote 12 dense nets (seed 7)").And.Not.Contain("\n"));
    }

    [Test]
    public void Show_SampledFile_PrintsGraphSummary()
    {
        Run("archs", "sample", "--split", "bnfree", "--count", "1", "--seed", "3", "--out", _dir);
        var (code, output, err) = Run("archs", "show", Path.Combine(_dir, "bnfree-00000.json"), "--detail");
        Assert.That(code, Is.EqualTo(CliApp.ExitOk), err);
        Assert.That(output, Does.Contain("spec        bnfree-s3-00000"));
        Assert.That(output, Does.Contain("graph nodes").And.Contain("virtual (s ≤ 50)").And.Contain("MACs"));
        Assert.That(output, Does.Contain("fc.bias").And.Contain("ClassifierBias"));
        Assert.That(output, Does.Not.Contain(" bn "), "a BN-free net has no bn graph node");
    }

    [Test]
    public void Show_InvalidSpec_OneLineErrorNamingNode()
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, "{\"schema\": \"ghnqat.archspec\", \"version\": 1, \"name\": \"bad\", " +
            "\"input\": {\"channels\": 1, \"height\": 28, \"width\": 28}, \"classes\": 10, \"nodes\": [" +
            "{\"id\": \"g\", \"op\": \"gap\", \"inputs\": [\"ghost\"]}, {\"id\": \"fc\", \"op\": \"linear\", \"inputs\": [\"g\"], \"out\": 10}]}");
        var (code, _, err) = Run("archs", "show", path);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(err.Trim(), Does.StartWith("error: ").And.Contain("node 'g': input 'ghost'").And.Not.Contain("\n"));
    }

    [Test]
    public void Sample_UnknownSplit_ExitBadInputListingSplits()
    {
        var (code, _, err) = Run("archs", "sample", "--split", "huge", "--count", "1", "--out", _dir);
        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(err, Does.Contain("expected one of train, id, wide, deep, dense, bnfree"));
    }

    [Test]
    public void Stats_OneSplit_PrintsMarkdownRow()
    {
        var (code, output, err) = Run("archs", "stats", "--split", "train", "--count", "20", "--seed", "1");
        Assert.That(code, Is.EqualTo(CliApp.ExitOk), err);
        Assert.That(output, Does.Contain("| train | 20 |"));
    }

    [Test]
    public void Sample_OutFolderUnderAFile_ExitIoOneLineError()
    {
        string file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "x");
        var (code, _, err) = Run("archs", "sample", "--split", "id", "--count", "1", "--out", Path.Combine(file, "sub"));
        Assert.That(code, Is.EqualTo(CliApp.ExitIo));
        Assert.That(err.Trim(), Does.StartWith("error: ").And.Not.Contain("\n"));
    }

    [TestCase("archs", "sample")]
    [TestCase("archs", "show")]
    [TestCase("archs", "stats")]
    public void Help_EveryCommand_ShowsUsageAndExample(string branch, string command)
    {
        var (code, output, err) = Run(branch, command, "--help");
        Assert.That(code, Is.EqualTo(CliApp.ExitOk), err);
        Assert.That(output, Does.Contain("USAGE:").And.Contain("EXAMPLES:").And.Contain($"ghnqat {branch} {command}"));
    }
}
