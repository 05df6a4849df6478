// One stage of `ghnqat reproduce`: the ghnqat commands it runs (or the files it copies), what it needs and what it writes.
namespace GhnQat.Cli.Reproduce;

/// <summary>
/// A stage of the pipeline. A stage either runs <see cref="Commands"/> (ghnqat argument lists, in order, in-process)
/// or copies <see cref="Copies"/>; it is finished when its state record says so, every file in <see cref="Outputs"/>
/// still has the recorded hash and every stage in <see cref="Needs"/> is finished with the outputs it was run on.
/// </summary>
internal sealed record ReproduceStage
{
    /// <summary>Name used by --from-stage, --only and the state file, e.g. "finetune-w4a4".</summary>
    public required string Name { get; init; }

    /// <summary>One phrase for the plan and the progress lines.</summary>
    public required string What { get; init; }

    /// <summary>Stages whose outputs this one reads.</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>ghnqat argument lists run in order (empty for a copy stage).</summary>
    public IReadOnlyList<string[]> Commands { get; init; } = [];

    /// <summary>train/finetune: the command that continues from <see cref="Checkpoint"/> after an interruption.</summary>
    public string[]? ResumeCommand { get; init; }

    /// <summary>train/finetune: the resumable checkpoint the stage's command writes.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>train/finetune: files a fresh (not resumed) start deletes first, so a stale checkpoint is never resumed.</summary>
    public IReadOnlyList<string> FreshStartDeletes { get; init; } = [];

    /// <summary>Files copied (source → destination), for export and publish.</summary>
    public IReadOnlyList<(string From, string To)> Copies { get; init; } = [];

    /// <summary>Files the stage must leave behind; their SHA-256 is recorded in the state file.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>train/finetune: steps and quantization mode ("none", "sim", "noise"), for the ETA.</summary>
    public (int Steps, string Quant)? Training { get; init; }

    /// <summary>Estimated seconds of a stage that is not a training run, and where that number comes from.</summary>
    public (double Seconds, string Basis) Documented { get; init; }

    /// <summary>Runs only with --publish (writes into the repository).</summary>
    public bool PublishOnly { get; init; }

    /// <summary>The folder holding a training stage's train-log.jsonl (the checkpoint's folder).</summary>
    public string? RunFolder => Checkpoint is null ? null : Path.GetDirectoryName(Checkpoint);
}
