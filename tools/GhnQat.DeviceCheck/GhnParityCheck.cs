// `parity`: nets predicted by the GHN, quantized at every scheme, run on Vulkan and on CpuReference over the same
// Fashion-MNIST test images: every layer's codes and the logits must match and so the accuracies (`ghnqat parity`
// does the same against ONNX Runtime on the CPU). Runs under the validation layer and reports its message counts.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Benchmarks;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Deployment;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Quantization;

namespace GhnQat.DeviceCheck;

/// <summary>GHN nets × schemes, Vulkan against CpuReference at every layer; writes parity.md and parity.json.</summary>
internal static class GhnParityCheck
{
    private sealed record NetResult(string Net, string Scheme, int Tensors, long Compared, long Mismatches, bool LogitsExact,
        int Images, int VulkanCorrect, int CpuCorrect, string? FirstDivergence, double PredictSeconds, double CheckSeconds);

    private sealed record SchemeSummary(string Scheme, int Nets, long Compared, long Mismatches, int LogitsExact,
        double VulkanTop1, double CpuTop1, int AccuracyEqual);

    public static int Run(CheckArgs args)
    {
        string ghnPath = args.Required("ghn"), data = args.Required("data"), outDir = args.Required("out");
        int nets = args.Int("nets", 20), imageCount = args.Int("images", 1000), batch = args.Int("batch", 100);
        ulong seed = (ulong)args.Int("seed", 1, min: 0);
        int maxSeconds = args.Int("max-seconds", int.MaxValue);
        string? deviceName = Program.DeviceName(args);
        var schemes = (args.Text("schemes") ?? "w8a8,w4a8,w4a4,w2a2").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(QuantScheme.Parse).ToArray();
        args.RejectUnknown();

        var calibration = FashionMnist.Load(DatasetSplit.Train, data).CalibrationSubset(ImageDataset.DefaultCalibrationCount);
        var calibrationImages = new float[calibration.Count * calibration.ImageElements];
        calibration.Normalize(0, calibration.Count, calibrationImages);
        var predictor = new OnDevicePredictor(Ghn.Load(ghnPath), calibrationImages, calibration.Count,
            new ActivationShape(calibration.Channels, calibration.Height, calibration.Width));
        var test = FashionMnist.Load(DatasetSplit.Test, data);
        imageCount = Math.Min(imageCount, test.Count);
        var specs = ArchSpace.Sample(ArchSplit.Id, nets, seed);

        var results = new List<NetResult>();
        var elapsed = Stopwatch.StartNew();
        int netsRun = 0;
        string device;
        int validationErrors, validationWarnings;
        IReadOnlyList<string> validationMessages;
        var instance = new VulkanInstance(new VulkanInstanceOptions { EnableValidation = true });
        using (instance)
        {
            using var vulkan = new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = deviceName });
            device = VulkanBenchmark.DeviceDescription(vulkan.Info);
            Console.Out.WriteLine($"parity on {device}: {specs.Count} id nets (seed {seed}) × {schemes.Length} schemes, {imageCount} test images, validation on");
            foreach (var spec in specs)
            {
                if (elapsed.Elapsed.TotalSeconds > maxSeconds)
                {
                    Console.Out.WriteLine($"time budget: stopping after {netsRun} of {specs.Count} nets (--max-seconds {maxSeconds})");
                    break;
                }
                netsRun++;
                foreach (var scheme in schemes)
                {
                    var clock = Stopwatch.StartNew();
                    var network = predictor.Predict(spec, scheme).Quantized!;
                    double predictSeconds = clock.Elapsed.TotalSeconds;
                    using var worker = new VulkanWorker(vulkan, network, new VulkanWorkerOptions { MaxBatch = Math.Min(batch, imageCount) });
                    var check = VulkanCpuParity.Check(worker, test, imageCount);
                    var report = check.Report;
                    var result = new NetResult(spec.Name, scheme.Name, report.Tensors.Count, report.Compared, report.Mismatches,
                        report.Tensors[^1].IsExact, check.Images, check.VulkanCorrect, check.CpuCorrect, report.FirstDivergence?.TensorId,
                        predictSeconds, clock.Elapsed.TotalSeconds - predictSeconds);
                    results.Add(result);
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{spec.Name} {scheme.Name}: {report.Tensors.Count} tensors, {report.Compared} values, {report.Mismatches} mismatches, top-1 vulkan {100.0 * check.VulkanCorrect / check.Images:F1} % cpu {100.0 * check.CpuCorrect / check.Images:F1} % (predict {predictSeconds:F1} s, check {result.CheckSeconds:F1} s)"));
                    if (!report.IsExact) Console.Out.WriteLine(report.ToText());
                }
            }
        }
        // Counted after the instance is gone, so messages at teardown (leaks) count too.
        validationErrors = instance.ValidationErrorCount;
        validationWarnings = instance.ValidationWarningCount;
        validationMessages = instance.ValidationMessages;

        var summaries = results.GroupBy(r => r.Scheme).Select(g => new SchemeSummary(g.Key, g.Count(), g.Sum(r => r.Compared),
            g.Sum(r => r.Mismatches), g.Count(r => r.LogitsExact), g.Average(r => 100.0 * r.VulkanCorrect / r.Images),
            g.Average(r => 100.0 * r.CpuCorrect / r.Images), g.Count(r => r.VulkanCorrect == r.CpuCorrect))).ToList();
        bool exact = results.All(r => r.Mismatches == 0 && r.VulkanCorrect == r.CpuCorrect) && validationErrors + validationWarnings == 0;
        bool pass = exact && netsRun == specs.Count;
        string verdict = !exact ? "FAIL" : pass ? "PASS" : $"INCOMPLETE ({netsRun} of {specs.Count} nets within --max-seconds {maxSeconds})";
        Directory.CreateDirectory(outDir);
        var json = new
        {
            device, cpu = VulkanBenchmark.CpuDescription(), ghn = ghnPath, seed, images = imageCount, verdict, pass, netsPlanned = specs.Count, netsRun,
            validation = new { errors = validationErrors, warnings = validationWarnings, messages = validationMessages },
            schemes = summaries, nets = results,
        };
        File.WriteAllText(Path.Combine(outDir, "parity.json"), JsonSerializer.Serialize(json, Program.JsonOptions));
        string md = Markdown(device, ghnPath, seed, specs.Count, imageCount, summaries, validationErrors, validationWarnings, validationMessages, verdict);
        File.WriteAllText(Path.Combine(outDir, "parity.md"), md);
        Console.Out.WriteLine(md);
        return pass ? Program.ExitOk : Program.ExitCheckFailed;
    }

    private static string Markdown(string device, string ghn, ulong seed, int nets, int images, List<SchemeSummary> rows, int errors, int warnings,
        IReadOnlyList<string> messages, string verdict)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Vulkan vs CPU reference on GHN-predicted nets: {verdict}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Device: **{device}**. Host CPU: **{VulkanBenchmark.CpuDescription()}**.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Each net: `ArchSpace.Sample(id, {nets}, {seed})`, weights predicted by `{ghn}`, calibrated on the first 512 training images, quantized, run on the first {images} Fashion-MNIST test images by Vulkan and by `CpuReference`; every layer's codes and the logits compared bit for bit. Validation layer on.\n\n");
        md.Append("| scheme | nets | values compared | mismatches | logits bit-identical | top-1 % Vulkan | top-1 % CPU reference | accuracy equal |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var r in rows)
            md.Append(CultureInfo.InvariantCulture, $"| {r.Scheme} | {r.Nets} | {r.Compared} | **{r.Mismatches}** | {r.LogitsExact}/{r.Nets} | {r.VulkanTop1:F2} | {r.CpuTop1:F2} | {r.AccuracyEqual}/{r.Nets} |\n");
        md.Append(CultureInfo.InvariantCulture, $"\nValidation layer (`VK_LAYER_KHRONOS_validation`): **{errors} errors, {warnings} warnings**.\n");
        foreach (string m in messages) md.Append("- ").Append(m.ReplaceLineEndings(" ")).Append('\n');
        return md.ToString();
    }
}
