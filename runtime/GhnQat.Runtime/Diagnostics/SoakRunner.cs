// Runs many inferences through one backend and samples memory after a warm-up, so a leak shows as growth: the managed
// heap after a full collection, the process RSS, bytes allocated per inference and Vulkan objects created.
using System.Diagnostics;
using System.Runtime.InteropServices;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Diagnostics;

/// <summary>Soak tests of the inference backends (docs/reliability.md, "Soak").</summary>
public static class SoakRunner
{
    /// <summary>
    /// Soaks one Vulkan worker: inference i schedules image (i mod <paramref name="imageCount"/>) of
    /// <paramref name="images"/> ([imageCount, C, H, W]) as a one-image job, waits, and compares its logits bit for bit
    /// with <see cref="CpuReference"/>'s. Also counts the Vulkan objects created on the worker's device after warm-up.
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument for bad options or image count; Vulkan errors of the worker.</exception>
    public static SoakReport RunVulkan(VulkanWorker worker, ReadOnlySpan<float> images, int imageCount, SoakOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        int perImage = CheckImages(worker.Network, images, imageCount);
        int classes = worker.Network.Spec.Classes;
        float[] expected = new CpuReference(worker.Network).Run(images, imageCount).Logits;
        float[] input = images.ToArray();
        VulkanObjectCounter objects = worker.Device.Objects;
        return Run(options, i =>
        {
            int k = i % imageCount;
            worker.Schedule(input.AsSpan(k * perImage, perImage), 1).Wait();
            return SameBits(worker.PeekOutput(), expected.AsSpan(k * classes, classes));
        }, () => objects.TotalLive, () => objects.TotalCreated);
    }

    /// <summary>
    /// Soaks <see cref="CpuReference"/> the same way (the backend a caller falls back to without Vulkan); each
    /// inference's logits are compared with those of a first run over all images.
    /// </summary>
    public static SoakReport RunCpu(QuantizedNetwork network, ReadOnlySpan<float> images, int imageCount, SoakOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        int perImage = CheckImages(network, images, imageCount);
        int classes = network.Spec.Classes;
        var cpu = new CpuReference(network);
        float[] expected = cpu.Run(images, imageCount).Logits;
        float[] input = images.ToArray();
        return Run(options, i =>
        {
            int k = i % imageCount;
            return SameBits(cpu.Run(input.AsSpan(k * perImage, perImage), 1).Logits, expected.AsSpan(k * classes, classes));
        });
    }

    /// <summary>
    /// Runs <paramref name="inference"/>(i) for i = 0 … Inferences − 1 (it returns whether the result was correct);
    /// samples memory once after the warm-up (the baseline) and then <see cref="SoakOptions.Samples"/> times.
    /// <paramref name="liveObjects"/> and <paramref name="createdObjects"/> read a device's object counts (null: none).
    /// </summary>
    public static SoakReport Run(SoakOptions? options, Func<int, bool> inference, Func<long>? liveObjects = null, Func<long>? createdObjects = null)
    {
        ArgumentNullException.ThrowIfNull(inference);
        options ??= new SoakOptions();
        int total = options.Inferences, warmup = options.WarmupInferences;
        if (total < 1 || warmup < 0 || warmup >= total || options.Samples < 1)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"soak: need Inferences ≥ 1, 0 ≤ WarmupInferences < Inferences and Samples ≥ 1, got {total}, {warmup}, {options.Samples}");
        int intervals = Math.Min(options.Samples, total - warmup);

        var clock = Stopwatch.StartNew();
        int mismatches = 0, done = 0;
        for (; done < warmup; done++) mismatches += inference(done) ? 0 : 1;
        var samples = new List<SoakSample>(intervals + 1) { Sample(done, clock, liveObjects) };
        long createdAtBaseline = createdObjects?.Invoke() ?? -1;
        long allocated = 0;
        for (int s = 1; s <= intervals; s++)
        {
            int until = warmup + (int)((long)(total - warmup) * s / intervals);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (; done < until; done++) mismatches += inference(done) ? 0 : 1;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            samples.Add(Sample(done, clock, liveObjects));
        }

        return new SoakReport
        {
            Inferences = total,
            WarmupInferences = warmup,
            Samples = samples,
            SteadyStateAllocatedBytes = allocated,
            VulkanObjectsCreatedAfterWarmup = createdObjects is null ? -1 : createdObjects() - createdAtBaseline,
            Mismatches = mismatches,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private static SoakSample Sample(int inference, Stopwatch clock, Func<long>? liveObjects)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        // Aggressive: the GC also decommits its free memory now instead of gradually over the next seconds, which
        // otherwise shows as RSS falling by several MB between samples.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        return new SoakSample(inference, seconds, managed, ProcessMemory.ResidentBytes(), ProcessMemory.ResidentSharedBytes(),
            liveObjects?.Invoke() ?? -1);
    }

    private static int CheckImages(QuantizedNetwork network, ReadOnlySpan<float> images, int imageCount)
    {
        int perImage = (int)network.Spec.Input.ElementCount;
        return imageCount >= 1 && images.Length == imageCount * perImage ? perImage
            : throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"soak: {images.Length} floats for {imageCount} images of {perImage} floats each");
    }

    // Bit patterns, so −0 vs +0 or NaN payloads count as differences too.
    private static bool SameBits(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected) =>
        MemoryMarshal.Cast<float, int>(actual).SequenceEqual(MemoryMarshal.Cast<float, int>(expected));
}
