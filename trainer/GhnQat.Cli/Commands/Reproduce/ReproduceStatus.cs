// Whether a reproduce stage is finished: its record says done, its outputs still have the recorded bytes, and every
// stage it needs is finished with the outputs this one was run on.
namespace GhnQat.Cli.Reproduce;

/// <summary>Checks stages against the state file and the files on disk (hashes cached per file for one check).</summary>
internal sealed class ReproduceStatus(IReadOnlyList<ReproduceStage> stages, ReproduceState state, string runFolder)
{
    private readonly Dictionary<string, string?> _hashes = [];

    /// <summary>Null when <paramref name="stage"/> is finished; otherwise why it has to run.</summary>
    public string? Pending(ReproduceStage stage)
    {
        if (!state.Stages.TryGetValue(stage.Name, out var record)) return "not run yet";
        if (record.Status != "done") return "interrupted";
        foreach (string output in stage.Outputs)
        {
            if (!record.Outputs.TryGetValue(ReproduceState.Key(runFolder, output), out string? recorded)) return $"{output} not recorded";
            string? now = Hash(output);
            if (now is null) return $"{output} is missing";
            if (now != recorded) return $"{output} changed since";
        }
        foreach (string need in stage.Needs)
        {
            var needed = stages.Single(s => s.Name == need);
            if (Pending(needed) is not null) return $"needs {need}, which has to run";
            if (!record.Inputs.TryGetValue(need, out string? used) || used != state.Stages[need].Fingerprint)
                return $"{need} changed since it ran";
        }
        return null;
    }

    /// <summary>
    /// Whether a train/finetune stage that has to run can continue from its checkpoint: it was started before, its
    /// checkpoint exists, and the stages it needs still have the outputs it started from.
    /// </summary>
    public bool CanResume(ReproduceStage stage) =>
        stage.Checkpoint is not null && File.Exists(stage.Checkpoint)
        && state.Stages.TryGetValue(stage.Name, out var record)
        && stage.Needs.All(n => Pending(stages.Single(s => s.Name == n)) is null
            && record.Inputs.GetValueOrDefault(n) == state.Stages[n].Fingerprint);

    /// <summary>Forgets cached hashes (after a stage wrote files).</summary>
    public void Refresh() => _hashes.Clear();

    private string? Hash(string path)
    {
        if (!_hashes.TryGetValue(path, out string? h))
            _hashes[path] = h = File.Exists(path) ? ReproduceState.HashFile(path) : null;
        return h;
    }
}
