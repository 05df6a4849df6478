// `ghnqat eval-qat`: GHN-Q vs GHN-QAT per split × bits under the GHN-2 protocol and the deploy (runtime) protocol.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace GhnQat.Cli.EvalQat;

/// <summary>
/// Evaluates float GHNs (FP32 and post-hoc quantized: GHN-Q) and QAT GHNs (at the scheme they were finetuned
/// for) on the same nets and images; writes a Markdown + JSON + PNG report (<see cref="QatEvalReport"/>).
/// </summary>
internal sealed class EvalQatCommand : Command<EvalQatCommand.Settings>
{
    /// <summary>Options of <c>eval-qat</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILES>")]
        [Description("Comma-separated GHN files: float GHNs (train) and QAT GHNs (finetune); each is labelled by its train config.")]
        public string? Ghn { get; init; }

        [CommandOption("--bits <LIST>")]
        [Description("Comma-separated widths: fp32, w8a8, w4a8, w4a4, w2a2. QAT GHNs are evaluated at their own scheme only.")]
        [DefaultValue("fp32,w8a8,w4a8,w4a4,w2a2")]
        public string Bits { get; init; } = "fp32,w8a8,w4a8,w4a4,w2a2";

        [CommandOption("--splits <LIST>")]
        [Description("Comma-separated splits: id, wide, deep, dense, bnfree.")]
        [DefaultValue("id,wide,deep,dense,bnfree")]
        public string Splits { get; init; } = "id,wide,deep,dense,bnfree";

        [CommandOption("--nets <N>")]
        [Description("Nets per split (the issue asks ≥ 100 id, ≥ 30 elsewhere).")]
        [DefaultValue(100)]
        public int Nets { get; init; } = 100;

        [CommandOption("--first-net <K>")]
        [Description("Evaluate only nets K..N−1 of the N sampled (0-based): one chunk of a long evaluation; --merge joins the chunks.")]
        [DefaultValue(0)]
        public int FirstNet { get; init; }

        [CommandOption("--images <N>")]
        [Description("Test images (the first N of the Fashion-MNIST test set, in order).")]
        [DefaultValue(2000)]
        public int Images { get; init; } = 2000;

        [CommandOption("--calib <N>")]
        [Description("Calibration images of the deploy protocol: the first N training images.")]
        [DefaultValue(ImageDataset.DefaultCalibrationCount)]
        public int Calib { get; init; } = ImageDataset.DefaultCalibrationCount;

        [CommandOption("--protocols <LIST>")]
        [Description("ghn2 (test-batch BN, fake quant), deploy (calibrated, integer, the runtime) or both.")]
        [DefaultValue("ghn2,deploy")]
        public string Protocols { get; init; } = "ghn2,deploy";

        [CommandOption("--seed <K>")]
        [Description("Seed of the sampled nets.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        [CommandOption("-o|--out <DIR>")]
        [Description("Report folder.")]
        [DefaultValue("docs/results")]
        public string Out { get; init; } = "docs/results";

        [CommandOption("--calibrate-on <NET>")]
        [Description("Deploy protocol: calibrate BN statistics and ranges on the quantized net as QAT evaluates it (quantized: " +
            "the runtime's contract), on the float net (float: the contract before 2026-11-26) or on the net with only its weights " +
            "quantized (weights); docs/qat.md §6 compares them.")]
        [DefaultValue("quantized")]
        public string CalibrateOn { get; init; } = "quantized";

        [CommandOption("--merge <JSON,...>")]
        [Description("Instead of evaluating, merge reports written by eval-qat into one: other methods, widths or splits on the same " +
            "nets, or chunks of other nets (--first-net) of the same cells, joined in the order given.")]
        public string? Merge { get; init; }

        [CommandOption("--name <NAME>")]
        [Description("Report file name stem.")]
        [DefaultValue("qat")]
        public string Name { get; init; } = "qat";

        [CommandOption("--threads <N>")]
        [Description("CPU threads (0 = all cores): test batches and the deploy protocol run this many at once.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder.")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Ghn) && Merge is null) return Spectre.Console.ValidationResult.Error("--ghn FILE[,FILE…] is required");
            if (Nets is < 1 or > 100_000) return Spectre.Console.ValidationResult.Error("--nets must be 1..100000");
            if (FirstNet < 0 || FirstNet >= Nets) return Spectre.Console.ValidationResult.Error($"--first-net must be 0..{Nets - 1} (below --nets)");
            if (Images < 1) return Spectre.Console.ValidationResult.Error("--images must be ≥ 1");
            if (CalibrateOn is not ("float" or "weights" or "quantized")) return Spectre.Console.ValidationResult.Error("--calibrate-on must be float, weights or quantized");
            if (Calib is < 1 or > 60_000) return Spectre.Console.ValidationResult.Error("--calib must be 1..60000");
            foreach (string b in List(Bits))
            {
                if (b != QatEvalReport.Fp32 && !QuantScheme.TryParse(b, out _)) return Spectre.Console.ValidationResult.Error($"--bits: '{b}' is neither fp32 nor a scheme");
            }
            if (List(Protocols).Any(p => p is not ("ghn2" or "deploy")) || List(Protocols).Length == 0)
                return Spectre.Console.ValidationResult.Error("--protocols must list ghn2 and/or deploy");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        QatEvalReport report;
        if (s.Merge is not null)
        {
            report = QatEvalReport.Merge(List(s.Merge).Select(QatEvalReport.Read).ToArray());
            Console.Out.WriteLine("wrote " + string.Join(", ", report.Write(s.Out, s.Name)));
        }
        else
        {
            report = Evaluate(s, cancellationToken);
        }
        if (json.Enabled) json.Print(report);   // the report file's data, snake_case keys
        return CliApp.ExitOk;
    }

    private static QatEvalReport Evaluate(Settings s, CancellationToken cancellationToken)
    {
        TorchEnvironment.Initialize(s.Threads);
        var bits = List(s.Bits).Select(b => b == QatEvalReport.Fp32 ? b : QuantScheme.Parse(b).Name).Distinct().ToArray();
        bool ghn2 = List(s.Protocols).Contains("ghn2"), deploy = List(s.Protocols).Contains("deploy");
        var calibrateOn = s.CalibrateOn switch
        {
            "weights" => CalibrationNet.QuantizedWeights,
            "quantized" => CalibrationNet.Quantized,
            _ => CalibrationNet.FloatNet,
        };
        bool quantizedCalibration = calibrateOn != CalibrationNet.FloatNet;
        var ghns = LoadGhns(List(s.Ghn!));
        try
        {
            var test = FashionMnist.Load(DatasetSplit.Test, s.Data);
            var calibration = FashionMnist.Load(DatasetSplit.Train, s.Data).CalibrationSubset(s.Calib);
            var deployer = new DeployEvaluator(calibration, test, s.Images, TorchEnvironment.Threads);
            using var evaluator = new NetEvaluator(test, s.Images);
            var cells = new List<QatEvalReport.Cell>();
            var clock = Stopwatch.StartNew();
            foreach (var split in List(s.Splits).Select(ArchSpace.ParseSplit))
            {
                var specs = ArchSpace.Sample(split, s.Nets, s.Seed).Skip(s.FirstNet).ToArray();
                var progress = new ConsoleProgress("eval-qat " + ArchSpace.SplitName(split), specs.Length) { PlainInterval = TimeSpan.FromMinutes(1) };
                var splitCells = new Dictionary<(string, string), QatEvalReport.Cell>();
                for (int i = 0; i < specs.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var spec = specs[i];
                    foreach (var g in ghns)
                    {
                        var widths = bits.Where(b => g.Scheme is null || b == g.Scheme).ToArray();
                        if (widths.Length == 0) continue;
                        using var scope = NewDisposeScope();
                        var p = NetEvaluator.Predict(g.Model, spec);
                        var floatNet = deploy ? DeployEvaluator.ToFloatNetwork(spec, p) : null;
                        // Calibrated on the float net once, when a width needs it (FP32, or every width with --calibrate-on float).
                        CalibrationResult? floatCalibration = null;
                        CalibrationResult FloatCalibration() => floatCalibration ??= deployer.Calibrate(floatNet!);
                        foreach (string b in widths)
                        {
                            var scheme = b == QatEvalReport.Fp32 ? null : QuantScheme.Parse(b);
                            var key = (b, g.Info.Method);
                            if (!splitCells.TryGetValue(key, out var cell))
                                splitCells[key] = cell = new QatEvalReport.Cell(ArchSpace.SplitName(split), b, g.Info.Method, evaluator.Count, [], [], []);
                            cell.Names.Add(spec.Name);
                            if (ghn2)
                            {
                                var plan = scheme is null ? null : QuantPlan.Build(spec, scheme);
                                cell.Ghn2Protocol.Add(evaluator.Accuracy(spec, p,
                                    plan is null ? null : () => QuantHooks.Create(plan, QuantMode.Sim, training: false)));
                            }
                            if (deploy)
                            {
                                // A net whose activations overflow float32 on the calibration images cannot be calibrated: it
                                // is not deployable and scores 0 % (named in the report) instead of ending the evaluation.
                                try
                                {
                                    cell.Deploy.Add(scheme is null ? deployer.FloatAccuracy(floatNet!, FloatCalibration())
                                        : deployer.QuantizedAccuracy(DeployEvaluator.Quantize(floatNet!,
                                            quantizedCalibration ? deployer.Calibrate(floatNet!, scheme, calibrateOn) : FloatCalibration(), scheme)));
                                }
                                catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidArgument)
                                {
                                    Console.Error.WriteLine($"warning: {spec.Name} {b} {g.Info.Method}: not deployable, counted as 0 %: {e.Message}");
                                    cell.Deploy.Add(0);
                                    cell.NotDeployable.Add(spec.Name);
                                }
                            }
                        }
                    }
                    progress.Update(i + 1, string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalMinutes:F1} min"));
                }
                progress.ClearBar();
                foreach (var cell in splitCells.Values.OrderBy(c => Array.IndexOf(bits, c.Bits)))
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{cell.Split,-7} {cell.Bits,-5} {cell.Method,-19} ghn2 {SplitStats.Of(cell.Ghn2Protocol),-12} deploy {SplitStats.Of(cell.Deploy)}"));
                    cells.Add(cell);
                }
            }
            var report = new QatEvalReport(Provenance.Command, Provenance.Commit, s.Seed, clock.Elapsed.TotalSeconds, deployer.CalibrationCount,
                ghns.Select(g => g.Info).ToList(), cells);
            Console.Out.WriteLine("wrote " + string.Join(", ", report.Write(s.Out, s.Name)));
            return report;
        }
        finally
        {
            foreach (var g in ghns) g.Model.Dispose();
        }
    }

    private sealed record LoadedGhn(Trainer.Ghn.Ghn2 Model, string? Scheme, QatEvalReport.GhnInfo Info);

    // One GHN per (method, scheme): two files for the same table cell would make the report ambiguous.
    private static List<LoadedGhn> LoadGhns(string[] files)
    {
        var result = new List<LoadedGhn>();
        foreach (string file in files)
        {
            var loaded = GhnCheckpoint.Load(file);
            loaded.Model.eval();
            var mode = loaded.Config?.ParseQuantMode() ?? QuantMode.None;
            string? scheme = loaded.Config?.ParseScheme()?.Name;
            var info = new QatEvalReport.GhnInfo(file, QuantModes.Label(mode), scheme, loaded.Metadata.GetValueOrDefault("ghnqat.command") ?? "(unknown)");
            if (result.Any(r => r.Info.Method == info.Method && r.Scheme == scheme))
            {
                loaded.Model.Dispose();
                foreach (var r in result) r.Model.Dispose();
                throw new Runtime.Errors.GhnQatException(Runtime.Errors.GhnQatErrorCode.InvalidArgument,
                    $"{file}: another GHN in --ghn is also {info.Method}{(scheme is null ? "" : " " + scheme)}; give one file per method and scheme");
            }
            result.Add(new LoadedGhn(loaded.Model, scheme, info));
        }
        return result;
    }

    private static string[] List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).ToArray();
}
