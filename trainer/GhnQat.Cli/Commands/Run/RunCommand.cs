// `ghnqat run`: executes a packed integer network on the test set, optionally checked layer by layer against ORT.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Run;

/// <summary>Accuracy, throughput and (with --check-ort) per-layer parity of a quantized network.</summary>
internal sealed class RunCommand : Command<RunCommand.Settings>
{
    /// <summary>Options of <c>run</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--net <FILE>")]
        [Description("Quantized network file written by predict.")]
        public string? Net { get; init; }

        [CommandOption("--backend <NAME>")]
        [Description("Execution backend: cpu (the bit-exact integer reference).")]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

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

        [CommandOption("--json")]
        [Description("Print the result as one JSON object instead of text.")]
        public bool Json { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Net)) return Spectre.Console.ValidationResult.Error("--net FILE is required");
            if (Images < 1 || Batch < 1 || OrtImages < 1) return Spectre.Console.ValidationResult.Error("--images, --batch and --ort-images must be ≥ 1");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        if (!s.Backend.Equals("cpu", StringComparison.OrdinalIgnoreCase))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"--backend '{s.Backend}' is not available; expected cpu");
        var net = QuantizedNetwork.Load(s.Net!);
        string folder = s.Data == "fmnist" ? FashionMnist.DefaultFolder : s.Data;
        var test = FashionMnist.Load(DatasetSplit.Test, folder).Take(s.Images);
        var cpu = new CpuReference(net);
        var images = new float[Math.Min(s.Batch, test.Count) * test.ImageElements];
        long correct = 0;
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < test.Count; start += s.Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(s.Batch, test.Count - start);
            test.Normalize(start, n, images.AsSpan(0, n * test.ImageElements));
            var predicted = cpu.Run(images.AsSpan(0, n * test.ImageElements), n).ArgMax();
            for (int i = 0; i < n; i++) correct += predicted[i] == test.GetLabel(start + i) ? 1 : 0;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        ParityReport? parity = s.CheckOrt ? CheckOrt(net, cpu, test, Math.Min(s.OrtImages, test.Count)) : null;
        var result = new
        {
            net = s.Net, arch = net.Spec.Name, scheme = net.Scheme.Name, backend = "cpu",
            images = test.Count, accuracy = correct / (double)test.Count,
            images_per_second = test.Count / seconds,
            ort = parity is null ? null : new
            {
                images = Math.Min(s.OrtImages, test.Count), tensors = parity.Tensors.Count,
                elements = parity.Compared, mismatches = parity.Mismatches, exact = parity.IsExact,
            },
        };
        if (s.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        }
        else
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{net.Spec.Name} {net.Scheme.Name} on cpu: top-1 {result.accuracy * 100:F2} % on {test.Count} test images, {result.images_per_second:F0} images/s"));
            if (parity is not null)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ORT check ({result.ort!.images} images): {parity.Tensors.Count} tensors, {parity.Compared} values compared, {parity.Mismatches} mismatches"));
                if (!parity.IsExact) Console.Out.WriteLine(parity.ToText());
            }
        }
        return parity is { IsExact: false } ? CliApp.ExitInternal : CliApp.ExitOk;
    }

    private static ParityReport CheckOrt(QuantizedNetwork net, CpuReference cpu, ImageDataset test, int count)
    {
        using var oracle = new OrtOracle(net);
        ParityReport? report = null;
        const int chunk = 64;
        var images = new float[chunk * test.ImageElements];
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            var span = images.AsSpan(0, n * test.ImageElements);
            test.Normalize(start, n, span);
            var expected = oracle.Run(span, n);
            var actual = cpu.Run(span, n, keepCodes: true);
            var part = OrtParity.Compare(net, expected, actual, start);
            report = report is null ? part : report.Merge(part);
        }
        return report!;
    }
}
