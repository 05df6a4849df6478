// ghnqat-device-check: what scripts/device/gpu-check runs on a GPU machine without .NET (published self-contained).
//   info   [--require-gpu]                     Vulkan devices, the one chosen, the host CPU, the validation layer
//   tests  [--quick] [--list] [--result FILE] [--shard K/N]  the Vulkan tests of GhnQat.Runtime.Tests (NUnit runner)
//   parity --ghn F --data D --out O [...]      GHN nets × schemes, Vulkan vs CpuReference at every layer
//   bench  --data D --out O [...]              the Vulkan benchmark (`ghnqat bench`)
// Every command takes --device NAME (default: GHNQAT_VULKAN_DEVICE, else the best device).
using System.Globalization;
using System.Text.Json;
using GhnQat.Runtime.Benchmarks;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;
using Silk.NET.Vulkan;

namespace GhnQat.DeviceCheck;

internal static class Program
{
    // 2, 70 and 74 as the ghnqat CLI; 1: a check failed; 3: no usable Vulkan device.
    public const int ExitOk = 0, ExitCheckFailed = 1, ExitBadInput = 2, ExitNoVulkan = 3, ExitInternal = 70, ExitFileSystem = 74;
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static int Main(string[] argv)
    {
        try
        {
            var args = new CheckArgs(argv);
            return args.Command switch
            {
                "info" => Info(args),
                "tests" => VulkanTestRun.Run(args),
                "parity" => GhnParityCheck.Run(args),
                "bench" => Bench(args),
                _ => Usage(args.Command),
            };
        }
        catch (GhnQatException e)
        {
            Console.Error.WriteLine($"error ({e.Code}): {e.Message}");
            return e.Code switch
            {
                GhnQatErrorCode.VulkanUnavailable => ExitNoVulkan,
                GhnQatErrorCode.VulkanError => ExitInternal,
                _ => ExitBadInput,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error (file system): {e.Message}");
            return ExitFileSystem;
        }
    }

    /// <summary>--device, else GHNQAT_VULKAN_DEVICE (the variable the Vulkan tests read), else null (the best device).</summary>
    public static string? DeviceName(CheckArgs args)
    {
        string? name = args.Text("device") ?? Environment.GetEnvironmentVariable("GHNQAT_VULKAN_DEVICE");
        return string.IsNullOrEmpty(name) ? null : name;
    }

    private static int Usage(string command)
    {
        Console.Error.WriteLine($"unknown command '{command}'; commands: info [--require-gpu], tests [--quick] [--list] [--result FILE], " +
            "parity --ghn FILE --data DIR --out DIR [--nets 20 --images 1000 --batch 100 --seed 1 --schemes LIST --max-seconds S], " +
            "bench --data DIR --out DIR [--nets 3 --batch 64 --repeats 5]; each takes --device NAME");
        return command == "help" ? ExitOk : ExitBadInput;
    }

    private static int Info(CheckArgs args)
    {
        bool requireGpu = args.Flag("require-gpu");
        string? name = DeviceName(args);
        args.RejectUnknown();
        using (var instance = new VulkanInstance(new VulkanInstanceOptions()))
        {
            foreach (var d in instance.PhysicalDevices) Console.Out.WriteLine($"vulkan device {d}");
            var chosen = VulkanDeviceSelector.Select(instance.PhysicalDevices, new VulkanDeviceOptions { DeviceNameContains = name });
            Console.Out.WriteLine($"chosen: {VulkanBenchmark.DeviceDescription(chosen)}, type {chosen.DeviceType}");
            Console.Out.WriteLine($"host CPU: {VulkanBenchmark.CpuDescription()}");
            if (requireGpu && chosen.DeviceType is PhysicalDeviceType.Cpu or PhysicalDeviceType.Other)
            {
                Console.Error.WriteLine($"error: --require-gpu, but the chosen device is a {chosen.DeviceType} device");
                return ExitNoVulkan;
            }
        }

        // Reported, not required here: the tests and the parity check fail on their own without it.
        try
        {
            using var validated = new VulkanInstance(new VulkanInstanceOptions { EnableValidation = true });
            Console.Out.WriteLine($"validation layer: {VulkanInstance.ValidationLayerName} loaded");
        }
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable)
        {
            Console.Out.WriteLine($"validation layer: NOT available: {e.Message}");
        }
        return ExitOk;
    }

    private static int Bench(CheckArgs args)
    {
        string data = args.Required("data"), outDir = args.Required("out");
        var options = new VulkanBenchmarkOptions { Nets = args.Int("nets", 3), Batch = args.Int("batch", 64), Repeats = args.Int("repeats", 5) };
        string? name = DeviceName(args);
        args.RejectUnknown();
        var test = FashionMnist.Load(DatasetSplit.Test, data);
        var calibration = FashionMnist.Load(DatasetSplit.Train, data).Take(64);
        using var instance = new VulkanInstance(new VulkanInstanceOptions());
        using var device = new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = name });
        Console.Out.WriteLine($"bench on {VulkanBenchmark.DeviceDescription(device.Info)}: {options.Nets} nets, batch {options.Batch}, best of {options.Repeats}");
        var report = VulkanBenchmark.Run(device, test, calibration, options, row => Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{row.Net} {row.Scheme}: vulkan {row.VulkanImagesPerSecond:F0} img/s, ORT int8 {row.OrtInt8ImagesPerSecond:F0}, ORT fp32 {row.OrtFp32ImagesPerSecond:F0}, cpu reference {row.CpuReferenceImagesPerSecond:F0}, logits exact {row.LogitsExact}")));
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "bench.json"), JsonSerializer.Serialize(report, JsonOptions));
        File.WriteAllText(Path.Combine(outDir, "bench.md"), report.ToMarkdown(
            $"ghnqat-device-check bench --nets {options.Nets} --batch {report.Batch} --repeats {options.Repeats}"));
        Console.Out.WriteLine($"wrote {Path.Combine(outDir, "bench.md")} and bench.json");
        return report.AllLogitsExact ? ExitOk : ExitCheckFailed;
    }
}
