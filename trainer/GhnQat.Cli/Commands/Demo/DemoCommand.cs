// `ghnqat demo`: the kit end to end on unseen nets — shipped GHN-QAT models → on-device prediction → calibrate →
// quantize → Vulkan (or the CPU reference) → checks against the CPU reference and ONNX Runtime → table and report.
using System.Diagnostics;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Trainer;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Demo;

/// <summary>Runs the demo and writes its run folder; exit 0 only when every check agreed bit for bit.</summary>
internal sealed class DemoCommand : Command<DemoSettings>
{
    public override int Execute(CommandContext context, DemoSettings s, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int threads = s.Threads > 0 ? s.Threads : Environment.ProcessorCount;
        string folder = s.Out ?? Path.Combine("runs", "demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var log = s.Json ? Console.Error : Console.Out;
        foreach (string bits in s.BitList) DemoRunner.GhnFile(s.Models, bits);
        if (!s.NoTrainer) TorchEnvironment.Initialize(threads);

        using var backend = DemoBackend.Open(s.Backend, s.Device, validation: !s.NoValidation);
        if (backend.FallbackReason is not null)
            log.WriteLine($"note: no usable Vulkan ({backend.FallbackReason}); the integer nets run on the CPU reference instead");
        using var runner = new DemoRunner(s, backend, threads);
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        var specs = s.SplitList.Select(split => (split, nets: Pick(split, s, log, skipped))).ToList();
        int total = specs.Sum(x => x.nets.Count) * s.BitList.Length;
        log.WriteLine(Inv($"demo: {s.Nets} unseen nets × {s.SplitList.Length} splits ({string.Join(", ", s.SplitList)}) × {string.Join("/", s.BitList)}, {runner.Images} test images each, backend {backend.Description}{(backend.Instance?.ValidationEnabled == true ? " with the validation layer" : "")}"));

        var progress = new ConsoleProgress("demo", total) { Writer = log };
        var cells = new List<DemoCell>();
        foreach (var (split, nets) in specs)
        {
            foreach (var spec in nets)
            {
                foreach (string bits in s.BitList)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var c = runner.Measure(split, spec, bits);
                    cells.Add(c);
                    progress.Log(Inv($"{split,-7} {spec.Name,-18} {bits,-5} top-1 {c.RuntimeTop1 * 100,5:F1} % (trainer {(c.TrainerTop1 is { } t ? (t * 100).ToString("F1", CultureInfo.InvariantCulture) : "—")}), predicted in {c.PredictMs:F0} ms, {c.ImagesPerSecond:F0} img/s, mismatches vs CPU {c.CpuMismatches}, vs ORT {c.OrtMismatches}"));
                    progress.Update(cells.Count, Inv($"{split} {bits}"));
                }
            }
        }
        progress.ClearBar();

        var instance = backend.Instance;
        var summary = new DemoReport.Summary(Provenance.Command, Provenance.Commit, backend.Description, backend.FallbackReason, Measure.CpuName(),
            runner.Images, Math.Min(s.OrtImages, runner.Images), s.Seed, s.MaxMmacs, skipped, clock.Elapsed.TotalSeconds,
            instance?.ValidationErrorCount ?? 0, instance?.ValidationWarningCount ?? 0, instance?.ValidationEnabled ?? false,
            DemoReport.Aggregate(cells, s.SplitList, s.BitList), cells);
        var files = DemoReport.Write(folder, summary, s.SplitList, s.BitList);
        if (s.Json)
        {
            Console.Out.WriteLine(DemoReport.Json(summary));
        }
        else
        {
            Console.Out.WriteLine();
            Console.Out.Write(DemoReport.Table(summary.Rows));
            Console.Out.WriteLine();
            var (cpuValues, cpuMismatches) = summary.CpuCheck;
            var (ortValues, ortMismatches) = summary.OrtCheck;
            Console.Out.WriteLine(Inv($"checks: {cpuMismatches} mismatches in {cpuValues:N0} values vs the CPU reference, {ortMismatches} in {ortValues:N0} vs ONNX Runtime; validation layer {(summary.ValidationEnabled ? $"{summary.ValidationErrors} errors, {summary.ValidationWarnings} warnings" : "off")}"));
            foreach (string message in instance?.ValidationMessages ?? []) Console.Out.WriteLine("  validation: " + message);
        }
        log.WriteLine(Inv($"demo finished in {clock.Elapsed.TotalSeconds:F0} s; report: {files[0]} (also {string.Join(", ", files.Skip(1).Select(Path.GetFileName))})"));
        if (summary.AllExact) return CliApp.ExitOk;
        log.WriteLine("error: a check disagreed (see the table and the report); exit 70");
        return CliApp.ExitInternal;
    }

    // The first --nets nets of the split's seeded sample that fit under the MAC cap, in sample order.
    private static IReadOnlyList<ArchSpec> Pick(string split, DemoSettings s, TextWriter log, Dictionary<string, int> skippedPerSplit)
    {
        var parsed = ArchSpace.ParseSplit(split);
        if (s.MaxMmacs == 0) return ArchSpace.Sample(parsed, s.Nets, s.Seed);
        int candidates = Math.Max(256, s.Nets * 64);
        var all = ArchSpace.Sample(parsed, candidates, s.Seed);
        var picked = new List<ArchSpec>();
        int skipped = 0;
        foreach (var spec in all)
        {
            if (picked.Count == s.Nets) break;
            if (spec.Macs > s.MaxMmacs * 1e6) skipped++;
            else picked.Add(spec);
        }
        if (picked.Count == 0)
            throw new Runtime.Errors.GhnQatException(Runtime.Errors.GhnQatErrorCode.InvalidArgument,
                Inv($"--max-mmacs {s.MaxMmacs}: none of {candidates} sampled {split} nets is that small; raise it or use 0 for no cap"));
        skippedPerSplit[split] = skipped;
        if (skipped > 0)
            log.WriteLine(Inv($"{split}: skipped {skipped} sampled nets above {s.MaxMmacs} M MACs per image (--max-mmacs); took {picked.Count}"));
        return picked;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
