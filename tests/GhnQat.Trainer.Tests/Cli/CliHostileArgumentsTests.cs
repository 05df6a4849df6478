// Hostile command lines: unknown commands and options, missing or wrong-kind files, out-of-range numbers. Each must
// end with exit code 2 (bad input) or 74 (I/O) and exactly one "error: …" line on stderr, never a stack trace.
using GhnQat.Cli;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
public sealed class CliHostileArgumentsTests
{
    private const string Dir = "{dir}";

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ghnqat-cli-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "empty.json"), "");
        File.WriteAllBytes(Path.Combine(_dir, "latin1.json"), [0x7B, 0x22, 0xE9, 0x22, 0x7D]); // {"é"} in Latin-1
        Directory.CreateDirectory(Path.Combine(_dir, "folder.json"));
        File.WriteAllText(Path.Combine(_dir, "file"), "x");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData Case(string name, int code, string fragment, params string[] args) =>
            new TestCaseData(args, code, fragment).SetName($"Run_{name}_Exit{code}OneLine");

        yield return Case("UnknownCommand", CliApp.ExitBadInput, "frobnicate", "frobnicate");
        yield return Case("UnknownSubcommand", CliApp.ExitBadInput, "teleport", "archs", "teleport");
        yield return Case("UnknownOption", CliApp.ExitBadInput, "unknown option or argument '--frob'", "archs", "sample", "--frob", "1", "--out", Dir);
        yield return Case("UnknownShortOption", CliApp.ExitBadInput, "'-z'", "archs", "stats", "-z", "--count", "1");
        yield return Case("ExtraArgumentAfterDoubleDash", CliApp.ExitBadInput, "'extra'", "archs", "stats", "--count", "1", "--", "extra");
        yield return Case("OptionWithoutValue", CliApp.ExitBadInput, "'split' is defined but no value", "archs", "sample", "--out", Dir, "--split");
        yield return Case("MissingFileArgument", CliApp.ExitBadInput, "FILE", "archs", "show");
        yield return Case("MissingFile", CliApp.ExitBadInput, "file not found", "archs", "show", Dir + "/absent.json");
        yield return Case("DirectoryInsteadOfFile", CliApp.ExitBadInput, "is a directory", "archs", "show", Dir + "/folder.json");
        yield return Case("EmptySpecFile", CliApp.ExitBadInput, "bad JSON at line 1", "archs", "show", Dir + "/empty.json");
        yield return Case("Latin1SpecFile", CliApp.ExitBadInput, "not valid UTF-8 at byte 2", "archs", "show", Dir + "/latin1.json");
        yield return Case("CountZero", CliApp.ExitBadInput, "--count must be 1..100000, got 0",
            "archs", "sample", "--count", "0", "--out", Dir);
        yield return Case("CountAboveCap", CliApp.ExitBadInput, "--count must be 1..100000, got 100001",
            "archs", "sample", "--count", "100001", "--out", Dir);
        yield return Case("CountNegative", CliApp.ExitBadInput, "--count must be 1..100000, got -5", "archs", "stats", "--count", "-5");
        yield return Case("CountNotANumber", CliApp.ExitBadInput, "abc", "archs", "sample", "--count", "abc", "--out", Dir);
        yield return Case("CountBeyondInt32", CliApp.ExitBadInput, "99999999999", "archs", "stats", "--count", "99999999999");
        yield return Case("SeedNegative", CliApp.ExitBadInput, "-1", "archs", "stats", "--seed", "-1", "--count", "1");
        yield return Case("SmaxZero", CliApp.ExitBadInput, "must be ≥ 1, got 0", "archs", "show", Dir + "/spec.json", "--smax", "0");
        yield return Case("UnknownSplit", CliApp.ExitBadInput, "expected one of train", "archs", "stats", "--split", "x", "--count", "1");
        yield return Case("OutUnderAFile", CliApp.ExitIo, "file", "archs", "sample", "--count", "1", "--out", Dir + "/file/sub");
        yield return Case("JsonMissingFile", CliApp.ExitBadInput, "file not found", "archs", "show", Dir + "/absent.json", "--json");
        yield return Case("JsonWithAValue", CliApp.ExitBadInput, "'yes'", "archs", "stats", "--count", "1", "--json", "yes");
        yield return Case("JsonOutUnderAFile", CliApp.ExitIo, "file", "archs", "sample", "--count", "1", "--out", Dir + "/file/sub", "--json");
        yield return Case("BranchWithoutCommand", CliApp.ExitBadInput, "needs a command", "archs");
        yield return Case("SoakNegativeJitSettle", CliApp.ExitBadInput, "--max-jit-settle 0..3600", "soak", "--max-jit-settle", "-1");
    }

    [TestCaseSource(nameof(Cases))]
    public void Run_HostileArguments_ExitCodeAndOneErrorLine(string[] args, int code, string fragment)
    {
        string spec = Path.Combine(_dir, "spec.json");
        var sampled = Run("archs", "sample", "--split", "id", "--count", "1", "--out", _dir);
        Assert.That(sampled.Code, Is.EqualTo(CliApp.ExitOk), sampled.Err);
        File.Move(Path.Combine(_dir, "id-00000.json"), spec);

        var (exit, _, err) = Run(args.Select(a => a.Replace(Dir, _dir, StringComparison.Ordinal)).ToArray());

        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(code), err);
            Assert.That(lines, Has.Length.EqualTo(1), "exactly one line on stderr");
            Assert.That(err, Does.StartWith("error: ").And.Contain(fragment));
            Assert.That(err, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace or exception type");
        });
    }
}
