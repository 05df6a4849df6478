// The float-GHN evaluation report: one Markdown table, the raw per-net numbers as JSON, and a bar chart.
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.IO;
using GhnQat.Trainer.Reports;

namespace GhnQat.Trainer.Evaluation;

/// <summary>Per-split accuracies of a GHN and its baselines, with how they were produced.</summary>
public sealed record EvalReport(string Ghn, string Command, string Commit, ulong Seed, double Seconds,
    string GhnCommand, int SgdImages, IReadOnlyList<EvalReport.Row> Rows)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>One split: per-net accuracies (fractions) of the GHN's prediction and of the baselines.</summary>
    public sealed record Row(string Split, int Images, int BaselineImages, List<string> Names, List<double> Ghn, List<double> Random, List<double> Sgd);

    /// <summary>Reads a report's JSON (for merging runs made in parallel).</summary>
    public static EvalReport Read(string path) =>
        JsonSerializer.Deserialize<EvalReport>(File.ReadAllText(path))
            ?? throw new GhnQat.Runtime.Errors.GhnQatException(GhnQat.Runtime.Errors.GhnQatErrorCode.InvalidFile, $"{path}: not an eval report");

    /// <summary>Writes OUT/NAME.md, .json and .png; returns the paths.</summary>
    public IReadOnlyList<string> Write(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        string md = Path.Combine(folder, name + ".md"), json = Path.Combine(folder, name + ".json"), png = Path.Combine(folder, name + ".png");
        WriteText(md, Markdown(name));
        WriteText(json, JsonSerializer.Serialize(this, Indented));
        Plots.Bars(png, "Fashion-MNIST top-1 of unseen nets (GHN-2 protocol)", "top-1 %", Rows.Select(r => r.Split).ToArray(),
        [
            ("GHN-2 predicted", Rows.Select(r => SplitStats.Of(r.Ghn).Mean).ToArray(), Rows.Select(r => SplitStats.Of(r.Ghn).StdError).ToArray()),
            ("random init", Rows.Select(r => SplitStats.Of(r.Random).Mean).ToArray(), Rows.Select(r => SplitStats.Of(r.Random).StdError).ToArray()),
            ("SGD 1 epoch", Rows.Select(r => Zero(SplitStats.Of(r.Sgd).Mean)).ToArray(), Rows.Select(r => Zero(SplitStats.Of(r.Sgd).StdError)).ToArray()),
        ]);
        return [md, json, png];
    }

    /// <summary>The Markdown report.</summary>
    public string Markdown(string name)
    {
        var t = new StringBuilder();
        t.Append(CultureInfo.InvariantCulture, $"# {name}: float GHN-2 on unseen nets (Fashion-MNIST)\n\n");
        t.Append("Top-1 % on the Fashion-MNIST test set, mean ± standard error over nets, GHN-2 protocol (test images in order, ")
         .Append("batches of 64, BN with each batch's statistics). Same nets in every column of a row; the baselines are scored ")
         .Append("on the first *baseline images* test images (random init is ~10 % on any subset).\n\n");
        t.Append("| split | nets | test images | GHN-2 predicted | random init (He) | SGD 1 epoch (nets) | baseline images |\n|---|---|---|---|---|---|---|\n");
        foreach (var r in Rows)
        {
            var sgd = SplitStats.Of(r.Sgd);
            t.Append(CultureInfo.InvariantCulture,
                $"| {r.Split} | {r.Ghn.Count} | {r.Images} | **{SplitStats.Of(r.Ghn)}** | {SplitStats.Of(r.Random)} | {(sgd.Count == 0 ? "—" : $"{sgd} ({sgd.Count})")} | {r.BaselineImages} |\n");
        }
        t.Append(CultureInfo.InvariantCulture, $"\n![bar chart]({name}.png)\n\n");
        t.Append("- GHN: `").Append(Ghn).Append("`, trained by `").Append(GhnCommand).Append("`\n");
        t.Append("- Produced by `").Append(Command).Append("` at commit `").Append(Commit).Append(CultureInfo.InvariantCulture, $"` in {Seconds / 60:F1} min (2-core CPU).\n");
        t.Append(CultureInfo.InvariantCulture, $"- Nets: `ArchSpace.Sample(split, nets, seed {Seed})`; per-net numbers in `{name}.json`.\n");
        t.Append("- Random init: He-normal weights, BN γ = 1, β = 0. ");
        if (Rows.Any(r => r.Sgd.Count > 0))
            t.Append("SGD 1 epoch: momentum 0.9, lr 0.05 cosine, wd 5e-4, batch 64, ")
             .Append(CultureInfo.InvariantCulture, $"crop ±2 + flip, one pass over {SgdImages} training images, on the first nets of the split.\n");
        else
            t.Append("SGD 1 epoch: not run (`--sgd-nets 0`).\n");
        return t.ToString();
    }

    private static double Zero(double v) => double.IsFinite(v) ? v : 0;

    private static void WriteText(string path, string text) =>
        AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(text)));
}
