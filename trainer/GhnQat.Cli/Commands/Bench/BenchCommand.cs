// `ghnqat bench`: the Vulkan backend vs ONNX Runtime (fp32 float net, int8 ConvInteger net) and the CPU reference on
// the same ID nets, whole net and per layer, at W8A8/W4A8/W4A4/W2A2 (VulkanBenchmark); writes docs/benchmarks/vulkan.{md,json}.
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Benchmarks;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Trainer.Reports;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Bench;

/// <summary>Images per second of every backend on the same nets and images, in one run (ratios), device and driver named.</summary>
internal sealed class BenchCommand : Command<BenchCommand.Settings>
{
    /// <summary>Options of <c>bench</c>.</summary>
    public sealed class Settings : JsonSettings
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

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        var test = FashionMnist.Load(DatasetSplit.Test, s.Data);
        var calib = FashionMnist.Load(DatasetSplit.Train, s.Data).Take(64);
        using var instance = new VulkanInstance(new VulkanInstanceOptions());
        using var device = new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = s.Device });
        Console.Out.WriteLine($"device: {VulkanBenchmark.DeviceDescription(device.Info)}; {s.Nets} nets, batch {Math.Min(s.Batch, test.Count)}, best of {s.Repeats}");
        var report = VulkanBenchmark.Run(device, test, calib, new VulkanBenchmarkOptions { Nets = s.Nets, Batch = s.Batch, Repeats = s.Repeats },
            row => Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Net} {row.Scheme}: vulkan {row.VulkanImagesPerSecond:F0} img/s, ORT int8 {row.OrtInt8ImagesPerSecond:F0}, ORT fp32 {row.OrtFp32ImagesPerSecond:F0}, cpu reference {row.CpuReferenceImagesPerSecond:F0}, logits exact {row.LogitsExact}")),
            cancellationToken);

        Directory.CreateDirectory(s.Out);
        File.WriteAllText(Path.Combine(s.Out, "vulkan.json"), JsonStdout.Serialize(report));
        File.WriteAllText(Path.Combine(s.Out, "vulkan.md"), report.ToMarkdown("ghnqat " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1))));
        WritePlot(Path.Combine(s.Out, "vulkan.png"), report, device.Info.Name);
        Console.Out.WriteLine($"wrote {Path.Combine(s.Out, "vulkan.md")}, vulkan.json and vulkan.png");
        if (json.Enabled) json.Print(report);
        return report.AllLogitsExact ? CliApp.ExitOk : CliApp.ExitInternal;
    }

    /// <summary>Images per second by scheme, mean ± standard error over the nets, one bar per backend.</summary>
    private static void WritePlot(string path, VulkanBenchmarkReport report, string device)
    {
        var schemes = report.Rows.Select(r => r.Scheme).Distinct().ToArray();
        (string, double[], double[]) Series(string label, Func<VulkanBenchmarkRow, double> value)
        {
            var stats = schemes.Select(scheme => report.Rows.Where(r => r.Scheme == scheme).Select(value).ToArray())
                .Select(v => (Mean: v.Average(), Se: v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - v.Average()) * (x - v.Average())) / (v.Length - 1) / v.Length) : 0))
                .ToArray();
            return (label, stats.Select(t => t.Mean).ToArray(), stats.Select(t => t.Se).ToArray());
        }
        Plots.Bars(path, $"images/s, batch {report.Batch}: Vulkan on {device} vs ONNX Runtime on the CPU", "images / s", schemes,
        [
            Series("Vulkan", r => r.VulkanImagesPerSecond),
            Series("ORT int8", r => r.OrtInt8ImagesPerSecond),
            Series("ORT fp32", r => r.OrtFp32ImagesPerSecond),
            Series("CPU reference", r => r.CpuReferenceImagesPerSecond),
        ]);
    }
}
