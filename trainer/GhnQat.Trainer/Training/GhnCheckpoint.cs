// GHN files: the model alone (shipped) or with optimizer state and step (resumable), as safetensors with metadata.
using GhnQat.Runtime.Hypernet;
using System.Globalization;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.IO;
using GhnQat.Trainer.Ghn;
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Training;

/// <summary>
/// Layout (docs/formats.md): tensors "ghn.&lt;param&gt;" (F32), and in a resumable checkpoint "adam.m.&lt;param&gt;" and
/// "adam.v.&lt;param&gt;"; metadata: format, GHN config JSON, vocabulary JSON, train config JSON, step, Adam step,
/// provenance (command, commit, dataset, metrics, time). Writes are atomic (temp file + rename).
/// </summary>
public static class GhnCheckpoint
{
    /// <summary>Format of a model-only file.</summary>
    public const string ModelFormat = "ghnqat.ghn/1";
    /// <summary>Format of a resumable training checkpoint.</summary>
    public const string CheckpointFormat = "ghnqat.ghn-checkpoint/1";
    /// <summary>Metadata key of the GHN config JSON.</summary>
    public const string GhnConfigKey = "ghnqat.ghn_config";
    /// <summary>Metadata key of the vocabulary JSON.</summary>
    public const string VocabularyKey = "ghnqat.vocabulary";
    /// <summary>Metadata key of the train config JSON.</summary>
    public const string TrainConfigKey = "ghnqat.train_config";
    /// <summary>Metadata key of the number of finished steps.</summary>
    public const string StepKey = "ghnqat.step";
    /// <summary>Metadata key of the optimizer's own step count.</summary>
    public const string AdamStepKey = "ghnqat.adam_step";
    /// <summary>Prefix of the GHN's tensors.</summary>
    public const string ParamPrefix = "ghn.";

    /// <summary>Writes <paramref name="model"/> (and, when given, the optimizer and step) atomically.</summary>
    public static void Save(string path, Ghn2 model, TrainConfig? config, AdamOptimizer? adam, int step,
        IReadOnlyDictionary<string, string>? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var writer = new SafetensorsWriter();
        foreach (var (name, p) in model.named_parameters()) AddTensor(writer, ParamPrefix + name, p);
        if (adam is not null)
        {
            foreach (var (name, m) in adam.M) AddTensor(writer, "adam.m." + name, m);
            foreach (var (name, v) in adam.V) AddTensor(writer, "adam.v." + name, v);
            writer.SetMetadata(AdamStepKey, adam.StepCount.ToString(CultureInfo.InvariantCulture));
        }
        writer.SetMetadata(SafetensorsMetadataKeys.Format, adam is null ? ModelFormat : CheckpointFormat);
        writer.SetMetadata(GhnConfigKey, model.Config.ToJson());
        writer.SetMetadata(VocabularyKey, model.Vocabulary.ToJson());
        if (config is not null) writer.SetMetadata(TrainConfigKey, config.ToJson());
        writer.SetMetadata(StepKey, step.ToString(CultureInfo.InvariantCulture));
        writer.SetMetadata(SafetensorsMetadataKeys.CreatedUtc, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        if (provenance is not null)
        {
            foreach (var (k, v) in provenance) writer.SetMetadata(k, v);
        }
        writer.Save(path);
    }

    /// <summary>A loaded file: the model, and for checkpoints the train config, step and optimizer moments.</summary>
    public sealed record Loaded(Ghn2 Model, TrainConfig? Config, int Step, long AdamStep,
        Dictionary<string, float[]>? AdamM, Dictionary<string, float[]>? AdamV, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads a model or checkpoint file; any mismatch is a <see cref="GhnQatException"/> naming the file.</summary>
    public static Loaded Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var meta = file.Metadata;
        string format = meta.GetValueOrDefault(SafetensorsMetadataKeys.Format) ?? "(absent)";
        if (format != ModelFormat && format != CheckpointFormat)
            throw Bad(path, $"format '{format}' is not a GHN file (expected '{ModelFormat}' or '{CheckpointFormat}')");
        var ghnConfig = GhnConfig.FromJson(Required(path, meta, GhnConfigKey), path);
        var vocabulary = GraphVocabulary.FromJson(Required(path, meta, VocabularyKey));
        var model = new Ghn2(ghnConfig, vocabulary);
        using (no_grad())
        {
            var expected = model.named_parameters().ToList();
            foreach (var (name, p) in expected)
            {
                string key = ParamPrefix + name;
                if (!file.TryGetTensor(key, out var info))
                    throw Bad(path, $"tensor '{key}' is missing; the file does not match its own GHN config");
                var shape = p.shape;
                if (!info.Shape.SequenceEqual(shape))
                    throw Bad(path, $"tensor '{key}' has shape [{string.Join(",", info.Shape)}], the config needs [{string.Join(",", shape)}]");
                var values = file.ReadFloat32(key);
                if (values.Any(v => !float.IsFinite(v))) throw Bad(path, $"tensor '{key}' holds NaN or Inf");
                p.copy_(tensor(values, shape));
            }
            int ghnTensors = file.Tensors.Count(t => t.Name.StartsWith(ParamPrefix, StringComparison.Ordinal));
            if (ghnTensors != expected.Count) throw Bad(path, $"holds {ghnTensors} GHN tensors, the config has {expected.Count}");
        }
        var config = meta.TryGetValue(TrainConfigKey, out var tc) ? TrainConfig.FromJson(tc, path) : null;
        int step = meta.TryGetValue(StepKey, out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int st) ? st : 0;
        if (format == ModelFormat) return new Loaded(model, config, step, 0, null, null, meta);
        long adamStep = long.Parse(Required(path, meta, AdamStepKey), NumberStyles.None, CultureInfo.InvariantCulture);
        var m = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var v = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, _) in model.named_parameters())
        {
            m[name] = file.ReadFloat32("adam.m." + name);
            v[name] = file.ReadFloat32("adam.v." + name);
        }
        return new Loaded(model, config, step, adamStep, m, v, meta);
    }

    private static void AddTensor(SafetensorsWriter writer, string name, Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        writer.AddFloat32(name, cpu.shape, cpu.data<float>().ToArray());
    }

    private static string Required(string path, IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) ? v : throw Bad(path, $"metadata '{key}' is missing");

    private static GhnQatException Bad(string path, string message) => new(GhnQatErrorCode.InvalidFile, $"{path}: {message}");
}
