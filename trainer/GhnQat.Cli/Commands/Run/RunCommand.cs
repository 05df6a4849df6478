// `ghnqat run`: executes a packed integer network on the test set (CPU reference or Vulkan), optionally checked layer
// by layer against ORT; the Vulkan backend is always checked against the CPU reference too.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Run;

/// <summary>Accuracy, throughput and (with --check-ort) per-layer parity of a quantized network.</summary>
internal sealed class RunCommand : Command<RunCommand.Settings>
{
    /// <summary>Options of <c>run</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--net <FILE>")]
        [Description("Quantized network file written by predict.")]
        public string? Net { get; init; }

        [CommandOption("--backend <NAME>")]
        [Description("Execution backend: cpu (the bit-exact integer reference) or vulkan (GPU compute; lavapipe on a CPU-only machine).")]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        [CommandOption("--device <NAME>")]
        [Description("Vulkan device: a case-insensitive substring of its name (default: the best device).")]
        public string? Device { get; init; }

        [CommandOption("--parity-images <N>")]
        [Description("With --backend vulkan: images whose codes at every layer and logits are compared with the CPU reference.")]
        [DefaultValue(256)]
        public int ParityImages { get; init; } = 256;

        [CommandOption("--profile")]
        [Description("With --backend vulkan: per-kernel device time of one batch (timestamp queries).")]
        public bool Profile { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder ('fmnist' = the default folder).")]
        [DefaultValue("fmnist")]
        public string Data { get; init; } = "fmnist";

        [CommandOption("--images <N>")]
        [Description("Test images (the first N of the test set).")]
        [DefaultValue(10000)]
        public int Images { get; init; } = 10000;

        [CommandOption("--batch <N>")]
        [Description("Images per call.")]
        [DefaultValue(100)]
        public int Batch { get; init; } = 100;

        [CommandOption("--check-ort")]
        [Description("Also run the exported integer ONNX graph in ONNX Runtime and compare every layer's codes and the logits.")]
        public bool CheckOrt { get; init; }

        [CommandOption("--ort-images <N>")]
        [Description("Images compared against ORT (the first N).")]
        [DefaultValue(256)]
        public int OrtImages { get; init; } = 256;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Net)) return Spectre.Console.ValidationResult.Error("--net FILE is required");
            if (Images < 1 || Batch < 1 || OrtImages < 1 || ParityImages < 1)
                return Spectre.Console.ValidationResult.Error("--images, --batch, --ort-images and --parity-images must be ≥ 1");
            if (Backend.ToLowerInvariant() is not ("cpu" or "vulkan"))
                return Spectre.Console.ValidationResult.Error($"--backend '{Backend}' is not available; expected cpu or vulkan");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var net = QuantizedNetwork.Load(s.Net!);
        string folder = s.Data == "fmnist" ? FashionMnist.DefaultFolder : s.Data;
        var test = FashionMnist.Load(DatasetSplit.Test, folder).Take(s.Images);
        var cpu = new CpuReference(net);
        bool onVulkan = s.Backend.Equals("vulkan", StringComparison.OrdinalIgnoreCase);
        int batch = Math.Min(s.Batch, test.Count);
        VulkanInstance? instance = null;
        VulkanDevice? device = null;
        VulkanWorker? worker = null;
        try
        {
            if (onVulkan)
            {
                instance = new VulkanInstance(new VulkanInstanceOptions());
                device = new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = s.Device });
                worker = new VulkanWorker(device, net, new VulkanWorkerOptions { MaxBatch = batch, EnableProfiling = s.Profile });
            }

            var images = new float[batch * test.ImageElements];
            long correct = 0;
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < test.Count; start += batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(batch, test.Count - start);
                var span = images.AsSpan(0, n * test.ImageElements);
                test.Normalize(start, n, span);
                if (worker is null)
                {
                    var predicted = cpu.Run(span, n).ArgMax();
                    for (int i = 0; i < n; i++) correct += predicted[i] == test.GetLabel(start + i) ? 1 : 0;
                    continue;
                }

                worker.Schedule(span, n).Wait();
                var logits = worker.PeekOutput();
                for (int i = 0; i < n; i++) correct += ArgMax(logits.Slice(i * net.Spec.Classes, net.Spec.Classes)) == test.GetLabel(start + i) ? 1 : 0;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            int parityImages = Math.Min(s.ParityImages, test.Count);
            ParityReport? vsCpu = worker is null ? null : VulkanCpuParity.Check(worker, test, parityImages).Report;
            ParityReport? parity = s.CheckOrt ? CheckOrt(net, cpu, worker, test, Math.Min(s.OrtImages, test.Count)) : null;
            var profile = worker is not null && s.Profile ? Profile(worker, images.AsSpan(0, batch * test.ImageElements), batch) : null;
            return Report(s, net, test.Count, correct, seconds, device?.Info.Name, vsCpu, parityImages, parity, profile);
        }
        finally
        {
            worker?.Dispose();
            device?.Dispose();
            instance?.Dispose();
        }
    }

    private static int Report(Settings s, QuantizedNetwork net, int count, long correct, double seconds, string? deviceName,
        ParityReport? vsCpu, int parityImages, ParityReport? parity, List<(string Kernel, double Ms)>? profile)
    {
        var result = new
        {
            net = s.Net, arch = net.Spec.Name, scheme = net.Scheme.Name, backend = deviceName is null ? "cpu" : "vulkan",
            device = deviceName, images = count, accuracy = correct / (double)count,
            images_per_second = count / seconds,
            cpu_reference = vsCpu is null ? null : new
            {
                images = parityImages, tensors = vsCpu.Tensors.Count, elements = vsCpu.Compared, mismatches = vsCpu.Mismatches, exact = vsCpu.IsExact,
            },
            ort = parity is null ? null : new
            {
                images = Math.Min(s.OrtImages, count), tensors = parity.Tensors.Count,
                elements = parity.Compared, mismatches = parity.Mismatches, exact = parity.IsExact,
            },
            profile_ms = profile?.Select(p => new { kernel = p.Kernel, ms = p.Ms }).ToArray(),
        };
        if (s.Json)
        {
            using var json = JsonStdout.Begin(enabled: true);
            json.Print(result);
        }
        else
        {
            string on = deviceName is null ? "cpu" : $"vulkan ({deviceName})";
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{net.Spec.Name} {net.Scheme.Name} on {on}: top-1 {result.accuracy * 100:F2} % on {count} test images, {result.images_per_second:F0} images/s"));
            if (vsCpu is not null)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"CPU reference check ({parityImages} images): {vsCpu.Tensors.Count} tensors, {vsCpu.Compared} values compared, {vsCpu.Mismatches} mismatches"));
                if (!vsCpu.IsExact) Console.Out.WriteLine(vsCpu.ToText());
            }
            if (parity is not null)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ORT check ({result.ort!.images} images): {parity.Tensors.Count} tensors, {parity.Compared} values compared, {parity.Mismatches} mismatches"));
                if (!parity.IsExact) Console.Out.WriteLine(parity.ToText());
            }
            if (profile is not null)
            {
                Console.Out.WriteLine($"per-kernel device time (timestamps), batch of {Math.Min(s.Batch, count)}:");
                foreach (var (kernel, ms) in profile) Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kernel,-24} {ms,9:F3} ms"));
            }
        }
        return parity is { IsExact: false } || vsCpu is { IsExact: false } ? CliApp.ExitInternal : CliApp.ExitOk;
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) best = logits[i] > logits[best] ? i : best;
        return best;
    }

    private static int[] VulkanCodes(VulkanWorker worker, string id, int length)
    {
        var codes = new int[length];
        worker.ReadCodes(id, codes);
        return codes;
    }

    private static List<(string Kernel, double Ms)> Profile(VulkanWorker worker, ReadOnlySpan<float> images, int count)
    {
        worker.Schedule(images, count).Wait();
        var ms = new double[worker.KernelCount];
        worker.ReadProfile(ms);
        return [.. ms.Select((t, k) => (worker.KernelName(k), t))];
    }

    private static ParityReport CheckOrt(QuantizedNetwork net, CpuReference cpu, VulkanWorker? worker, ImageDataset test, int count)
    {
        using var oracle = new OrtOracle(net);
        ParityReport? report = null;
        int chunk = worker?.MaxBatch ?? 64;
        var images = new float[chunk * test.ImageElements];
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            var span = images.AsSpan(0, n * test.ImageElements);
            test.Normalize(start, n, span);
            var expected = oracle.Run(span, n);
            ParityReport part;
            if (worker is null)
            {
                part = OrtParity.Compare(net, expected, cpu.Run(span, n, keepCodes: true), start);
            }
            else
            {
                worker.Schedule(span, n).Wait();
                part = OrtParity.Compare(net, expected, id => VulkanCodes(worker, id, n * (int)net.Tensor(id).Shape.ElementCount), worker.PeekOutput(), start);
            }
            report = report is null ? part : report.Merge(part);
        }
        return report!;
    }
}
