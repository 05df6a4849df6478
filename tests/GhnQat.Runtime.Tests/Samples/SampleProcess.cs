// Runs a numbered sample's built program (`dotnet samples/<folder>/bin/<config>/<tfm>/<rid>/<name>.dll`) from the repo
// root, as its README says, and collects exit code, stdout and stderr.
using System.Diagnostics;
using System.Text;

namespace GhnQat.Runtime.Tests.Samples;

/// <summary>The outcome of one sample run.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="Output">Stdout and stderr, in arrival order.</param>
internal sealed record SampleRun(int ExitCode, string Output);

/// <summary>Finds and runs the samples built beside this test assembly.</summary>
internal static class SampleProcess
{
    /// <summary>The repository root: the folder above the tests that holds GhnQat.Edge.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// The sample's program, built with this assembly's configuration, framework and RID: the tests' output folder
    /// below their project's bin/ (e.g. Release/net10.0/linux-x64) is the sample's too (one Directory.Build.props).
    /// The test project references the samples (ReferenceOutputAssembly=false), so they are built first.
    /// </summary>
    public static string ProgramPath(string folder, string assemblyName)
    {
        string testBin = Path.Combine(RepoRoot, "tests", "GhnQat.Runtime.Tests", "bin");
        string outputTail = Path.GetRelativePath(testBin, AppContext.BaseDirectory);
        if (outputTail.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(outputTail))
            Assert.Fail($"the test assembly runs from {AppContext.BaseDirectory}, not below {testBin}: cannot tell which build of the samples to run");
        string path = Path.Combine(RepoRoot, "samples", folder, "bin", outputTail, assemblyName + ".dll");
        if (!File.Exists(path)) Assert.Fail($"{path} is missing: build the solution (scripts/setup) first");
        return path;
    }

    /// <summary>Runs the sample with <paramref name="args"/> from the repo root, at most <paramref name="timeoutSeconds"/>.</summary>
    public static SampleRun Run(string folder, string assemblyName, IEnumerable<string>? args = null, int timeoutSeconds = 120)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ProgramPath(folder, assemblyName));
        foreach (string a in args ?? []) psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"sample {folder} did not finish within {timeoutSeconds} s:{Environment.NewLine}{output}");
        }

        process.WaitForExit();   // drains the asynchronous readers
        lock (output) return new SampleRun(process.ExitCode, output.ToString());
    }

    private static void Append(StringBuilder into, string? line)
    {
        if (line is null) return;
        lock (into) into.Append(line).Append('\n');
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GhnQat.Edge.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("GhnQat.Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
