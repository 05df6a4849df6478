// The stages of `ghnqat reproduce` for a preset: the exact ghnqat commands docs/training.md and docs/qat.md used for
// the shipped models, with paths inside the run folder.
using System.Globalization;
using GhnQat.Runtime.Data;
using GhnQat.Trainer.Quantization;

namespace GhnQat.Cli.Reproduce;

/// <summary>Builds the ordered stage list: train → finetunes → eval → eval-qat → export → publish.</summary>
internal static class ReproducePlan
{
    /// <summary>
    /// One finetune stage "finetune-{Name}": bits, quant, steps for the small preset (null = the preset's), the stage
    /// whose GHN it starts from (null = the float GHN), its --seed and its --lr (null = the defaults).
    /// </summary>
    public sealed record Finetune(string Name, string Bits, string Quant, int? SmallSteps, string? From = null, int? Seed = null, string? Lr = null);

    /// <summary>The finetunes behind the QAT models shipped in models/; a stage another starts from is not shipped.</summary>
    /// <remarks>W4A8 was a 600-step finetune (models/ghn2-qat-w4a8.md); W4A4 the full preset at the float lr 1e-3,
    /// seed 3 (models/ghn2-qat-w4a4.md); W2A2 the full preset of NoiseQuant, then 900 Mixed steps (SimQuant weights,
    /// noisy activations) with seed 2 (models/ghn2-qat-w2a2.md).</remarks>
    public static readonly IReadOnlyList<Finetune> Finetunes =
    [
        new("w4a4", "w4a4", "sim", null, Seed: 3, Lr: "1e-3"),
        new("w2a2", "w2a2", "noise", null),
        new("w2a2-mixed", "w2a2", "mixed", 900, From: "w2a2", Seed: 2),
        new("w4a8", "w4a8", "sim", 600),
    ];

    /// <summary>Float training steps of the tiny preset's reproduce run (the tiny TrainConfig's 30 would take ~10 s).</summary>
    public const int TinyTrainSteps = 10;

    /// <summary>Finetune steps of the tiny preset's reproduce run.</summary>
    public const int TinyFinetuneSteps = 5;

    /// <summary>Seconds the shipped float eval took (docs/results/ghn-float.md: 61.1 min, --threads 1, 2-core VM).</summary>
    private const double SmallEvalSeconds = 3666;

    /// <summary>Seconds the shipped qat-id eval took (docs/qat.md §6: 12.7 min for 5 cells, 100 nets × 500 images).</summary>
    private const double SmallEvalQatSeconds = 762;

    /// <summary>Seconds of the tiny eval stage (2 id + 2 ood nets × 64 images) on the shared 2-core VM, load ≈ 6.</summary>
    private const double TinyEvalSeconds = 6;

    /// <summary>Seconds of the tiny eval-qat stage (2 nets × 32 images, 7 cells, both protocols), same machine.</summary>
    private const double TinyEvalQatSeconds = 10;

    /// <summary>Stage names in run order.</summary>
    public static IReadOnlyList<string> StageNames { get; } =
        ["train", .. Finetunes.Select(f => "finetune-" + f.Name), "eval", "eval-qat", "export", "publish"];

    /// <summary>The stages for <paramref name="s"/>; paths are <c>--out</c>-relative as the user gave it.</summary>
    public static IReadOnlyList<ReproduceStage> Build(ReproduceCommand.Settings s)
    {
        string preset = s.Preset.Trim().ToLowerInvariant();
        bool tiny = preset == "tiny";
        string run = s.Out;
        string threads = s.Threads.ToString(CultureInfo.InvariantCulture);
        string[] data = s.Data == FashionMnist.DefaultFolder ? [] : ["--data", s.Data];
        string results = Path.Combine(run, "results");
        string models = Path.Combine(run, "models");
        var stages = new List<ReproduceStage>();

        string floatDir = Path.Combine(run, "ghn-" + preset);
        string floatGhn = Path.Combine(floatDir, "ghn.safetensors");
        int trainSteps = tiny ? TinyTrainSteps : Trainer.Training.TrainConfig.Small.Steps;
        stages.Add(Training("train", $"float GHN-2, {preset} preset, {trainSteps} steps", [], floatDir, "none", trainSteps,
            ["train", "--preset", preset, .. tiny ? new[] { "--steps", TinyTrainSteps.ToString(CultureInfo.InvariantCulture) } : [],
             "--threads", threads, "--out", floatDir, .. data],
            threads, data));

        var qatGhns = new List<(string Bits, string Quant, string Ghn)>();
        var ghnOf = new Dictionary<string, string>();
        foreach (var f in Finetunes)
        {
            string dir = Path.Combine(run, $"qat-{f.Bits}-{f.Quant}");
            int? steps = tiny ? TinyFinetuneSteps : f.SmallSteps;
            int total = steps ?? QatPresets.SmallSteps;
            string mode = QuantModes.Label(QuantModes.Parse(f.Quant))["GHN-QAT-".Length..];
            stages.Add(Training("finetune-" + f.Name, $"GHN-QAT {f.Bits.ToUpperInvariant()} {mode}, {total} steps{(f.From is null ? "" : $", from finetune-{f.From}")}",
                [f.From is null ? "train" : "finetune-" + f.From], dir, f.Quant, total,
                ["finetune", "--from", f.From is null ? floatGhn : ghnOf[f.From], "--bits", f.Bits, "--quant", f.Quant, "--preset", preset,
                 .. steps is int n ? new[] { "--steps", n.ToString(CultureInfo.InvariantCulture) } : [],
                 .. f.Seed is int seed ? new[] { "--seed", seed.ToString(CultureInfo.InvariantCulture) } : [],
                 .. f.Lr is string lr ? new[] { "--lr", lr } : [],
                 "--threads", threads, "--out", dir, .. data],
                threads, data));
            ghnOf[f.Name] = Path.Combine(dir, "ghn.safetensors");
        }
        // A finetune another one continues is an intermediate: the last of each chain is evaluated and shipped.
        foreach (var f in Finetunes.Where(f => !Finetunes.Any(g => g.From == f.Name)))
            qatGhns.Add((f.Bits, f.Quant, ghnOf[f.Name]));

        stages.Add(Eval(s, tiny, floatGhn, results, threads, data));
        stages.Add(EvalQat(s, tiny, floatGhn, qatGhns.Select(q => q.Ghn), results, threads, data));

        // Model names as in models/: ghn2-small, ghn2-qat-w4a4, …; the tiny preset's carry "tiny" so they never pass
        // for the shipped ones.
        string stem = tiny ? "ghn2-tiny" : "ghn2";
        var exports = new List<(string From, string To)> { (floatGhn, Path.Combine(models, $"ghn2-{preset}.safetensors")) };
        exports.AddRange(qatGhns.Select(q => (q.Ghn, Path.Combine(models, $"{stem}-qat-{q.Bits}.safetensors"))));
        exports.Add((Path.Combine(floatDir, "loss.png"), Path.Combine(results, $"ghn2-{preset}-loss.png")));
        stages.Add(new ReproduceStage
        {
            Name = "export",
            What = $"copy the {exports.Count - 1} GHNs to {models}",
            Needs = ["train", .. Finetunes.Select(f => "finetune-" + f.Name)],
            Copies = exports,
            Outputs = exports.Select(e => e.To).ToArray(),
            Documented = (1, "a file copy"),
        });

        string[] reports = ["ghn-float", "qat-id"];
        var publish = exports.Where(e => e.To.EndsWith(".safetensors", StringComparison.Ordinal))
            .Select(e => (e.To, Under(s.PublishTo, Path.Combine("models", Path.GetFileName(e.To)))))
            .Concat(reports.SelectMany(r => new[] { ".md", ".json", ".png" }.Select(x => r + x))
                .Append($"ghn2-{preset}-loss.png")
                .Select(f => (Path.Combine(results, f), Under(s.PublishTo, Path.Combine("docs", "results", f)))))
            .ToArray();
        stages.Add(new ReproduceStage
        {
            Name = "publish",
            What = $"copy the models and reports into {Under(s.PublishTo, "models")} and {Under(s.PublishTo, Path.Combine("docs", "results"))}",
            Needs = ["export", "eval", "eval-qat"],
            Copies = publish,
            Outputs = publish.Select(p => p.Item2).ToArray(),
            Documented = (1, "a file copy"),
            PublishOnly = true,
        });
        return stages;
    }

    /// <summary><paramref name="path"/> under <paramref name="root"/>, without a leading "./" for the current folder.</summary>
    public static string Under(string root, string path) => root is "." or "" ? path : Path.Combine(root, path);

    private static ReproduceStage Training(string name, string what, string[] needs, string dir, string quant, int steps,
        string[] command, string threads, string[] data)
    {
        string checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        string verb = command[0];
        return new ReproduceStage
        {
            Name = name,
            What = what,
            Needs = needs,
            Commands = [command],
            ResumeCommand = [verb, "--resume", checkpoint, "--threads", threads, "--out", dir, .. data],
            Checkpoint = checkpoint,
            FreshStartDeletes = [checkpoint, Path.Combine(dir, "ghn.safetensors"), Path.Combine(dir, "train-log.jsonl"), Path.Combine(dir, "loss.png")],
            Outputs = [Path.Combine(dir, "ghn.safetensors"), Path.Combine(dir, "loss.png")],
            Training = (steps, quant),
        };
    }

    // Small: the two evals and the merge that produced docs/results/ghn-float.md; --nets/--images size every split alike.
    private static ReproduceStage Eval(ReproduceCommand.Settings s, bool tiny, string ghn, string results, string threads, string[] data)
    {
        string[] Common(string name) => ["--threads", threads, "--out", results, "--name", name, .. data];
        string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        string[] id, ood;
        double seconds;
        string basis;
        if (tiny)
        {
            // One ood net per split unless --nets says otherwise: the tiny run must stay well under a minute.
            int nets = s.Nets ?? 2, oodNets = s.Nets ?? 1, images = s.Images ?? 64;
            id = ["eval", "--ghn", ghn, "--splits", "id", "--nets", N(nets), "--images", N(images), "--sgd-nets", "1", "--sgd-images", "64", .. Common("ghn-float-id")];
            ood = ["eval", "--ghn", ghn, "--splits", "deep,bnfree", "--nets", N(oodNets), "--images", N(images), .. Common("ghn-float-ood")];
            (seconds, basis) = (TinyEvalSeconds * (nets + 2 * oodNets) * images / (4 * 64), "the tiny timing in docs/reproduce.md");
        }
        else if (s.Nets is null && s.Images is null)
        {
            id = ["eval", "--ghn", ghn, "--splits", "id", "--nets", "100", "--images", "10000", "--baseline-images", "2000", "--sgd-nets", "10", .. Common("ghn-float-id")];
            ood = ["eval", "--ghn", ghn, "--splits", "deep,dense,bnfree,wide", "--nets", "30", "--nets-wide", "10", "--images", "2000",
                "--images-wide", "1000", "--baseline-images", "1000", .. Common("ghn-float-ood")];
            (seconds, basis) = (SmallEvalSeconds, "docs/results/ghn-float.md's timing");
        }
        else
        {
            int nets = s.Nets ?? 100, images = s.Images ?? 2000;
            id = ["eval", "--ghn", ghn, "--splits", "id", "--nets", N(nets), "--images", N(images), "--baseline-images", N(Math.Min(2000, images)),
                "--sgd-nets", N(Math.Min(10, nets)), .. Common("ghn-float-id")];
            ood = ["eval", "--ghn", ghn, "--splits", "deep,dense,bnfree,wide", "--nets", N(nets), "--images", N(images),
                "--baseline-images", N(Math.Min(1000, images)), .. Common("ghn-float-ood")];
            // The shipped eval: 100 × 10 000 id + 90 × 2 000 + 10 × 1 000 ood net-images; wide nets cost ~45× (×10 here).
            double work = nets * images * (1 + 3 + 10.0) / (1e6 + 180_000 + 10 * 10_000);
            (seconds, basis) = (SmallEvalSeconds * work, "docs/results/ghn-float.md's timing, scaled by nets × images");
        }
        string merged = Path.Combine(results, "ghn-float");
        string[] merge = ["eval", "--merge", Path.Combine(results, "ghn-float-id.json") + "," + Path.Combine(results, "ghn-float-ood.json"),
            "--out", results, "--name", "ghn-float"];
        return new ReproduceStage
        {
            Name = "eval",
            What = "float GHN on unseen nets of every split (GHN-2 protocol) beside random init and SGD",
            Needs = ["train"],
            Commands = [id, ood, merge],
            Outputs = [merged + ".md", merged + ".json", merged + ".png"],
            Documented = (seconds, basis),
        };
    }

    private static ReproduceStage EvalQat(ReproduceCommand.Settings s, bool tiny, string floatGhn, IEnumerable<string> qat,
        string results, string threads, string[] data)
    {
        int nets = s.Nets ?? (tiny ? 2 : 100), images = s.Images ?? (tiny ? 32 : 500);
        string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        string[] command = ["eval-qat", "--ghn", string.Join(',', qat.Prepend(floatGhn)), "--bits", "fp32,w4a8,w4a4,w2a2",
            "--splits", "id", "--nets", N(nets), "--images", N(images), .. tiny ? new[] { "--calib", "32" } : [],
            "--threads", threads, "--out", results, "--name", "qat-id", .. data];
        // 7 cells (FP32, 3 × GHN-Q, 3 × GHN-QAT) where the documented run had 5; both protocols.
        (double seconds, string basis) = tiny
            ? (TinyEvalQatSeconds * nets * images / (2 * 32), "the tiny timing in docs/reproduce.md")
            : (SmallEvalQatSeconds * 7 / 5 * nets * images / (100 * 500), "docs/qat.md §6's timing, scaled to 7 cells and the nets × images");
        string stem = Path.Combine(results, "qat-id");
        return new ReproduceStage
        {
            Name = "eval-qat",
            What = "GHN-Q vs GHN-QAT at FP32, W4A8, W4A4, W2A2, deploy and GHN-2 protocols",
            Needs = ["train", .. Finetunes.Select(f => "finetune-" + f.Name)],
            Commands = [command],
            Outputs = [stem + ".md", stem + ".json", stem + ".png"],
            Documented = (seconds, basis),
        };
    }
}
