// Where an artifact came from: the exact command, the git commit, the time; stored in every file we write.
using System.Diagnostics;
using GhnQat.Runtime.IO;

namespace GhnQat.Cli.Output;

/// <summary>Provenance metadata for safetensors files and reports.</summary>
internal static class Provenance
{
    /// <summary>The arguments of the current CLI run (set by <see cref="CliApp.Run"/>).</summary>
    public static IReadOnlyList<string> Arguments { get; set; } = [];

    /// <summary>"ghnqat arg1 arg2 …" with arguments containing spaces quoted.</summary>
    public static string Command =>
        "ghnqat " + string.Join(' ', Arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    /// <summary>The current git commit (short), with "+dirty" when the tree has changes; "unknown" outside git.</summary>
    public static string Commit { get; } = ReadCommit();

    /// <summary>Metadata entries: command, commit, dataset and metrics (JSON) when given.</summary>
    public static Dictionary<string, string> Metadata(string? dataset = null, string? metricsJson = null)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SafetensorsMetadataKeys.Producer] = "ghnqat " + typeof(Provenance).Assembly.GetName().Version,
            [SafetensorsMetadataKeys.Command] = Command,
            [SafetensorsMetadataKeys.Commit] = Commit,
        };
        if (dataset is not null) meta[SafetensorsMetadataKeys.Dataset] = dataset;
        if (metricsJson is not null) meta[SafetensorsMetadataKeys.Metrics] = metricsJson;
        return meta;
    }

    private static string ReadCommit()
    {
        try
        {
            string head = Git("rev-parse --short=12 HEAD");
            if (head.Length == 0) return "unknown";
            return Git("status --porcelain --untracked-files=no").Length > 0 ? head + "+dirty" : head;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    private static string Git(string args)
    {
        var psi = new ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return p.ExitCode == 0 ? text : "";
    }
}
