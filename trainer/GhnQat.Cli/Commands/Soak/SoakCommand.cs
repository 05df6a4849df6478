// `ghnqat soak`: many one-image inferences through one worker with memory sampled after a warm-up (managed heap, RSS),
// Vulkan objects counted and the validation layer on; prints the figures and writes them as JSON (docs/reliability.md).
using System.ComponentModel;
using System.Globalization;
using System.Text;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Diagnostics;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Soak;

/// <summary>Soak test of the Vulkan worker (or the CPU reference): memory flat, nothing leaked, results exact.</summary>
internal sealed class SoakCommand : Command<SoakCommand.Settings>
{
    /// <summary>Options of <c>soak</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--inferences <N>")]
        [Description("One-image inferences in total, warm-up included.")]
        [DefaultValue(10000)]
        public int Inferences { get; init; } = 10000;

        [CommandOption("--warmup <N>")]
        [Description("Inferences before the baseline sample, at least: it goes on until the JIT has compiled nothing for 5 s (the sampling code runs 64 times in it).")]
        [DefaultValue(1000)]
        public int Warmup { get; init; } = 1000;

        [CommandOption("--max-jit-settle <S>")]
        [Description("Seconds the warm-up waits at most for the JIT to go quiet; 0 takes the baseline right after --warmup (quick checks).")]
        [DefaultValue(30.0)]
        public double MaxJitSettle { get; init; } = 30;

        [CommandOption("--samples <N>")]
        [Description("Memory samples after the baseline, evenly spaced.")]
        [DefaultValue(20)]
        public int Samples { get; init; } = 20;

        [CommandOption("--backend <NAME>")]
        [Description("vulkan (lavapipe on a CPU-only machine) or cpu (the integer reference).")]
        [DefaultValue("vulkan")]
        public string Backend { get; init; } = "vulkan";

        [CommandOption("--allow-cpu-fallback")]
        [Description("With --backend vulkan: run on the CPU reference when there is no Vulkan loader or device, or the device fails.")]
        public bool AllowCpuFallback { get; init; }

        [CommandOption("--device <NAME>")]
        [Description("Vulkan device name substring (default: the best device).")]
        public string? Device { get; init; }

        [CommandOption("--no-trim")]
        [Description("Read the RSS without first calling glibc's malloc_trim(0) (on by default: freed, cached C-heap memory is not a leak).")]
        public bool NoTrim { get; init; }

        [CommandOption("--no-validation")]
        [Description("Run without VK_LAYER_KHRONOS_validation (on by default: it reports leaked objects at shutdown).")]
        public bool NoValidation { get; init; }

        [CommandOption("--net <FILE>")]
        [Description("Packed network written by predict (default: the smallest of 8 sampled ID nets, Kaiming weights).")]
        public string? Net { get; init; }

        [CommandOption("--scheme <BITS>")]
        [Description("Scheme of the default network: w8a8, w4a8, w4a4 or w2a2.")]
        [DefaultValue("w4a4")]
        public string Scheme { get; init; } = "w4a4";

        [CommandOption("--seed <K>")]
        [Description("Seed of the default network and of the 16 synthetic images.")]
        [DefaultValue(61)]
        public int Seed { get; init; } = 61;

        [CommandOption("--json [FILE]")]
        [Description("Without FILE: print the figures and every sample as one JSON document on stdout (the text goes to stderr). " +
            "With FILE: also write that document to FILE, the text staying on stdout.")]
        public FlagValue<string>? Json { get; init; }

        /// <summary>The file named by --json FILE, if any.</summary>
        public string? JsonFile => Json is { IsSet: true, Value: { Length: > 0 } file } ? file : null;

        /// <summary>Bare --json: the document goes to stdout.</summary>
        public bool JsonToStdout => Json is { IsSet: true } && JsonFile is null;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (Inferences < 2 || Warmup < 0 || Warmup >= Inferences || Samples < 1 || !(MaxJitSettle is >= 0 and <= 3600))
                return Spectre.Console.ValidationResult.Error("--inferences must be ≥ 2, --warmup in 0..inferences−1, --samples ≥ 1, --max-jit-settle 0..3600");
            if (Backend.ToLowerInvariant() is not ("cpu" or "vulkan"))
                return Spectre.Console.ValidationResult.Error($"--backend '{Backend}' is not available; expected cpu or vulkan");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    private const int Images = 16;
    // Flat: managed heap and RSS (after the trim) each within 1 % of the baseline (docs/reliability.md, "Soak").
    private const double FlatFraction = 0.01;

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        QuantizedNetwork network = s.Net is null ? DefaultNetwork(s.Scheme, s.Seed) : QuantizedNetwork.Load(s.Net);
        float[] images = SyntheticImages(network.Spec.Input, Images, s.Seed);
        var options = new SoakOptions { Inferences = s.Inferences, WarmupInferences = s.Warmup, Samples = s.Samples, TrimNativeHeap = !s.NoTrim,
            MaxJitSettleSeconds = s.MaxJitSettle };
        var run = new SoakRun(network, s);
        using var json = JsonStdout.Begin(s.JsonToStdout);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {s.Inferences - s.Warmup} measured one-image inferences after a warm-up of at least {s.Warmup} of {network.Spec.Name} {network.Scheme.Name}, {s.Samples} samples"));
        SoakReport report = run.Execute(images, options);
        bool flat = report.IsFlatWithin(FlatFraction);
        bool clean = report.Mismatches == 0 && run.ValidationMessages == 0 && (run.Objects?.TotalLive ?? 0) == 0
            && report.VulkanObjectsCreatedAfterWarmup <= 0;
        Print(report, run, flat);
        object document = Document(report, run, network, flat && clean);
        if (s.JsonFile is not null)
            AtomicFile.Write(s.JsonFile, stream => stream.Write(Encoding.UTF8.GetBytes(JsonStdout.Serialize(document))));
        if (json.Enabled) json.Print(document);
        return flat && clean ? CliApp.ExitOk : CliApp.ExitInternal;
    }

    private static void Print(SoakReport r, SoakRun run, bool flat)
    {
        var o = Console.Out;
        o.WriteLine($"backend: {run.BackendDescription}");
        o.WriteLine("inference | seconds | managed B | RSS B | RSS before trim B | anonymous B | file B | shmem (JIT code) B | live Vulkan objects | JIT-compiled methods");
        foreach (SoakSample x in r.Samples)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{x.Inference} | {x.Seconds:F2} | {x.ManagedBytes} | {x.Resident.TotalBytes} | {x.ResidentBeforeTrim.TotalBytes} | {x.Resident.AnonymousBytes} | {x.Resident.FileBytes} | {x.Resident.SharedMemoryBytes} | {x.LiveVulkanObjects} | {x.JitCompiledMethods}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"managed heap: baseline {r.Baseline.ManagedBytes} B, max deviation {r.ManagedMaxDeviationBytes} B ({r.ManagedMaxDeviation:P3})"));
        string trim = r.NativeHeapTrimmed ? "after malloc_trim" : "not trimmed";
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS ({trim}): baseline {r.Baseline.Resident.TotalBytes} B, max deviation {r.ResidentMaxDeviationBytes} B ({r.ResidentMaxDeviation:P3}); parts: anonymous {r.ResidentAnonymousMaxDeviationBytes} B, file {r.ResidentFileMaxDeviationBytes} B, shmem {r.ResidentSharedMemoryMaxDeviationBytes} B"));
        if (r.NativeHeapTrimmed)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RSS before the trim: baseline {r.Baseline.ResidentBeforeTrim.TotalBytes} B, max deviation {r.ResidentBeforeTrimMaxDeviationBytes} B ({r.ResidentBeforeTrimMaxDeviation:P3})"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up: {r.WarmupInferences} inferences, JIT {(r.JitSettledBeforeBaseline ? "settled" : "NOT settled")} before the baseline; methods JIT-compiled after it: {r.JitCompiledMethodsAfterWarmup}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"steady-state allocation {r.SteadyStateAllocatedBytes} B; Vulkan objects created after warm-up {r.VulkanObjectsCreatedAfterWarmup}; created/destroyed at shutdown: {run.Objects?.ToString() ?? "n/a"}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation messages (shutdown included): {run.ValidationDescription}; logits differing from the CPU reference: {r.Mismatches}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Inferences} inferences in {r.Seconds:F1} s ({r.InferencesPerSecond:F0}/s); memory flat (managed heap and RSS within 1 %): {(flat ? "yes" : "NO")}"));
    }

    private static object Document(SoakReport r, SoakRun run, QuantizedNetwork network, bool passed) => new
    {
        command = Output.Provenance.Command,
        commit = Output.Provenance.Commit,
        backend = run.Backend,
        device = run.DeviceName,
        fallback_reason = run.FallbackReason,
        validation = run.ValidationEnabled,
        net = network.Spec.Name,
        scheme = network.Scheme.Name,
        inferences = r.Inferences,
        warmup_inferences = r.WarmupInferences,
        seconds = r.Seconds,
        inferences_per_second = r.InferencesPerSecond,
        managed_baseline_bytes = r.Baseline.ManagedBytes,
        managed_max_deviation_bytes = r.ManagedMaxDeviationBytes,
        native_heap_trimmed = r.NativeHeapTrimmed,
        resident_baseline_bytes = r.Baseline.Resident.TotalBytes,
        resident_max_deviation_bytes = r.ResidentMaxDeviationBytes,
        resident_anonymous_max_deviation_bytes = r.ResidentAnonymousMaxDeviationBytes,
        resident_file_max_deviation_bytes = r.ResidentFileMaxDeviationBytes,
        resident_shmem_max_deviation_bytes = r.ResidentSharedMemoryMaxDeviationBytes,
        resident_before_trim_baseline_bytes = r.Baseline.ResidentBeforeTrim.TotalBytes,
        resident_before_trim_max_deviation_bytes = r.ResidentBeforeTrimMaxDeviationBytes,
        jit_settled_before_baseline = r.JitSettledBeforeBaseline,
        jit_compiled_methods_after_warmup = r.JitCompiledMethodsAfterWarmup,
        steady_state_allocated_bytes = r.SteadyStateAllocatedBytes,
        vulkan_objects_created_after_warmup = r.VulkanObjectsCreatedAfterWarmup,
        vulkan_objects_created = run.Objects?.TotalCreated,
        vulkan_objects_destroyed = run.Objects?.TotalDestroyed,
        validation_messages = run.ValidationMessages,
        mismatches = r.Mismatches,
        passed,
        samples = r.Samples.Select(x => new
        {
            inference = x.Inference, seconds = x.Seconds, managed_bytes = x.ManagedBytes, resident_bytes = x.Resident.TotalBytes,
            resident_anonymous_bytes = x.Resident.AnonymousBytes, resident_file_bytes = x.Resident.FileBytes,
            resident_shmem_bytes = x.Resident.SharedMemoryBytes, resident_before_trim_bytes = x.ResidentBeforeTrim.TotalBytes,
            live_vulkan_objects = x.LiveVulkanObjects, jit_compiled_methods = x.JitCompiledMethods,
        }).ToArray(),
    };

    // The smallest of 8 sampled ID nets (the CI soak's net for seed 61), Kaiming weights, calibrated on synthetic images.
    private static QuantizedNetwork DefaultNetwork(string scheme, int seed)
    {
        ArchSpec spec = ArchSpace.Sample(ArchSplit.Id, 8, (ulong)seed).OrderBy(a => a.Macs).First();
        FloatNetwork net = KaimingInitializer.Create(spec, (ulong)seed);
        CalibrationResult calibration = Calibrator.Calibrate(net, SyntheticImages(spec.Input, Images, seed + 1), Images, batchSize: Images);
        return Quantizer.Quantize(net, calibration, QuantScheme.Parse(scheme));
    }

    // Seeded values spread over the range of normalized Fashion-MNIST pixels ((0 − 0.286)/0.353 … (1 − 0.286)/0.353).
    private static float[] SyntheticImages(ActivationShape shape, int count, int seed)
    {
        var rng = new Random(seed);
        var images = new float[count * shape.ElementCount];
        for (int i = 0; i < images.Length; i++) images[i] = (float)((rng.NextDouble() - 0.286) / 0.353);
        return images;
    }

    /// <summary>Opens the backend, runs the soak, tears everything down, and keeps what shutdown reported.</summary>
    private sealed class SoakRun(QuantizedNetwork network, Settings settings)
    {
        public string Backend { get; private set; } = "cpu";

        public string? DeviceName { get; private set; }

        public string? FallbackReason { get; private set; }

        public bool ValidationEnabled { get; private set; }

        public VulkanObjectCounter? Objects { get; private set; }

        public int ValidationMessages { get; private set; }

        public string BackendDescription => Backend == "vulkan"
            ? $"vulkan on '{DeviceName}'{(ValidationEnabled ? " with the validation layer" : "")}"
            : FallbackReason is null ? "cpu (CpuReference)" : $"cpu (CpuReference), falling back: {FallbackReason}";

        public string ValidationDescription => ValidationEnabled ? ValidationMessages.ToString(CultureInfo.InvariantCulture) : "n/a (layer off)";

        public SoakReport Execute(float[] images, SoakOptions options)
        {
            if (!settings.Backend.Equals("vulkan", StringComparison.OrdinalIgnoreCase)) return SoakRunner.RunCpu(network, images, Images, options);
            VulkanInstance instance;
            VulkanDevice device;
            try
            {
                instance = new VulkanInstance(new VulkanInstanceOptions { EnableValidation = !settings.NoValidation });
                device = OpenDevice(instance);
            }
            catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable && settings.AllowCpuFallback)
            {
                FallbackReason = e.Message;
                return SoakRunner.RunCpu(network, images, Images, options);
            }

            Backend = "vulkan";
            DeviceName = $"{device.Info.Name} ({device.Info.DriverName} {device.Info.DriverInfo})";
            ValidationEnabled = instance.ValidationEnabled;
            Objects = device.Objects;
            try
            {
                using var worker = new VulkanWorker(device, network,
                    new VulkanWorkerOptions { MaxBatch = 1, AllowCpuFallback = settings.AllowCpuFallback });
                SoakReport report = SoakRunner.RunVulkan(worker, images, Images, options);
                if (worker.IsUsingCpuFallback) FallbackReason = "the device failed during the soak";
                return report;
            }
            finally
            {
                device.Dispose();
                instance.Dispose();   // after this the layer has reported any object left alive
                ValidationMessages = instance.ValidationErrorCount + instance.ValidationWarningCount;
            }
        }

        private VulkanDevice OpenDevice(VulkanInstance instance)
        {
            try
            {
                return new VulkanDevice(instance, new VulkanDeviceOptions { DeviceNameContains = settings.Device });
            }
            catch
            {
                instance.Dispose();
                throw;
            }
        }
    }
}
