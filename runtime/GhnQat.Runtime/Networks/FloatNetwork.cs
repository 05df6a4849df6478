// A CNN with float32 parameters: an ArchSpec plus one tensor per ArchGraph parameter (what a GHN predicts).
using System.Globalization;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Networks;

/// <summary>
/// An immutable float network. Tensors are keyed by <see cref="ParameterTensor.Name"/> ("&lt;node&gt;.weight",
/// "&lt;node&gt;.bias"), row-major in the shapes <see cref="ArchGraph.Parameters"/> lists, all finite. The
/// constructor copies nothing: callers hand over the arrays and must not change them afterwards.
/// </summary>
public sealed class FloatNetwork
{
    /// <summary>Value of the <see cref="SafetensorsMetadataKeys.Format"/> key in a saved float network.</summary>
    public const string FormatName = "ghnqat.float-network/1";
    /// <summary>Metadata key holding the ArchSpec JSON.</summary>
    public const string ArchSpecKey = "ghnqat.archspec";

    private readonly Dictionary<string, float[]> _tensors;

    /// <summary>Checks every tensor against the spec's parameter list; throws naming the first bad tensor.</summary>
    public FloatNetwork(ArchSpec spec, IReadOnlyDictionary<string, float[]> tensors, string source = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(tensors);
        Spec = spec;
        Parameters = ArchGraph.Build(spec, maxVirtualEdgeLength: 1).Parameters;
        _tensors = new Dictionary<string, float[]>(Parameters.Count, StringComparer.Ordinal);
        foreach (var p in Parameters)
        {
            if (!tensors.TryGetValue(p.Name, out var values))
                throw Invalid(source, $"tensor '{p.Name}' is missing (expected shape {ShapeText(p.Shape)})");
            if (values.LongLength != p.ElementCount)
                throw Invalid(source, $"tensor '{p.Name}' has {values.LongLength} values, expected {p.ElementCount} for shape {ShapeText(p.Shape)}");
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw Invalid(source, $"tensor '{p.Name}' holds a non-finite value ({values[i].ToString(CultureInfo.InvariantCulture)}) at element {i}");
            }
            _tensors[p.Name] = values;
        }
        if (tensors.Count != Parameters.Count)
        {
            string extra = tensors.Keys.First(k => !_tensors.ContainsKey(k));
            throw Invalid(source, $"tensor '{extra}' is not a parameter of '{spec.Name}'");
        }
    }

    /// <summary>The architecture.</summary>
    public ArchSpec Spec { get; }
    /// <summary>The parameter tensors in ArchGraph order.</summary>
    public IReadOnlyList<ParameterTensor> Parameters { get; }

    /// <summary>The values of tensor <paramref name="name"/> (row-major; do not modify).</summary>
    public ReadOnlySpan<float> Tensor(string name) => _tensors.TryGetValue(name, out var v)
        ? v
        : throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"no tensor '{name}' in network '{Spec.Name}'");

    /// <summary>Whether the network has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Writes the tensors (F32) and the ArchSpec JSON (metadata) as one safetensors file, atomically.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) => ToWriter(metadata).Save(path);

    /// <summary>The safetensors writer <see cref="Save"/> uses (for in-memory round trips).</summary>
    public SafetensorsWriter ToWriter(IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafetensorsWriter();
        foreach (var p in Parameters)
            writer.AddFloat32(p.Name, p.Shape.Select(d => (long)d).ToArray(), _tensors[p.Name]);
        writer.SetMetadata(SafetensorsMetadataKeys.Format, FormatName);
        writer.SetMetadata(ArchSpecKey, Spec.ToJson());
        if (metadata is not null)
        {
            foreach (var (k, v) in metadata) writer.SetMetadata(k, v);
        }
        return writer;
    }

    /// <summary>Reads a file written by <see cref="Save"/>; a wrong format, spec or tensor is a typed error.</summary>
    public static FloatNetwork Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return Read(file);
    }

    /// <summary>Reads a float network from an open safetensors file.</summary>
    public static FloatNetwork Read(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.Metadata.TryGetValue(SafetensorsMetadataKeys.Format, out var format) || format != FormatName)
            throw Invalid(file.Source, $"metadata '{SafetensorsMetadataKeys.Format}' is '{format ?? "(absent)"}', expected '{FormatName}'");
        if (!file.Metadata.TryGetValue(ArchSpecKey, out var json))
            throw Invalid(file.Source, $"metadata '{ArchSpecKey}' (the ArchSpec JSON) is absent");
        var spec = ArchSpec.Parse(json, file.Source + ":" + ArchSpecKey);
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var info in file.Tensors)
        {
            if (info.DType != SafetensorsDType.F32)
                throw Invalid(file.Source, $"tensor '{info.Name}' is {info.DType}, expected F32");
            tensors[info.Name] = file.ReadFloat32(info.Name);
        }
        var network = new FloatNetwork(spec, tensors, file.Source);
        foreach (var p in network.Parameters)
        {
            var shape = file.GetTensor(p.Name).Shape;
            if (!shape.Select(d => (int)d).SequenceEqual(p.Shape))
                throw Invalid(file.Source, $"tensor '{p.Name}' has shape {string.Join("×", shape)}, expected {ShapeText(p.Shape)}");
        }
        return network;
    }

    private static string ShapeText(IReadOnlyList<int> shape) => string.Join("×", shape);

    private static GhnQatException Invalid(string source, string message) =>
        new(GhnQatErrorCode.InvalidFile, $"{source}: {message}");
}
