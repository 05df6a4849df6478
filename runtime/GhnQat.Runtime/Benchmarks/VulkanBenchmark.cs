// The Vulkan backend against ONNX Runtime (fp32 float net, int8 ConvInteger graph) and the CPU reference on the
// same ID nets, whole net and per layer, at W8A8/W4A8/W4A4/W2A2. `ghnqat bench` and the GPU check both run this.
using System.Diagnostics;
using System.Globalization;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using Microsoft.ML.OnnxRuntime;

namespace GhnQat.Runtime.Benchmarks;

/// <summary>What <see cref="VulkanBenchmark.Run"/> measures.</summary>
public sealed record VulkanBenchmarkOptions
{
    /// <summary>ID nets around the median MAC count of <c>ArchSpace.Sample(Id, 101, 1)</c>, 1..101.</summary>
    public int Nets { get; init; } = 3;
    /// <summary>Images per call (the first test images).</summary>
    public int Batch { get; init; } = 64;
    /// <summary>Timed calls per backend; the best is reported (after one warm-up call).</summary>
    public int Repeats { get; init; } = 5;
    /// <summary>Quantization schemes, in report order.</summary>
    public IReadOnlyList<string> Schemes { get; init; } = ["w8a8", "w4a8", "w4a4", "w2a2"];
}

/// <summary>Device time of one kernel ("input", then each layer's op node id) for one batch.</summary>
public sealed record VulkanBenchmarkLayer(string Kernel, double Ms);

/// <summary>One net at one scheme: images per second of every backend and Vulkan's per-kernel device time.</summary>
public sealed record VulkanBenchmarkRow(string Net, long Macs, string Scheme, double VulkanImagesPerSecond, double OrtInt8ImagesPerSecond,
    double OrtFp32ImagesPerSecond, double CpuReferenceImagesPerSecond, bool LogitsExact, IReadOnlyList<VulkanBenchmarkLayer> Layers);

/// <summary>A whole benchmark run: where it ran and one row per (net, scheme).</summary>
/// <param name="Device">Vulkan device name, driver name and driver info.</param>
/// <param name="Cpu">CPU model and logical cores of the host (where ORT and the CPU reference ran).</param>
/// <param name="OrtVersion">ONNX Runtime version string.</param>
public sealed record VulkanBenchmarkReport(string Device, string Cpu, string OrtVersion, int Batch, int Repeats, int Nets,
    IReadOnlyList<VulkanBenchmarkRow> Rows)
{
    /// <summary>True when Vulkan's logits equalled the CPU reference's in every row.</summary>
    public bool AllLogitsExact => Rows.All(r => r.LogitsExact);

    /// <summary>The report as markdown: a table of all rows, then per-layer device times per net.</summary>
    public string ToMarkdown(string command)
    {
        var md = new System.Text.StringBuilder();
        md.AppendLine("# Vulkan backend benchmark").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Device: **{Device}**. Host CPU: **{Cpu}**. Batch {Batch}, best of {Repeats} calls after a warm-up; ");
        md.AppendLine(CultureInfo.InvariantCulture, $"ORT {OrtVersion} CPU with ORT_ENABLE_ALL on every core: fp32 = the float net (calibrated BN), int8 = the exported integer");
        md.AppendLine("graph (ConvInteger / MatMulInteger, docs/onnx.md) run for its logits; CPU reference = `CpuReference` (1 thread).");
        md.AppendLine(CultureInfo.InvariantCulture, $"Nets: {Nets} ID nets around the median MAC count of `ArchSpace.Sample(Id, 101, 1)`, Kaiming weights.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`.").AppendLine();
        md.AppendLine("| net | M MACs | scheme | Vulkan img/s | ORT int8 img/s | ORT fp32 img/s | CPU ref img/s | Vulkan / ORT int8 | Vulkan / ORT fp32 | logits exact |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Net} | {r.Macs / 1e6:F2} | {r.Scheme} | {r.VulkanImagesPerSecond:F0} | {r.OrtInt8ImagesPerSecond:F0} | {r.OrtFp32ImagesPerSecond:F0} | {r.CpuReferenceImagesPerSecond:F0} | {r.VulkanImagesPerSecond / r.OrtInt8ImagesPerSecond:F2}× | {r.VulkanImagesPerSecond / r.OrtFp32ImagesPerSecond:F2}× | {r.LogitsExact} |");
        }

        foreach (var net in Rows.GroupBy(r => r.Net))
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Per layer: {net.Key} (Vulkan device ms per batch, timestamps)").AppendLine();
            md.AppendLine("| kernel | " + string.Join(" | ", net.Select(r => r.Scheme)) + " |");
            md.AppendLine("|---|" + string.Concat(net.Select(_ => "---|")));
            var first = net.First();
            for (int k = 0; k < first.Layers.Count; k++)
            {
                string times = string.Join(" | ", net.Select(r => r.Layers[k].Ms.ToString("F2", CultureInfo.InvariantCulture)));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {first.Layers[k].Kernel} | {times} |");
            }
        }
        return md.ToString();
    }
}

/// <summary>Images per second of every backend on the same nets and images, in one run (ratios), device and host named.</summary>
public static class VulkanBenchmark
{
    /// <summary>
    /// Runs the benchmark on <paramref name="device"/>: the first Batch images of <paramref name="test"/>, nets calibrated
    /// on all of <paramref name="calibration"/>; <paramref name="progress"/> sees each row as it is measured.
    /// </summary>
    /// <exception cref="GhnQatException">Options out of range (InvalidArgument); a Vulkan call failed (VulkanError).</exception>
    public static VulkanBenchmarkReport Run(VulkanDevice device, ImageDataset test, ImageDataset calibration, VulkanBenchmarkOptions options,
        Action<VulkanBenchmarkRow>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Nets is < 1 or > 101 || options.Batch < 1 || options.Repeats < 1)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "benchmark: nets must be 1..101, batch and repeats ≥ 1");
        var sorted = ArchSpace.Sample(ArchSplit.Id, 101, 1).OrderBy(a => a.Macs).ToList();
        var specs = sorted.Skip(Math.Max(0, 50 - (options.Nets / 2))).Take(options.Nets).ToList();
        int n = Math.Min(options.Batch, test.Count);
        float[] images = Normalized(test, n);
        float[] calibImages = Normalized(calibration, calibration.Count);
        var ortOptions = new OnnxRunnerOptions { OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpThreads = Environment.ProcessorCount };

        var rows = new List<VulkanBenchmarkRow>();
        foreach (var spec in specs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var net = KaimingInitializer.Create(spec, 1);
            var cal = Calibrator.Calibrate(net, calibImages, calibration.Count, batchSize: 32);   // the float net's, for ORT fp32
            using var ortFloat = new OnnxRunner(FloatOnnxExporter.Export(net, new FloatOnnxExportOptions { BatchNormStatistics = cal.BatchNorm }), ortOptions);
            double fp32 = Best(options.Repeats, () => ortFloat.Run(images, n, ["logits"]));
            foreach (string scheme in options.Schemes)
            {
                var q = Quantizer.Quantize(net, Calibrator.CalibrateFor(net, QuantScheme.Parse(scheme), calibImages, calibration.Count, batchSize: 32),
                    QuantScheme.Parse(scheme));
                using var ortInt = new OnnxRunner(QuantizedOnnxExporter.Export(q), ortOptions);
                double int8 = Best(options.Repeats, () => ortInt.Run(images, n, ["logits"]));
                var cpu = new CpuReference(q);
                double reference = Best(1, () => cpu.Run(images, n));
                using var worker = new VulkanWorker(device, q, new VulkanWorkerOptions { MaxBatch = n, EnableProfiling = true });
                double vulkan = Best(options.Repeats, () => worker.Schedule(images, n).Wait());
                var kernelMs = new double[worker.KernelCount];
                worker.ReadProfile(kernelMs);
                bool exact = worker.PeekOutput().SequenceEqual(cpu.Run(images, n).Logits);
                var layers = Enumerable.Range(0, worker.KernelCount).Select(k => new VulkanBenchmarkLayer(worker.KernelName(k), kernelMs[k])).ToList();
                var row = new VulkanBenchmarkRow(spec.Name, spec.Macs, scheme, n / vulkan, n / int8, n / fp32, n / reference, exact, layers);
                rows.Add(row);
                progress?.Invoke(row);
            }
        }
        return new VulkanBenchmarkReport(DeviceDescription(device.Info), CpuDescription(), OrtEnv.Instance().GetVersionString(),
            n, options.Repeats, options.Nets, rows);
    }

    /// <summary>"name (driver name driver info)", as the reports name a Vulkan device.</summary>
    public static string DeviceDescription(VulkanPhysicalDeviceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return $"{info.Name} ({info.DriverName} {info.DriverInfo})";
    }

    /// <summary>The CPU's model name from /proc/cpuinfo (or "unknown CPU") and the logical core count.</summary>
    public static string CpuDescription()
    {
        const string cpuInfo = "/proc/cpuinfo";
        string? model = File.Exists(cpuInfo)
            ? File.ReadLines(cpuInfo).Where(l => l.StartsWith("model name", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.ProcessorCount} cores";
    }

    private static float[] Normalized(ImageDataset data, int count)
    {
        var images = new float[count * data.ImageElements];
        data.Normalize(0, count, images);
        return images;
    }

    // Best wall time in seconds of `repeats` calls, after one untimed warm-up call.
    private static double Best(int repeats, Action call)
    {
        call();
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }
}
