// Runs many inferences through one backend and samples memory after a warm-up, so a leak shows as growth: the managed
// heap after a full collection, the process RSS, bytes allocated per inference and Vulkan objects created.
using System.Runtime.CompilerServices;
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
    /// Rounds of the warm-up that end in a sample, its result discarded: twice .NET's tier-up threshold of 30 calls
    /// (tier 0 → instrumented tier 1 → tier 1), so that the JIT has compiled and optimized everything a sample executes
    /// (the file reads, the collections, the callbacks a full collection triggers) before the baseline. Without this the
    /// JIT compiles that code during the measurement, and its code and bookkeeping grow the very RSS being measured
    /// (about 1 MB over 20 samples; docs/reliability.md, "Soak").
    /// </summary>
    public const int PrimingSamples = 64;

    /// <summary>
    /// After the priming rounds the warm-up goes on until the JIT has compiled no method for this long. Tiered
    /// compilation promotes hot methods in the background in batches; and the runtime keeps the JIT's freed scratch
    /// memory (slabs, up to 16 MB) cached and frees it in two generations, one every 2 s, so up to 4 s after the last
    /// compilation (measured with a 1 s wait: 3.0 MB of C heap freed 2.5 s after the last compilation, 1.8 % of the RSS;
    /// gone with <c>DOTNET_JitHostMaxSlabCache=0</c>).
    /// </summary>
    public const double JitQuietSeconds = 5.0;

    /// <summary>
    /// Runs <paramref name="inference"/>(i) for i = 0, 1, …: a warm-up of at least <see cref="SoakOptions.WarmupInferences"/>
    /// (longer until the JIT has settled, see <see cref="JitQuietSeconds"/>), then exactly Inferences − WarmupInferences
    /// measured ones; <paramref name="inference"/> returns whether the result was correct. Samples memory once after the
    /// warm-up (the baseline) and then <see cref="SoakOptions.Samples"/> times.
    /// <paramref name="liveObjects"/> and <paramref name="createdObjects"/> read a device's object counts (null: none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // runs once: compiled optimized at once, never recompiled (OSR) mid-run
    public static SoakReport Run(SoakOptions? options, Func<int, bool> inference, Func<long>? liveObjects = null, Func<long>? createdObjects = null)
    {
        ArgumentNullException.ThrowIfNull(inference);
        options ??= new SoakOptions();
        int measured = options.Inferences - options.WarmupInferences;
        if (options.Inferences < 1 || options.WarmupInferences < 0 || measured < 1 || options.Samples < 1 || !(options.MaxJitSettleSeconds >= 0))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"soak: need Inferences ≥ 1, 0 ≤ WarmupInferences < Inferences, Samples ≥ 1 and MaxJitSettleSeconds ≥ 0, got " +
                $"{options.Inferences}, {options.WarmupInferences}, {options.Samples}, {options.MaxJitSettleSeconds}");
        int intervals = Math.Min(options.Samples, measured);

        var loop = new SoakLoop(inference, liveObjects, createdObjects, options.TrimNativeHeap);
        bool jitSettled = loop.WarmUp(options.WarmupInferences, options.MaxJitSettleSeconds);
        int warmup = loop.Done;
        var samples = new SoakSample[intervals + 1];
        samples[0] = loop.Sample();
        long createdAtBaseline = loop.CreatedObjects();
        long allocated = 0;
        for (int s = 1; s <= intervals; s++)
        {
            allocated += loop.Infer(warmup + (int)((long)measured * s / intervals));
            samples[s] = loop.Sample();
        }

        return new SoakReport
        {
            Inferences = loop.Done,
            WarmupInferences = warmup,
            JitSettledBeforeBaseline = jitSettled,
            Samples = samples,
            SteadyStateAllocatedBytes = allocated,
            VulkanObjectsCreatedAfterWarmup = createdObjects is null ? -1 : loop.CreatedObjects() - createdAtBaseline,
            NativeHeapTrimmed = options.TrimNativeHeap && ProcessMemory.CanTrimNativeHeap,
            Mismatches = loop.Mismatches,
            Seconds = loop.Seconds,
        };
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
