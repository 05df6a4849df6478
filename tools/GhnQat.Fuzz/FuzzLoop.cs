// The fuzzing loop of one target: pick a pool entry, stack 1–4 mutations, run it, keep inputs that show new behaviour.
using System.Diagnostics;

namespace GhnQat.Fuzz;

/// <summary>
/// Mutation fuzzing without coverage instrumentation. Feedback is the error-message template: an input that is
/// rejected by a rule never seen before (or accepted) joins the pool, so later mutations start from deeper inside
/// the format. A watchdog saves the current input and ends the process when one parse outlives the hang limit.
/// </summary>
internal sealed class FuzzLoop(IFuzzTarget target, FuzzOptions options, TextWriter log)
{
    private const int MaxPool = 4096;
    private const int MaxInputBytes = 4 << 20;

    // Larger inputs are run but not kept: a pool of bombs would slow every later execution by orders of magnitude.
    private const int MaxPoolEntryBytes = 64 << 10;

    public FuzzStats Run()
    {
        var stats = new FuzzStats(target.Name);
        string targetFolder = Path.Combine(options.OutFolder, target.Name);
        var findings = new FindingStore(target, Path.Combine(targetFolder, "findings"), options.HangLimit, log);
        var random = new Random(options.Seed);
        var pool = new List<byte[]>(target.Seeds());
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        var mutator = new Mutator(random, pool);
        using var watchdog = new Watchdog(options.HangLimit, input => OnHang(input, targetFolder, stats));

        var clock = Stopwatch.StartNew();
        var nextReport = TimeSpan.FromSeconds(30);
        while (clock.Elapsed < options.DurationPerTarget)
        {
            byte[] input = pool[random.Next(pool.Count)];
            for (int n = random.Next(1, 5); n > 0; n--) input = target.Mutate(input, mutator);
            if (input.Length > MaxInputBytes) input = input[..MaxInputBytes];

            watchdog.Begin(input);
            var result = Execution.Of(target, input, options.HangLimit);
            watchdog.End();
            stats.Executions++;
            if (result.Accepted) stats.Accepted++; else stats.Rejected++;
            if (result.Finding is { } finding)
            {
                findings.Add(input, finding);
            }
            else if ((signatures.Add(result.RejectSignature ?? "accepted") || (result.Accepted && random.Next(64) == 0))
                && input.Length <= MaxPoolEntryBytes)
            {
                if (pool.Count < MaxPool) pool.Add(input); else pool[random.Next(pool.Count)] = input;
            }
            if (clock.Elapsed > nextReport)
            {
                Snapshot(stats, signatures.Count, pool.Count, findings.Count, clock.Elapsed);
                log.WriteLine(stats.Line());
                nextReport += TimeSpan.FromSeconds(30);
            }
        }
        Snapshot(stats, signatures.Count, pool.Count, findings.Count, clock.Elapsed);
        Directory.CreateDirectory(targetFolder);
        File.WriteAllText(Path.Combine(targetFolder, "summary.txt"), stats.Line() + $" | seed {options.Seed}\n");
        File.WriteAllLines(Path.Combine(targetFolder, "signatures.txt"), signatures.Order(StringComparer.Ordinal));
        return stats;
    }

    private static void Snapshot(FuzzStats stats, int signatures, int pool, int findings, TimeSpan elapsed)
    {
        stats.Signatures = signatures;
        stats.PoolSize = pool;
        stats.Findings = findings;
        stats.Elapsed = elapsed;
    }

    // Called on the watchdog thread: the parse cannot be aborted, so save what hangs and end the process.
    private void OnHang(byte[] input, string targetFolder, FuzzStats stats)
    {
        string folder = Path.Combine(targetFolder, "findings");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, $"hang-{Environment.TickCount64}.bin");
        File.WriteAllBytes(path, input);
        log.WriteLine($"FINDING {target.Name} hang: one parse ran past {options.HangLimit.TotalMilliseconds:F0} ms -> {path}");
        log.WriteLine(stats.Line());
        log.Flush();
        Environment.Exit(3);
    }
}
