// Runs the ghnqat CLI as a child process (dotnet ghnqat.dll …), for the fault tests that kill it, limit its file
// size or take away its permissions; in-process runs (CliRunner) cannot be killed or limited.
using System.Diagnostics;
using System.Text;

namespace GhnQat.Trainer.Tests.Cli;

/// <summary>A running <c>ghnqat</c> child process whose stdout and stderr are collected.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    private CliProcess(Process process) => Process = process;

    /// <summary>The child.</summary>
    public Process Process { get; }

    /// <summary>Stdout so far (complete once the process has exited).</summary>
    public string Output
    {
        get { lock (_out) return _out.ToString(); }
    }

    /// <summary>Stderr so far (complete once the process has exited).</summary>
    public string Error
    {
        get { lock (_err) return _err.ToString(); }
    }

    /// <summary>
    /// Starts <c>dotnet ghnqat.dll <paramref name="args"/></c> (the CLI built beside the tests), optionally under
    /// <paramref name="wrapper"/> (e.g. setpriv …, or bash -c '…; exec "$0" "$@"') and with extra environment variables.
    /// </summary>
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? wrapper = null)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var command = new List<string>(wrapper ?? []) { dotnet, Path.Combine(AppContext.BaseDirectory, "ghnqat.dll") };
        command.AddRange(args);
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in command.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        var process = new Process { StartInfo = psi };
        var child = new CliProcess(process);
        process.OutputDataReceived += (_, e) => Append(child._out, e.Data);
        process.ErrorDataReceived += (_, e) => Append(child._err, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to completion (at most <paramref name="timeoutSeconds"/>) and returns exit code, stdout, stderr.</summary>
    public static (int Code, string Out, string Err) Run(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? wrapper = null, int timeoutSeconds = 120)
    {
        using CliProcess child = Start(args, environment, wrapper);
        if (!child.Process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            child.Process.Kill(entireProcessTree: true);
            Assert.Fail($"ghnqat {string.Join(' ', args)} did not finish within {timeoutSeconds} s:{Environment.NewLine}{child.Output}");
        }

        child.Process.WaitForExit();   // drains the asynchronous readers
        return (child.Process.ExitCode, child.Output, child.Error);
    }

    /// <summary>Kills the child if it still runs.</summary>
    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }

    private static void Append(StringBuilder into, string? line)
    {
        if (line is null) return;
        lock (into) into.Append(line).Append('\n');
    }
}
