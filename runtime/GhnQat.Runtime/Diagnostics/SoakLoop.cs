// The loop under a soak run: inferences, memory samples, and a warm-up that runs exactly the code the measurement runs
// until the JIT has settled, so that neither compiled code nor the JIT's caches move the memory being measured.
using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace GhnQat.Runtime.Diagnostics;

/// <summary>
/// Drives one soak: <see cref="Infer"/> runs inferences, <see cref="Sample"/> measures memory. The warm-up calls both
/// the same way the measurement does (<see cref="WarmUp"/>). The loops are compiled fully optimized at once
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): as tier-0 code they would be recompiled on the stack
/// (OSR) seconds into the run.
/// </summary>
internal sealed class SoakLoop(Func<int, bool> inference, Func<long>? liveObjects, Func<long>? createdObjects, bool trim)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Inferences run so far.</summary>
    public int Done { get; private set; }

    /// <summary>Inferences whose result was wrong.</summary>
    public int Mismatches { get; private set; }

    /// <summary>Seconds since the loop was created.</summary>
    public double Seconds => _clock.Elapsed.TotalSeconds;

    /// <summary>Vulkan objects created on the device so far (−1 without a device).</summary>
    public long CreatedObjects() => createdObjects?.Invoke() ?? -1;

    /// <summary>Runs inferences until <paramref name="until"/> are done; returns the bytes this thread allocated meanwhile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Infer(int until)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (; Done < until; Done++) Mismatches += inference(Done) ? 0 : 1;
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Collects garbage fully, trims the C heap where asked, and reads memory and object counts.</summary>
    public SoakSample Sample()
    {
        double seconds = Seconds;
        // Aggressive: the GC also decommits its free memory now instead of gradually over the next seconds, which
        // otherwise shows as RSS falling by several MB between samples.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        ResidentMemory beforeTrim = ProcessMemory.Read();
        ResidentMemory resident = trim && ProcessMemory.TrimNativeHeap() ? ProcessMemory.Read() : beforeTrim;
        return new SoakSample(Done, seconds, managed, resident, beforeTrim, liveObjects?.Invoke() ?? -1,
            JitInfo.GetCompiledMethodCount(currentThread: false));
    }

    /// <summary>
    /// The requested inferences in <see cref="SoakRunner.PrimingSamples"/> rounds, each followed by a discarded sample
    /// (all samples at the end where there are fewer inferences); then more such rounds until the JIT has compiled no
    /// method for <see cref="SoakRunner.JitQuietSeconds"/>. Returns false when that took longer than
    /// <paramref name="maxSettleSeconds"/> and the warm-up stopped anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool WarmUp(int requested, double maxSettleSeconds)
    {
        for (int round = 1; round <= SoakRunner.PrimingSamples; round++)
        {
            _ = Infer((int)((long)requested * round / SoakRunner.PrimingSamples));
            _ = Sample();
            _ = CreatedObjects();
        }

        // The same rounds go on: the sampling code keeps being called until it reaches its last tier, and the full
        // collections keep waking the finalizer thread, which flushes the JIT's slab cache.
        int perRound = Math.Max(1, requested / SoakRunner.PrimingSamples);
        double start = Seconds, quietSince = start;
        long compiled = JitInfo.GetCompiledMethodCount(currentThread: false);
        while (Seconds - quietSince < SoakRunner.JitQuietSeconds)
        {
            if (Seconds - start > maxSettleSeconds) return false;
            _ = Infer(Done + perRound);
            _ = Sample();
            _ = CreatedObjects();

            long now = JitInfo.GetCompiledMethodCount(currentThread: false);
            if (now != compiled) (compiled, quietSince) = (now, Seconds);
        }

        return true;
    }
}
