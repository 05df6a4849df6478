// Counters of one target's run, and the one-line summary written to the console and to summary.txt.
using System.Globalization;

namespace GhnQat.Fuzz;

/// <summary>What one target's run did: executions, accepted and rejected inputs, distinct behaviours, findings.</summary>
internal sealed class FuzzStats(string target)
{
    public string Target { get; } = target;
    public long Executions { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public int Signatures { get; set; }
    public int Findings { get; set; }
    public int PoolSize { get; set; }
    public TimeSpan Elapsed { get; set; }

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"target {Target} | {Elapsed.TotalMinutes:F1} min | {Executions} execs | {Executions / Math.Max(Elapsed.TotalSeconds, 1e-9):F0} exec/s | " +
        $"accepted {Accepted} | rejected {Rejected} | error signatures {Signatures} | pool {PoolSize} | findings {Findings}");
}
