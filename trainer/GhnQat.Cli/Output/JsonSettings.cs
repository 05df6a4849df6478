// The --json option shared by every command that prints a table or a result summary.
using System.ComponentModel;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Output;

/// <summary>Settings base of commands with a machine-readable result (<see cref="JsonStdout"/>).</summary>
internal abstract class JsonSettings : CommandSettings
{
    /// <summary>Print the result as JSON on stdout.</summary>
    [CommandOption("--json")]
    [Description("Print the result as one JSON document on stdout (snake_case keys); log and progress lines go to stderr.")]
    public bool Json { get; init; }
}
