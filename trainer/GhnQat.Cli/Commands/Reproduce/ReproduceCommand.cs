// `ghnqat reproduce`: the whole pipeline from scratch — float GHN, the three QAT finetunes, eval and eval-qat, export,
// and (with --publish) the refresh of models/ and docs/results/ — resumable from the run folder's reproduce.json.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Reproduce;

/// <summary>
/// Runs the stages of <see cref="ReproducePlan"/> in order, each through the CLI's own entry in-process (the same code
/// as typing the printed command), skipping finished ones and resuming an interrupted train/finetune from its checkpoint.
/// </summary>
internal sealed class ReproduceCommand : Command<ReproduceCommand.Settings>
{
    /// <summary>Options of <c>reproduce</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--preset <NAME>")]
        [Description("tiny (a smoke run of the whole pipeline in well under a minute) or small (the real CPU run that made models/, hours on 2 cores).")]
        [DefaultValue("small")]
        public string Preset { get; init; } = "small";

        [CommandOption("-o|--out <DIR>")]
        [Description("Run folder: every stage's files, reports (results/), models (models/) and the state file reproduce.json.")]
        [DefaultValue("runs/reproduce")]
        public string Out { get; init; } = "runs/reproduce";

        [CommandOption("--threads <N>")]
        [Description("CPU threads for every stage (0 = all cores); may change between resumes.")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--nets <N>")]
        [Description("Nets per split in eval and eval-qat (default: the preset's, as in docs/results: small 100 id, 30 ood, 10 wide; tiny 2).")]
        public int? Nets { get; init; }

        [CommandOption("--images <N>")]
        [Description("Test images per net in eval and eval-qat (default: the preset's: small 10000 id / 2000 ood in eval, 500 in eval-qat; tiny 64).")]
        public int? Images { get; init; }

        [CommandOption("--from-stage <NAME>")]
        [Description("Rerun from this stage onward even if finished: train, finetune-w4a4, finetune-w2a2, finetune-w2a2-mixed, finetune-w4a8, eval, eval-qat, export, publish.")]
        public string? FromStage { get; init; }

        [CommandOption("--only <NAME>")]
        [Description("Run this one stage (again), nothing else; the stages it needs must be finished.")]
        public string? Only { get; init; }

        [CommandOption("--publish")]
        [Description("Also copy the models into models/ and the reports into docs/results/ of --publish-to, replacing the shipped ones.")]
        public bool Publish { get; init; }

        [CommandOption("--publish-to <DIR>")]
        [Description("Repository root --publish writes into (default: the current folder). The tiny preset publishes only to another folder.")]
        [DefaultValue(".")]
        public string PublishTo { get; init; } = ".";

        [CommandOption("--dry-run")]
        [Description("Print the plan — every stage, its exact ghnqat commands, whether it runs, its estimated time — and run nothing.")]
        public bool DryRun { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder (gzipped IDX files).")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (Preset.Trim().ToLowerInvariant() is not ("tiny" or "small"))
                return Spectre.Console.ValidationResult.Error($"--preset '{Preset}' is unknown; expected tiny or small");
            if (Threads is < 0 or > 256) return Spectre.Console.ValidationResult.Error("--threads must be 0..256");
            if (Nets is < 1 or > 100_000) return Spectre.Console.ValidationResult.Error("--nets must be 1..100000");
            if (Images is < 1 or > 10_000) return Spectre.Console.ValidationResult.Error("--images must be 1..10000 (the test set)");
            if (FromStage is not null && Only is not null) return Spectre.Console.ValidationResult.Error("give --from-stage or --only, not both");
            foreach (var (option, name) in new[] { ("--from-stage", FromStage), ("--only", Only) })
            {
                if (name is null) continue;
                if (!ReproducePlan.StageNames.Contains(name))
                    return Spectre.Console.ValidationResult.Error($"{option} '{name}' is not a stage; stages: {string.Join(", ", ReproducePlan.StageNames)}");
                if (name == "publish" && !Publish) return Spectre.Console.ValidationResult.Error($"{option} publish needs --publish");
            }
            if (Publish && Preset.Trim().Equals("tiny", StringComparison.OrdinalIgnoreCase)
                && Path.GetFullPath(PublishTo) == Path.GetFullPath("."))
                return Spectre.Console.ValidationResult.Error("--publish with --preset tiny would replace the shipped reports with smoke-run ones; give --publish-to another folder");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var stages = ReproducePlan.Build(s);
        var state = ReproduceState.Load(s.Out);
        var options = Identity(s);
        if (state is not null) CheckSameOptions(s.Out, state, options);
        else if (Directory.Exists(s.Out) && Directory.EnumerateFileSystemEntries(s.Out).Any())
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"{s.Out}: exists and is not a reproduce run folder (no {ReproduceState.FileName}); give another --out");
        state ??= new ReproduceState { Options = options, Created = Now(), Commit = Provenance.Commit };

        var status = new ReproduceStatus(stages, state, s.Out);
        var eta = new ReproduceEta(s.Preset);
        var willRun = Selected(s, stages, status);
        if (s.DryRun) return PrintPlan(s, stages, status, eta, willRun);

        Directory.CreateDirectory(s.Out);
        state.Save(s.Out);
        var clock = Stopwatch.StartNew();
        Console.Out.WriteLine($"reproduce ({s.Preset} preset) → {s.Out}: {willRun.Count} of {stages.Count} stages to run; state in {Path.Combine(s.Out, ReproduceState.FileName)}");
        for (int i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            string tag = $"[{i + 1}/{stages.Count}] {stage.Name}";
            status.Refresh();
            if (!willRun.Contains(stage.Name))
            {
                Console.Out.WriteLine($"{tag}: skipped ({SkipReason(s, stage, status)})");
                continue;
            }
            bool resume = !Forced(s, stage) && status.CanResume(stage);
            var left = stages.Skip(i).Where(t => willRun.Contains(t.Name)).ToList();
            Console.Out.WriteLine($"{tag}: start — {stage.What}{(resume ? ", resuming from " + stage.Checkpoint : "")} | elapsed {ReproduceEta.Format(clock.Elapsed.TotalSeconds)} | {Eta(eta, stages, left, resume)}");
            int code = RunStage(s, stage, state, status, resume);
            if (code != CliApp.ExitOk)
            {
                Console.Out.WriteLine($"{tag}: failed (exit {code}) after {ReproduceEta.Format(state.Stages[stage.Name].Seconds)}; fix the cause and rerun the same command to resume");
                return code;
            }
            left.RemoveAt(0);
            Console.Out.WriteLine($"{tag}: done in {ReproduceEta.Format(state.Stages[stage.Name].Seconds)} | elapsed {ReproduceEta.Format(clock.Elapsed.TotalSeconds)} | {Eta(eta, stages, left, resume: false)}");
        }
        string models = Path.Combine(s.Out, "models"), results = Path.Combine(s.Out, "results");
        if (willRun.Contains("publish") && !s.Preset.Trim().Equals("tiny", StringComparison.OrdinalIgnoreCase))
        {
            // The runtime's golden fixtures link models/ (tests/GhnQat.Runtime.Tests/Fixtures); new models invalidate them.
            Console.Out.WriteLine("reproduce: models/ changed; before committing, regenerate the runtime's golden fixtures that link them " +
                "(ghnqat golden --ghn models/ghn2-small.safetensors; ghnqat golden --ghn models/ghn2-qat-w4a4.safetensors --bits w4a4 " +
                "--out tests/GhnQat.Runtime.Tests/Fixtures/qat-golden; the same for w2a2 — docs/qat.md §5) and update the model cards models/*.md");
        }
        Console.Out.WriteLine(s.Publish
            ? $"reproduce: finished in {ReproduceEta.Format(clock.Elapsed.TotalSeconds)}; models in {models} and {ReproducePlan.Under(s.PublishTo, "models")}, reports in {results} and {ReproducePlan.Under(s.PublishTo, Path.Combine("docs", "results"))} (model cards in models/*.md are not rewritten)"
            : $"reproduce: finished in {ReproduceEta.Format(clock.Elapsed.TotalSeconds)}; models in {models}, reports in {results} (add --publish to copy them into models/ and docs/results/)");
        return CliApp.ExitOk;
    }

    // Runs one stage's commands (or copies), recording it as running first and as done with its output hashes after.
    private static int RunStage(Settings s, ReproduceStage stage, ReproduceState state, ReproduceStatus status, bool resume)
    {
        var clock = Stopwatch.StartNew();
        if (!resume)
        {
            foreach (string f in stage.FreshStartDeletes.Where(File.Exists)) File.Delete(f);
        }
        var commands = resume ? [stage.ResumeCommand!] : stage.Commands;
        var record = new ReproduceState.StageRecord
        {
            Started = Now(),
            Inputs = stage.Needs.ToDictionary(n => n, n => state.Stages[n].Fingerprint),
            Ran = [.. commands.Select(CommandLine), .. stage.Copies.Select(c => $"copy {c.From} {c.To}")],
        };
        state.Stages[stage.Name] = record;
        state.Save(s.Out);
        foreach (var args in commands)
        {
            Console.Out.WriteLine("  $ " + CommandLine(args));
            int code = RunCli(args);
            record.Seconds = clock.Elapsed.TotalSeconds;
            if (code != CliApp.ExitOk) return code;
        }
        foreach (var (from, to) in stage.Copies) Copy(from, to, announceReplace: stage.PublishOnly);
        status.Refresh();
        foreach (string output in stage.Outputs)
        {
            if (!File.Exists(output))
                throw new InvalidOperationException($"stage {stage.Name} finished but did not write {output}");
            record.Outputs[ReproduceState.Key(s.Out, output)] = ReproduceState.HashFile(output);
        }
        record.Status = "done";
        record.Finished = Now();
        record.Seconds = clock.Elapsed.TotalSeconds;
        state.Save(s.Out);
        return CliApp.ExitOk;
    }

    // The CLI's own entry, so a stage runs exactly the printed command (its provenance records that command).
    private static int RunCli(string[] args)
    {
        var outer = Provenance.Arguments;
        try
        {
            return CliApp.Run(CliApp.Verbose ? [.. args, "--verbose"] : args);
        }
        finally
        {
            Provenance.Arguments = outer;
        }
    }

    private static void Copy(string from, string to, bool announceReplace)
    {
        if (!File.Exists(from)) throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{from}: missing; rerun with --from-stage train");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(to))!);
        if (announceReplace && File.Exists(to) && ReproduceState.HashFile(to) != ReproduceState.HashFile(from))
            Console.Out.WriteLine($"  replacing {to} (the previous file differs; git shows what changed)");
        AtomicFile.Write(to, stream =>
        {
            using var source = File.OpenRead(from);
            source.CopyTo(stream);
        });
        Console.Out.WriteLine($"  copied {from} → {to}");
    }

    // Stages this invocation runs: --only's one; else from --from-stage on, plus every unfinished stage and everything
    // needing a stage that runs. publish only with --publish.
    private static HashSet<string> Selected(Settings s, IReadOnlyList<ReproduceStage> stages, ReproduceStatus status)
    {
        var run = new HashSet<string>();
        if (s.Only is not null)
        {
            var stage = stages.Single(t => t.Name == s.Only);
            foreach (string need in stage.Needs)
            {
                if (status.Pending(stages.Single(t => t.Name == need)) is string why)
                    throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"--only {s.Only}: it needs stage {need}, which is not finished ({why}); run without --only first");
            }
            run.Add(s.Only);
            return run;
        }
        foreach (var stage in stages)
        {
            if (stage.PublishOnly && !s.Publish) continue;
            if (Forced(s, stage) || status.Pending(stage) is not null || stage.Needs.Any(run.Contains)) run.Add(stage.Name);
        }
        return run;
    }

    private static bool Forced(Settings s, ReproduceStage stage) =>
        s.Only == stage.Name
        || s.FromStage is string from && ReproducePlan.StageNames.ToList().IndexOf(stage.Name) >= ReproducePlan.StageNames.ToList().IndexOf(from);

    private static string SkipReason(Settings s, ReproduceStage stage, ReproduceStatus status)
    {
        if (stage.PublishOnly && !s.Publish) return "add --publish to copy the models and reports into the repository";
        if (s.Only is not null) return "--only " + s.Only;
        return status.Pending(stage) is string why ? why : "finished earlier, outputs unchanged";
    }

    private static string Eta(ReproduceEta eta, IReadOnlyList<ReproduceStage> stages, List<ReproduceStage> left, bool resume)
    {
        if (left.Count == 0) return "nothing left";
        var estimates = left.Select((t, k) => eta.Estimate(t, stages, resume && k == 0)).ToList();
        string bases = string.Join("; ", left.Zip(estimates).GroupBy(p => p.Second.Basis)
            .Select(g => $"{string.Join(", ", g.Select(p => p.First.Name))}: {g.Key}"));
        if (estimates.Any(e => e.Scaled)) bases += "; " + eta.MachineFactor(stages).Basis;
        return $"ETA {ReproduceEta.Format(estimates.Sum(e => e.Seconds))} for {left.Count} stage{(left.Count == 1 ? "" : "s")} ({bases})";
    }

    private static int PrintPlan(Settings s, IReadOnlyList<ReproduceStage> stages, ReproduceStatus status, ReproduceEta eta, HashSet<string> willRun)
    {
        Console.Out.WriteLine($"reproduce plan ({s.Preset} preset) → {s.Out} (dry run: nothing is run or written)");
        double total = 0;
        for (int i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            bool runs = willRun.Contains(stage.Name);
            bool resume = runs && !Forced(s, stage) && status.CanResume(stage);
            var (seconds, basis, _) = eta.Estimate(stage, stages, resume);
            if (runs) total += seconds;
            string what = runs ? $"runs{(resume ? " (resumes from its checkpoint)" : "")}, est. {ReproduceEta.Format(seconds)} ({basis})" : "skipped: " + SkipReason(s, stage, status);
            Console.Out.WriteLine($"[{i + 1}/{stages.Count}] {stage.Name} — {stage.What}: {what}");
            foreach (var args in resume ? [stage.ResumeCommand!] : stage.Commands) Console.Out.WriteLine("    ghnqat " + Quote(args));
            foreach (var (from, to) in stage.Copies) Console.Out.WriteLine($"    cp {from} {to}");
        }
        Console.Out.WriteLine($"total: {willRun.Count} of {stages.Count} stages, est. {ReproduceEta.Format(total)}");
        return CliApp.ExitOk;
    }

    private static Dictionary<string, string> Identity(Settings s) => new()
    {
        ["--preset"] = s.Preset.Trim().ToLowerInvariant(),
        ["--nets"] = s.Nets?.ToString(CultureInfo.InvariantCulture) ?? PresetDefault,
        ["--images"] = s.Images?.ToString(CultureInfo.InvariantCulture) ?? PresetDefault,
    };

    private const string PresetDefault = "(preset default)";

    private static void CheckSameOptions(string folder, ReproduceState state, Dictionary<string, string> options)
    {
        foreach (var (option, value) in options)
        {
            string was = state.Options.GetValueOrDefault(option, "(not recorded)");
            if (was != value)
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"{folder} was started with {option} {was}, this run gives {option} {value}; rerun with the run's {option} to resume, or give another --out");
        }
    }

    private static string CommandLine(string[] args) => "ghnqat " + Quote(args);

    private static string Quote(string[] args) => string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
