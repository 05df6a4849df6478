// Runs independent torch work items on several threads, each with one intra-op thread.
using System.Collections.Concurrent;
using TorchSharp;

namespace GhnQat.Trainer;

/// <summary>Inter-op parallelism for many small, independent torch computations (target nets, test batches).</summary>
public static class Concurrency
{
    // Long-lived helper threads: libtorch work on a fresh thread runs measurably slower at first (per-thread caches
    // warm up), so threads are created once per process and kept.
    private static readonly BlockingCollection<Action> Work = new();
    private static readonly object Gate = new();
    private static int _helpers;

    /// <summary>
    /// Calls <paramref name="body"/> for 0..<paramref name="count"/>−1 on <paramref name="workers"/> threads (the
    /// caller's included), largest <paramref name="cost"/> first, each item taken when a thread is free — so a big
    /// net does not end up last on one thread while the other idles. Every thread runs torch with one intra-op
    /// thread, which these small convolutions use better than a shared pool. Exceptions propagate (aggregated).
    /// Torch's grad mode and TorchSharp's dispose scopes are per thread: <paramref name="body"/> sets up its own.
    /// </summary>
    public static void ForEachLargestFirst(int count, int workers, Func<int, long> cost, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(body);
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, count).OrderByDescending(cost).ThenBy(i => i));
        var errors = new ConcurrentQueue<Exception>();
        void Drain()
        {
            while (queue.TryDequeue(out int i))
            {
                try { body(i); }
                catch (Exception e) { errors.Enqueue(e); }
            }
        }
        int helpers = Math.Clamp(workers, 1, Math.Max(1, count)) - 1;
        EnsureHelpers(helpers);
        using var done = new CountdownEvent(helpers);
        for (int h = 0; h < helpers; h++)
            Work.Add(() =>
            {
                try { Drain(); }
                finally { done.Signal(); }
            });
        // The caller's own intra-op setting is restored afterwards: left at 1 it would silently change what later
        // torch work on this thread computes (and how fast).
        int callerThreads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            Drain();
            done.Wait();
        }
        finally
        {
            torch.set_num_threads(callerThreads);
        }
        if (!errors.IsEmpty) throw new AggregateException(errors);
    }

    private static void EnsureHelpers(int count)
    {
        lock (Gate)
        {
            for (; _helpers < count; _helpers++)
            {
                new Thread(() =>
                {
                    torch.set_num_threads(1);
                    foreach (var action in Work.GetConsumingEnumerable()) action();
                }) { IsBackground = true, Name = "ghnqat-torch" }.Start();
            }
        }
    }
}
