// GHN-2's op and shape vocabularies as one versioned, serializable object (a GHN checkpoint stores it).
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Graphs;

/// <summary>
/// The op names (15, GHN-2 order), the channel vocabulary ({1, 3, classes} ∪ {8..56 step 8} ∪ {64..4080 step 16}
/// ∪ {4096..8192 step 32}, 391 values for 10 classes) and the spatial vocabulary {1, 3, 5, 7, 9, 11, 14, 16}. Each
/// embedding table has one extra dummy row at index Count, used by nodes without a shape.
/// </summary>
public sealed class GraphVocabulary
{
    /// <summary>Value of the JSON "schema" field.</summary>
    public const string SchemaName = "ghnqat.graph-vocabulary";
    /// <summary>Version written by this build and the only one it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>GHN-2's op names in index order (ppuda PRIMITIVES_DEEPNETS1M).</summary>
    public static IReadOnlyList<string> Ghn2OpNames { get; } =
    [
        "max_pool", "avg_pool", "sep_conv", "dil_conv", "conv", "msa", "cse", "sum", "concat", "input", "bias", "bn",
        "ln", "pos_enc", "glob_avg",
    ];

    private readonly int[] _channels;
    private readonly int[] _spatial;

    private GraphVocabulary(int version, int numClasses, IReadOnlyList<string> ops, int[] channels, int[] spatial)
    {
        Version = version;
        NumClasses = numClasses;
        Ops = ops;
        _channels = channels;
        _spatial = spatial;
    }

    /// <summary>Format version.</summary>
    public int Version { get; }
    /// <summary>The class count folded into the channel vocabulary.</summary>
    public int NumClasses { get; }
    /// <summary>Op names by <see cref="GhnOp"/> index.</summary>
    public IReadOnlyList<string> Ops { get; }
    /// <summary>Channel values, ascending.</summary>
    public IReadOnlyList<int> Channels => _channels;
    /// <summary>Spatial (kernel side) values, ascending.</summary>
    public IReadOnlyList<int> Spatial => _spatial;
    /// <summary>Index of the channel table's dummy row.</summary>
    public int DummyChannelIndex => _channels.Length;
    /// <summary>Index of the spatial table's dummy row.</summary>
    public int DummySpatialIndex => _spatial.Length;

    /// <summary>GHN-2's vocabularies for a net with <paramref name="numClasses"/> classes.</summary>
    public static GraphVocabulary CreateGhn2(int numClasses)
    {
        if (numClasses < 1) throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"numClasses must be ≥ 1, got {numClasses}");
        var set = new SortedSet<int> { 1, 3, numClasses };
        for (int c = 8; c <= 56; c += 8) set.Add(c);
        for (int c = 64; c <= 4080; c += 16) set.Add(c);
        for (int c = 4096; c <= 8192; c += 32) set.Add(c);
        return new GraphVocabulary(CurrentVersion, numClasses, Ghn2OpNames, set.ToArray(), [1, 3, 5, 7, 9, 11, 14, 16]);
    }

    /// <summary>
    /// Channel row for a size: the exact value if listed; 4–7 → 8; otherwise the nearest value, ties to the smaller
    /// (numpy argmin over an ascending list, as GHN-2 does).
    /// </summary>
    public int ChannelIndex(int channels)
    {
        int exact = Array.BinarySearch(_channels, channels);
        if (exact >= 0) return exact;
        if (channels is >= 4 and <= 7)
        {
            int eight = Array.BinarySearch(_channels, 8);
            if (eight >= 0) return eight;
        }
        return Nearest(_channels, channels);
    }

    /// <summary>Spatial row for a kernel side: exact if listed; 2 → 3; otherwise nearest, ties to the smaller.</summary>
    public int SpatialIndex(int size)
    {
        int exact = Array.BinarySearch(_spatial, size);
        if (exact >= 0) return exact;
        if (size == 2)
        {
            int three = Array.BinarySearch(_spatial, 3);
            if (three >= 0) return three;
        }
        return Nearest(_spatial, size);
    }

    private static int Nearest(int[] sorted, int value)
    {
        int insert = ~Array.BinarySearch(sorted, value);
        if (insert == 0) return 0;
        if (insert == sorted.Length) return sorted.Length - 1;
        // Ties go to the smaller value, the first index numpy's argmin would return.
        return value - sorted[insert - 1] <= sorted[insert] - value ? insert - 1 : insert;
    }

    /// <summary>Compact JSON with fixed key order, e.g. for a safetensors <c>__metadata__</c> entry.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{{\"schema\": \"{SchemaName}\", \"version\": {Version}, \"num_classes\": {NumClasses}, \"ops\": [");
        sb.AppendJoin(", ", Ops.Select(o => JsonSerializer.Serialize(o)));
        sb.Append("], \"channels\": [").AppendJoin(", ", _channels.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        sb.Append("], \"spatial\": [").AppendJoin(", ", _spatial.Select(c => c.ToString(CultureInfo.InvariantCulture)));
        sb.Append("]}");
        return sb.ToString();
    }

    /// <summary>Reads <see cref="ToJson"/> output; throws <see cref="GhnQatException"/> (InvalidFile) on any mismatch.</summary>
    public static GraphVocabulary FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string schema = root.GetProperty("schema").GetString() ?? "";
            if (schema != SchemaName) throw Bad($"schema is '{schema}'; expected '{SchemaName}'");
            int version = root.GetProperty("version").GetInt32();
            if (version != CurrentVersion)
                throw Bad($"unsupported vocabulary version {version}; this build reads version {CurrentVersion}");
            int classes = root.GetProperty("num_classes").GetInt32();
            var ops = root.GetProperty("ops").EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
            if (!ops.SequenceEqual(Ghn2OpNames))
                throw Bad($"ops [{string.Join(", ", ops)}] differ from GHN-2's [{string.Join(", ", Ghn2OpNames)}]");
            var channels = root.GetProperty("channels").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var spatial = root.GetProperty("spatial").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            CheckAscending(channels, "channels");
            CheckAscending(spatial, "spatial");
            return new GraphVocabulary(version, classes, Ghn2OpNames, channels, spatial);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Bad(e.Message);
        }
    }

    private static void CheckAscending(int[] values, string what)
    {
        if (values.Length == 0) throw Bad($"'{what}' is empty");
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 1 || (i > 0 && values[i] <= values[i - 1]))
                throw Bad($"'{what}' must be positive and strictly ascending; entry {i} is {values[i]}");
        }
    }

    private static GhnQatException Bad(string message) =>
        new(GhnQatErrorCode.InvalidFile, $"graph vocabulary: {message}");
}
