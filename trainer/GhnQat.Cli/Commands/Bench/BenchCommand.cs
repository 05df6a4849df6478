// `ghnqat bench`: the Vulkan backend vs ONNX Runtime (fp32 float net, int8 ConvInteger net) and the CPU reference on
// the same ID nets, whole net and per layer, at W8A8/W4A8/W4A4/W2A2; writes docs/benchmarks/vulkan.{md,json}.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Bench;

/// <summary>Images per second of every backend on the same nets and images, in one run (ratios), device and driver named.</summary>
internal sealed class BenchCommand : Command<BenchCommand.Settings>
{
    /// <summary>Options of <c>bench</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--nets <N>")]
        [Description("ID nets around the median MAC count of 101 sampled (seed 1).")]
        [DefaultValue(3)]
        public int Nets { get; init; } = 3;

        [CommandOption("--batch <N>")]
        [Description("Images per call.")]
        [DefaultValue(64)]
        public int Batch { get; init; } = 64;

        [CommandOption("--repeats <N>")]
        [Description("Timed calls per backend; the best is reported (after one warm-up call).")]
        [DefaultValue(5)]
        public int Repeats { get; init; } = 5;

        [CommandOption("--device <NAME>")]
        [Description("Vulkan device name substring (default: the best device).")]
        public string? Device { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder (test images; the first 64 training images calibrate).")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder.")]
        [DefaultValue("docs/benchmarks")]
        public string Out { get; init; } = "docs/benchmarks";

        public override Spectre.Console.ValidationResult Validate() =>
            Nets is < 1 or > 101 || Batch < 1 || Repeats < 1
                ? Spectre.Console.ValidationResult.Error("--nets must be 1..101, --batch and --repeats ≥ 1")
                : Spectre.Console.ValidationResult.Success();
    }

    private static readonly string[] Schemes = ["w8a8", "w4a8", "w4a4", "w2a2"];
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var sorted = ArchSpace.Sample(ArchSplit.Id, 101, 1).OrderBy(a => a.Macs).ToList();
        var specs = sorted.Skip(Math.Max(0, 50 - (s.Nets / 2))).Take(s.Nets).ToList();
        var test = FashionMnist.Load(DatasetSplit.Test, s.Data).Take(s.Batch);
        var images = new float[test.Count * test.ImageElements];
        test.Normalize(0, test.Count, images);
        var calib = FashionMnist.Load(DatasetSplit.Train, s.Data).Take(64);
        var calibImages = new float[calib.Count * calib.ImageElements];
        calib.Normalize(0, calib.Count, calibImages);
        int n = test.Count;

        using var instance = new VulkanInstance(new VulkanInstanceOptions());
        using var device = new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = s.Device });
        string deviceName = $"{device.Info.Name} ({device.Info.DriverName} {device.Info.DriverInfo})";
        Console.Out.WriteLine($"device: {deviceName}; {specs.Count} nets, batch {n}, best of {s.Repeats}");
        var rows = new List<BenchRow>();
        foreach (var spec in specs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var net = KaimingInitializer.Create(spec, 1);
            var cal = Calibrator.Calibrate(net, calibImages, calib.Count, batchSize: 32);
            using var ortFloat = new OnnxRunner(FloatOnnxExporter.Export(net, new FloatOnnxExportOptions { BatchNormStatistics = cal.BatchNorm }),
                new OnnxRunnerOptions { OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpThreads = Environment.ProcessorCount });
            double fp32 = Best(s.Repeats, () => ortFloat.Run(images, n, ["logits"]));
            foreach (string scheme in Schemes)
            {
                var q = Quantizer.Quantize(net, cal, QuantScheme.Parse(scheme));
                using var ortInt = new OnnxRunner(QuantizedOnnxExporter.Export(q),
                    new OnnxRunnerOptions { OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpThreads = Environment.ProcessorCount });
                double int8 = Best(s.Repeats, () => ortInt.Run(images, n, ["logits"]));
                var cpu = new CpuReference(q);
                double reference = Best(1, () => cpu.Run(images, n));
                using var worker = new VulkanWorker(device, q, new VulkanWorkerOptions { MaxBatch = n, EnableProfiling = true });
                double vulkan = Best(s.Repeats, () => worker.Schedule(images, n).Wait());
                var kernelMs = new double[worker.KernelCount];
                worker.ReadProfile(kernelMs);
                bool exact = worker.PeekOutput().SequenceEqual(cpu.Run(images, n).Logits);
                var layers = Enumerable.Range(0, worker.KernelCount).Select(k => new BenchLayer(worker.KernelName(k), kernelMs[k])).ToList();
                var row = new BenchRow(spec.Name, spec.Macs, scheme, n / vulkan, n / int8, n / fp32, n / reference, exact, layers);
                rows.Add(row);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{spec.Name} {scheme}: vulkan {row.VulkanImagesPerSecond:F0} img/s, ORT int8 {row.OrtInt8ImagesPerSecond:F0}, ORT fp32 {row.OrtFp32ImagesPerSecond:F0}, cpu reference {row.CpuReferenceImagesPerSecond:F0}, logits exact {exact}"));
            }
        }

        Directory.CreateDirectory(s.Out);
        var report = new { device = deviceName, batch = n, repeats = s.Repeats, rows };
        File.WriteAllText(Path.Combine(s.Out, "vulkan.json"), JsonSerializer.Serialize(report, JsonOptions));
        File.WriteAllText(Path.Combine(s.Out, "vulkan.md"), Markdown(deviceName, n, s, rows));
        Console.Out.WriteLine($"wrote {Path.Combine(s.Out, "vulkan.md")} and vulkan.json");
        return rows.All(r => r.LogitsExact) ? CliApp.ExitOk : CliApp.ExitInternal;
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

    private static string Markdown(string device, int batch, Settings s, List<BenchRow> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("# Vulkan backend benchmark").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Device: **{device}**. Batch {batch}, best of {s.Repeats} calls after a warm-up; ");
        md.AppendLine("ORT 1.31.1 CPU with ORT_ENABLE_ALL on every core: fp32 = the float net (calibrated BN), int8 = the exported integer");
        md.AppendLine("graph (ConvInteger / MatMulInteger, docs/onnx.md) run for its logits; CPU reference = `CpuReference` (1 thread).");
        md.AppendLine(CultureInfo.InvariantCulture, $"Nets: {s.Nets} ID nets around the median MAC count of `ArchSpace.Sample(Id, 101, 1)`, Kaiming weights.");
        md.AppendLine("Command: `ghnqat bench` (" + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)) + ").").AppendLine();
        md.AppendLine("| net | M MACs | scheme | Vulkan img/s | ORT int8 img/s | ORT fp32 img/s | CPU ref img/s | Vulkan / ORT int8 | Vulkan / ORT fp32 | logits exact |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Net} | {r.Macs / 1e6:F2} | {r.Scheme} | {r.VulkanImagesPerSecond:F0} | {r.OrtInt8ImagesPerSecond:F0} | {r.OrtFp32ImagesPerSecond:F0} | {r.CpuReferenceImagesPerSecond:F0} | {r.VulkanImagesPerSecond / r.OrtInt8ImagesPerSecond:F2}× | {r.VulkanImagesPerSecond / r.OrtFp32ImagesPerSecond:F2}× | {r.LogitsExact} |");
        }

        foreach (var net in rows.GroupBy(r => r.Net))
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Per layer: {net.Key} (Vulkan device ms per batch, timestamps)").AppendLine();
            md.AppendLine("| kernel | " + string.Join(" | ", net.Select(r => r.Scheme)) + " |");
            md.AppendLine("|---|" + string.Concat(net.Select(_ => "---|")));
            var first = net.First();
            for (int k = 0; k < first.Layers.Count; k++)
            {
                string times = string.Join(" | ", net.Select(r => r.Layers[k].Ms.ToString("F2", CultureInfo.InvariantCulture)));
                md.AppendLine($"| {first.Layers[k].Kernel} | {times} |");
            }
        }
        return md.ToString();
    }

    private sealed record BenchLayer(string Kernel, double Ms);

    private sealed record BenchRow(string Net, long Macs, string Scheme, double VulkanImagesPerSecond, double OrtInt8ImagesPerSecond,
        double OrtFp32ImagesPerSecond, double CpuReferenceImagesPerSecond, bool LogitsExact, IReadOnlyList<BenchLayer> Layers);
}
