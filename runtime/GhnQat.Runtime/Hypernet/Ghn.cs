// A trained GHN-2 loaded from a checkpoint, predicting every float parameter of a CNN in plain C# (no TorchSharp).
using System.Buffers;
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// The runtime's graph hypernetwork: <c>Ghn.Load(path).Predict(spec)</c> returns the float network the trainer's
/// TorchSharp GHN would predict for the spec (docs/hypernet.md: parity within 1e-4 of each tensor's
/// largest magnitude). Load once (it validates and repacks the weights), predict many times. Immutable and
/// thread-safe: predictions share nothing but the weights, and scratch comes from <see cref="ArrayPool{T}.Shared"/>.
/// Runs on the calling thread only.
/// </summary>
public sealed class Ghn
{
    /// <summary>Format of a model-only file ("ghnqat.format" metadata).</summary>
    public const string ModelFormat = "ghnqat.ghn/1";
    /// <summary>Format of a resumable training checkpoint; its optimizer tensors are ignored here.</summary>
    public const string CheckpointFormat = "ghnqat.ghn-checkpoint/1";
    /// <summary>Metadata key of the <see cref="GhnConfig"/> JSON.</summary>
    public const string ConfigKey = "ghnqat.ghn_config";
    /// <summary>Metadata key of the <see cref="GraphVocabulary"/> JSON.</summary>
    public const string VocabularyKey = "ghnqat.vocabulary";

    private readonly GhnWeights _weights;

    private Ghn(string source, GhnConfig config, GraphVocabulary vocabulary, GhnWeights weights)
    {
        Source = source;
        Config = config;
        Vocabulary = vocabulary;
        _weights = weights;
    }

    /// <summary>Where the GHN was read from (file path or stream name); error messages start with it.</summary>
    public string Source { get; }
    /// <summary>The hyperparameters stored in the checkpoint.</summary>
    public GhnConfig Config { get; }
    /// <summary>The op and shape vocabularies the node features index.</summary>
    public GraphVocabulary Vocabulary { get; }

    /// <summary>Reads a GHN model or training checkpoint (safetensors). A wrong format, missing or inconsistent
    /// metadata, or a missing, misshapen or non-finite tensor is a <see cref="GhnQatException"/> (InvalidFile) naming
    /// the file and the field.</summary>
    public static Ghn Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return Read(file);
    }

    /// <summary>Reads a GHN from an open safetensors file (the caller keeps ownership of <paramref name="file"/>).</summary>
    public static Ghn Read(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var meta = file.Metadata;
        string format = meta.GetValueOrDefault(SafetensorsMetadataKeys.Format) ?? "(absent)";
        if (format != ModelFormat && format != CheckpointFormat)
            throw Bad(file.Source, $"metadata '{SafetensorsMetadataKeys.Format}' is '{format}'; a GHN file has '{ModelFormat}' or '{CheckpointFormat}' (write one with `ghnqat train`)");
        var config = GhnConfig.FromJson(Required(file.Source, meta, ConfigKey), file.Source + ": " + ConfigKey);
        string vocabularyJson = Required(file.Source, meta, VocabularyKey);
        GraphVocabulary vocabulary;
        try
        {
            vocabulary = GraphVocabulary.FromJson(vocabularyJson);
        }
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidFile)
        {
            throw Bad(file.Source, $"metadata '{VocabularyKey}': {e.Message}");
        }
        if (vocabulary.NumClasses != config.Classes)
            throw Bad(file.Source, $"the vocabulary is for {vocabulary.NumClasses} classes but the GHN config predicts {config.Classes}");
        return new Ghn(file.Source, config, vocabulary, GhnWeights.Read(file, config, vocabulary));
    }

    /// <summary>The graph this GHN reads for <paramref name="spec"/> (its vocabulary and s_max).</summary>
    public ArchGraph BuildGraph(ArchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ArchGraph.Build(spec, Vocabulary, Config.MaxVirtualEdge);
    }

    /// <summary>
    /// Predicts every parameter of <paramref name="spec"/>. The spec must have <see cref="GhnConfig.Classes"/>
    /// classes (InvalidArgument otherwise); a non-finite prediction is InvalidFile (the checkpoint is to blame). The
    /// returned network and its arrays belong to the caller.
    /// </summary>
    public FloatNetwork Predict(ArchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Classes != Config.Classes)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"net '{spec.Name}' has {spec.Classes} classes but GHN '{Source}' was trained for {Config.Classes} (its classifier heads and vocabulary are fixed)");
        var graph = BuildGraph(spec);
        CheckNodes(graph);
        int h = Config.Hidden;
        float[] states = ArrayPool<float>.Shared.Rent(graph.Nodes.Count * h);
        var tensors = new float[graph.Parameters.Count][];
        foreach (var p in graph.Parameters) tensors[p.Index] = new float[p.ElementCount];
        try
        {
            var span = states.AsSpan(0, graph.Nodes.Count * h);
            NodeEncoder.Encode(_weights, Config, graph, span);
            WeightDecoder.Decode(_weights, Config, graph, span, tensors);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(states);
        }
        var named = new Dictionary<string, float[]>(graph.Parameters.Count, StringComparer.Ordinal);
        foreach (var p in graph.Parameters)
        {
            if (!TensorPrimitives.IsFiniteAll<float>(tensors[p.Index]))
                throw Bad(Source, $"predicted a non-finite value for tensor '{p.Name}' of net '{spec.Name}' (the GHN's weights overflow float32)");
            named[p.Name] = tensors[p.Index];
        }
        return new FloatNetwork(spec, named, $"{Source} → {spec.Name}");
    }

    // The decoder handles conv, sep/dil conv, bias and BN nodes; embedding rows must exist for every index a node uses.
    private void CheckNodes(ArchGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            if (node.HasParameters && node.Op is not (GhnOp.Conv or GhnOp.SepConv or GhnOp.DilConv or GhnOp.Bias or GhnOp.Bn))
                throw new GhnQatException(GhnQatErrorCode.InvalidArchSpec, $"graph node '{node.Name}': op '{Vocabulary.Ops[node.OpIndex]}' has parameters this GHN cannot decode");
            var s = node.ShapeIndices;
            if (node.OpIndex >= Vocabulary.Ops.Count || s[0] > Vocabulary.DummyChannelIndex || s[1] > Vocabulary.DummyChannelIndex
                || s[2] > Vocabulary.DummySpatialIndex || s[3] > Vocabulary.DummySpatialIndex)
                throw new GhnQatException(GhnQatErrorCode.InvalidArchSpec, $"graph node '{node.Name}': op or shape is outside the GHN's vocabulary");
        }
    }

    private static string Required(string source, IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) ? v : throw Bad(source, $"metadata '{key}' is missing");

    private static GhnQatException Bad(string source, string message) => new(GhnQatErrorCode.InvalidFile, $"{source}: {message}");
}
