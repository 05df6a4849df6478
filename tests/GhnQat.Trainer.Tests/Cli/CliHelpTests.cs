// Every command the CLI registers (read from the root and branch help, so a new command is covered without editing
// this file) answers --help with exit 0, a description and at least one example; the root help lists the exit codes.
using System.Text.RegularExpressions;
using GhnQat.Cli;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
public sealed partial class CliHelpTests
{
    [Test]
    public void Help_Root_ListsExitCodesAndSharedOptions()
    {
        var (code, output, err) = Run("--help");

        Assert.That(code, Is.EqualTo(CliApp.ExitOk), err);
        Assert.That(output, Does.Contain("EXIT CODES:").And.Contain("--json").And.Contain("--verbose").And.Contain("docs/cli.md"));
        foreach (int exit in new[] { CliApp.ExitOk, CliApp.ExitBadInput, CliApp.ExitInternal, CliApp.ExitIo })
            Assert.That(output, Does.Match($@"\n\s+{exit}\s+\S"), $"exit code {exit} is listed");
    }

    [Test]
    public void Help_EveryRegisteredCommand_ExitOkWithDescriptionAndExample()
    {
        var commands = Commands([]).ToList();
        Assert.That(commands, Has.Count.GreaterThanOrEqualTo(15), string.Join(", ", commands.Select(c => string.Join(' ', c))));

        Assert.Multiple(() =>
        {
            foreach (string[] command in commands)
            {
                string name = string.Join(' ', command);
                var (code, output, err) = Run([.. command, "--help"]);
                Assert.That(code, Is.EqualTo(CliApp.ExitOk), $"{name}: {err}");
                Assert.That(output, Does.Contain("DESCRIPTION:"), name);
                Assert.That(output, Does.Contain("EXAMPLES:").And.Contain($"ghnqat {name} "), $"{name} shows an example of itself");
            }
        });
    }

    [Test]
    public void Run_BranchWithoutCommand_ExitBadInputOneLine()
    {
        var (code, output, err) = Run("archs");

        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(output, Does.Contain("COMMANDS:"), "the branch's help");
        Assert.That(err.Trim(), Does.StartWith("error: 'archs' needs a command").And.Not.Contain('\n'));
    }

    // Leaf commands below `prefix`: a command whose help has a COMMANDS section is a branch and is expanded.
    private static IEnumerable<string[]> Commands(string[] prefix)
    {
        var (_, output, _) = Run([.. prefix, "--help"]);
        int start = output.IndexOf("COMMANDS:", StringComparison.Ordinal);
        if (start < 0)
        {
            yield return prefix;
            yield break;
        }
        foreach (Match m in CommandLine().Matches(output[start..]))
        {
            foreach (string[] leaf in Commands([.. prefix, m.Groups[1].Value])) yield return leaf;
        }
    }

    // "    name   description" or "    show <FILE>    description": four spaces, the name, then the rest.
    [GeneratedRegex(@"^ {4}([a-z][a-z0-9-]*)\b", RegexOptions.Multiline)]
    private static partial Regex CommandLine();
}
