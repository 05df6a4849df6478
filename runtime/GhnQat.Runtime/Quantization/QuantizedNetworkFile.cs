// The saved form of a QuantizedNetwork ("ghnqat.quantized-network/2"): packed weight rows, float32 biases and
// float32 scales/multipliers as tensors; spec, scheme and activation scales in __metadata__ (docs/quantization.md §9).
using System.Collections.Immutable;
using System.Text.Json;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Quantization.Packing;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Writes and reads quantized networks. Everything a loader could derive (geometry, clamps, activations, folded
/// BN ids) is rebuilt from the spec and scheme, and everything stored is cross-checked by
/// <see cref="QuantizedNetwork"/>'s validation, so a hostile file fails with InvalidFile instead of misbehaving.
/// </summary>
public static class QuantizedNetworkFile
{
    /// <summary>Metadata key: the ArchSpec JSON (same key as float networks use).</summary>
    public const string ArchSpecKey = Networks.FloatNetwork.ArchSpecKey;
    /// <summary>Metadata key: the scheme name, e.g. "w4a4".</summary>
    public const string SchemeKey = "ghnqat.scheme";
    /// <summary>Metadata key: JSON array of {"id", "bits", "signed", "scale"} per quantized tensor, in network order.</summary>
    public const string TensorsKey = "ghnqat.tensors";
    /// <summary>Metadata key: the weight packing, <see cref="PackingName"/>.</summary>
    public const string PackingKey = "ghnqat.packing";
    /// <summary>
    /// Weight rows (one per output channel, in/groups·k·k codes) each start a new uint32 word: 8/4-bit with
    /// <see cref="LanePacking"/>, 2-bit with <see cref="TwoBitPlanePacking"/>; padding bits are zero.
    /// </summary>
    public const string PackingName = "rows-u32/lanes8-lanes4-planes2";

    /// <summary>The writer for <paramref name="network"/>; extra <paramref name="metadata"/> (e.g. provenance) is added.</summary>
    public static SafetensorsWriter ToWriter(QuantizedNetwork network, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var writer = new SafetensorsWriter();
        if (metadata is not null)
        {
            foreach (var (k, v) in metadata) writer.SetMetadata(k, v);
        }
        writer.SetMetadata(SafetensorsMetadataKeys.Format, QuantizedNetwork.FormatName);
        writer.SetMetadata(ArchSpecKey, network.Spec.ToJson());
        writer.SetMetadata(SchemeKey, network.Scheme.Name);
        writer.SetMetadata(PackingKey, PackingName);
        writer.SetMetadata(TensorsKey, TensorsJson(network.Tensors));
        foreach (var layer in network.Layers)
        {
            switch (layer)
            {
                case QConvLayer c:
                    AddWeights(writer, c.Name, c.WeightBits, c.Weights, c.OutChannels, c.Bias, c.Multipliers, c.WeightScales);
                    break;
                case QLinearLayer f:
                    AddWeights(writer, f.Name, f.WeightBits, f.Weights, f.OutFeatures, f.Bias, f.Multipliers, f.WeightScales);
                    break;
                case QAddLayer a:
                    writer.AddFloat32(a.Name + ".multiplier", [a.Multipliers.Length], a.Multipliers.AsSpan());
                    break;
                case QAvgPoolLayer p:
                    writer.AddFloat32(p.Name + ".multiplier", [1], [p.Multiplier]);
                    break;
                case QGlobalAvgPoolLayer g:
                    writer.AddFloat32(g.Name + ".multiplier", [1], [g.Multiplier]);
                    break;
            }
        }
        return writer;
    }

    /// <summary>Reads a network from an open file; every inconsistency is InvalidFile naming the tensor or field.</summary>
    public static QuantizedNetwork Read(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v : throw Invalid(file, $"metadata '{key}' is absent");
        string format = file.Metadata.TryGetValue(SafetensorsMetadataKeys.Format, out var f) ? f : "(absent)";
        if (format != QuantizedNetwork.FormatName)
            throw Invalid(file, $"metadata '{SafetensorsMetadataKeys.Format}' is '{format}'; this build reads '{QuantizedNetwork.FormatName}'" +
                (format.StartsWith("ghnqat.quantized-network/", StringComparison.Ordinal) ? " (an older packing: run `ghnqat predict` again to rebuild it)" : ""));
        if (Meta(PackingKey) != PackingName)
            throw Invalid(file, $"metadata '{PackingKey}' is '{Meta(PackingKey)}'; this build reads '{PackingName}'");
        if (!QuantScheme.TryParse(Meta(SchemeKey), out var scheme))
            throw Invalid(file, $"metadata '{SchemeKey}' is '{Meta(SchemeKey)}', not a scheme name (e.g. w4a4)");
        ArchSpec spec;
        QuantPlan plan;
        try
        {
            spec = ArchSpec.Parse(Meta(ArchSpecKey), file.Source + ":" + ArchSpecKey);
            plan = QuantPlan.Build(spec, scheme);
        }
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidArchSpec)
        {
            // A bad or undeployable spec inside a file is a bad file; the message keeps the spec's own words.
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{file.Source}: {e.Message}", e);
        }
        var tensors = ReadTensorInfos(file, Meta(TensorsKey), plan);
        var reader = new TensorReader(file);
        var byId = tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var layers = new List<QLayer>(plan.Layers.Count);
        foreach (var step in plan.Layers) layers.Add(QuantizedLayerReader.Read(step, plan, byId, reader));
        reader.CheckAllUsed();
        return new QuantizedNetwork(spec, scheme, tensors, layers, file.Source, GhnQatErrorCode.InvalidFile);
    }

    private static void AddWeights(SafetensorsWriter writer, string name, int bits, ImmutableArray<sbyte> weights, int rows,
        ImmutableArray<float> bias, ImmutableArray<float> multipliers, ImmutableArray<float> scales)
    {
        int rowLength = weights.Length / rows;
        int words = PackedLayout.WordCount(bits, rowLength);
        var packed = new uint[rows * words];
        var row = new int[rowLength];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < rowLength; i++) row[i] = weights[(r * rowLength) + i];
            CodePacking.Pack(bits, true, row, packed.AsSpan(r * words, words));
        }
        writer.AddUInt32(name + ".weight", [rows, words], packed);
        writer.AddFloat32(name + ".bias", [rows], bias.AsSpan());
        writer.AddFloat32(name + ".weight_scale", [rows], scales.AsSpan());
        writer.AddFloat32(name + ".multiplier", [rows], multipliers.AsSpan());
    }

    private static string TensorsJson(IReadOnlyList<QuantTensorInfo> tensors)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartArray();
            foreach (var t in tensors)
            {
                json.WriteStartObject();
                json.WriteString("id", t.Id);
                json.WriteNumber("bits", t.Bits);
                json.WriteBoolean("signed", t.IsSigned);
                // Shortest round-trip text: parsing it back gives the identical float32 (tested).
                json.WriteNumber("scale", t.Scale);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static List<QuantTensorInfo> ReadTensorInfos(SafetensorsFile file, string json, QuantPlan plan)
    {
        var result = new List<QuantTensorInfo>();
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() != plan.Tensors.Count)
                throw Invalid(file, $"metadata '{TensorsKey}' must be an array of {plan.Tensors.Count} tensor entries");
            int i = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var expected = plan.Tensors[i++];
                if (e.ValueKind != JsonValueKind.Object || e.EnumerateObject().Count() != 4)
                    throw Invalid(file, $"metadata '{TensorsKey}' entry {i - 1} must be an object with exactly id, bits, signed, scale");
                string id = e.GetProperty("id").GetString() ?? "";
                int bits = e.GetProperty("bits").GetInt32();
                bool signed = e.GetProperty("signed").GetBoolean();
                float scale = e.GetProperty("scale").GetSingle();
                if (bits is not (8 or 4 or 2))
                    throw Invalid(file, $"metadata '{TensorsKey}' tensor '{id}' has {bits} bits; expected 8, 4 or 2");
                result.Add(new QuantTensorInfo
                {
                    Id = id, Shape = expected.Shape, Bits = bits, IsSigned = signed, Scale = scale,
                    Lo = QuantContract.QMin(bits, signed), Hi = QuantContract.QMax(bits, signed),
                });
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                $"{file.Source}: metadata '{TensorsKey}' is not a valid tensor list ({e.Message})", e);
        }
        // Ids must match before layers are rebuilt from them; the network's validation checks the rest.
        for (int i = 0; i < result.Count; i++)
        {
            if (result[i].Id != plan.Tensors[i].Id)
                throw Invalid(file, $"metadata '{TensorsKey}' entry {i} is '{result[i].Id}'; the spec deploys tensor '{plan.Tensors[i].Id}' there");
        }
        return result;
    }

    internal static GhnQatException Invalid(SafetensorsFile file, string message) =>
        new(GhnQatErrorCode.InvalidFile, $"{file.Source}: {message}");
}
