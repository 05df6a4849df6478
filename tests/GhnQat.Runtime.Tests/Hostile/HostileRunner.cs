// Runs one parse on its own thread with a wall-clock budget and counts what that thread allocated.
using System.Diagnostics;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>
/// Bounded execution for hostile inputs: a parse that hangs fails its test after the budget instead of hanging the
/// run, and <see cref="GC.GetAllocatedBytesForCurrentThread"/> is read on the parsing thread itself, so the count is
/// exactly the parser's (the arrange step and NUnit's bookkeeping run elsewhere).
/// </summary>
internal static class HostileRunner
{
    /// <summary>Default allocation bound: far below any size a hostile header claims (gigabytes to terabytes).</summary>
    public const long DefaultAllocationLimitBytes = 16L << 20;

    /// <summary>Wall-clock budget per parse; generous because tests may run at nice 19 beside a training job.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    public static HostileOutcome Run(Action parse, TimeSpan budget)
    {
        HostileOutcome? outcome = null;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            Exception? error = null;
            try
            {
                parse();
            }
#pragma warning disable CA1031 // Every exception type is the observation here; the test judges it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }
            outcome = new HostileOutcome(true, error, GC.GetAllocatedBytesForCurrentThread() - before, watch.Elapsed);
        })
        {
            IsBackground = true, // a parse that never returns must not keep the test host alive
            Name = "hostile-parse",
        };
        thread.Start();
        return thread.Join(budget) ? outcome! : new HostileOutcome(false, null, 0, budget);
    }
}
