// The GHN's tensors read from a checkpoint, checked against the config (names, shapes, finiteness) and laid out for inference.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// Every "ghn.&lt;torch name&gt;" tensor of a checkpoint. The expected set and shapes follow from the config and the
/// vocabulary exactly as the trainer's modules create them; a missing, extra, misshapen or non-finite tensor is a
/// <see cref="GhnQatException"/> (InvalidFile) naming the file and the tensor. Immutable after construction.
/// </summary>
internal sealed class GhnWeights
{
    /// <summary>Prefix of the GHN's tensors in a checkpoint (optimizer moments use other prefixes).</summary>
    public const string Prefix = "ghn.";

    private GhnWeights(GhnConfig config, Dictionary<string, float[]> t)
    {
        int h = config.Hidden;
        int mid = config.MaxVirtualEdge > 1 ? h / 2 : h;
        OpEmbed = t["op_embed.weight"];
        ShapeOut = t["shape_out.weight"];
        ShapeIn = t["shape_in.weight"];
        ShapeKh = t["shape_kh.weight"];
        ShapeKw = t["shape_kw.weight"];
        GruInput = Layer(t, "gnn.gru", "weight_ih", "bias_ih", 3 * h, h);
        GruHidden = Layer(t, "gnn.gru", "weight_hh", "bias_hh", 3 * h, h);
        Msg1 = Layer(t, "gnn.msg1", "weight", "bias", mid, h);
        Msg2 = Layer(t, "gnn.msg2", "weight", "bias", h, mid);
        Ve1 = Layer(t, "gnn.ve1", "weight", "bias", h / 2, h);
        Ve2 = Layer(t, "gnn.ve2", "weight", "bias", h, h / 2);
        if (config.LayerNorm)
        {
            NormWeight = t["norm.weight"];
            NormBias = t["norm.bias"];
        }
        Fc = CellMajorFc(t["decoder.fc.weight"], t["decoder.fc.bias"], config);
        Conv1 = new PanelMatrix(t["decoder.conv1.weight"], t["decoder.conv1.bias"], 1, config.DecoderHidden, config.DecoderChannels);
        Conv2 = new PanelMatrix(t["decoder.conv2.weight"], t["decoder.conv2.bias"], config.MaxOut, config.MaxIn, config.DecoderHidden);
        ClassHead = Layer(t, "decoder.class_head", "weight", "bias", config.Classes, config.MaxOut);
        Fc1d1 = Layer(t, "decoder.fc1d_1", "weight", "bias", 2 * h, h);
        Fc1d2 = Layer(t, "decoder.fc1d_2", "weight", "bias", 2 * config.MaxOut, 2 * h);
        ClassBiasHead = Layer(t, "decoder.class_bias_head", "weight", "bias", config.Classes, config.MaxOut);
    }

    /// <summary>Op embedding (ops, H).</summary>
    public float[] OpEmbed { get; }
    /// <summary>Out-channel shape embedding (channels + 1, H/4).</summary>
    public float[] ShapeOut { get; }
    /// <summary>In-channel shape embedding (channels + 1, H/4).</summary>
    public float[] ShapeIn { get; }
    /// <summary>Kernel-height embedding (spatial + 1, H/4).</summary>
    public float[] ShapeKh { get; }
    /// <summary>Kernel-width embedding (spatial + 1, H/4).</summary>
    public float[] ShapeKw { get; }
    /// <summary>GRU input weights: gates r, z, n stacked (3H, H).</summary>
    public DenseLayer GruInput { get; }
    /// <summary>GRU hidden weights: gates r, z, n stacked (3H, H).</summary>
    public DenseLayer GruHidden { get; }
    /// <summary>Message MLP, first layer.</summary>
    public DenseLayer Msg1 { get; }
    /// <summary>Message MLP, second layer.</summary>
    public DenseLayer Msg2 { get; }
    /// <summary>Virtual-edge MLP, first layer.</summary>
    public DenseLayer Ve1 { get; }
    /// <summary>Virtual-edge MLP, second layer.</summary>
    public DenseLayer Ve2 { get; }
    /// <summary>LayerNorm scale, or null without LayerNorm.</summary>
    public float[]? NormWeight { get; }
    /// <summary>LayerNorm shift, or null without LayerNorm.</summary>
    public float[]? NormBias { get; }
    /// <summary>Decoder fc: H → C·K·K, one panel group per map cell y·K + x holding its C channels.</summary>
    public PanelMatrix Fc { get; }
    /// <summary>Decoder 1×1 conv C → D.</summary>
    public PanelMatrix Conv1 { get; }
    /// <summary>Decoder 1×1 conv D → MaxOut·MaxIn, one panel group per output channel.</summary>
    public PanelMatrix Conv2 { get; }
    /// <summary>Classifier-weight head over the block's out axis (classes, MaxOut).</summary>
    public DenseLayer ClassHead { get; }
    /// <summary>1-D decoder, first layer H → 2H.</summary>
    public DenseLayer Fc1d1 { get; }
    /// <summary>1-D decoder, second layer 2H → 2·MaxOut.</summary>
    public DenseLayer Fc1d2 { get; }
    /// <summary>Classifier-bias head (classes, MaxOut).</summary>
    public DenseLayer ClassBiasHead { get; }

    /// <summary>The torch names and shapes a GHN with <paramref name="config"/> and <paramref name="vocabulary"/> has.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> ExpectedTensors(GhnConfig config, GraphVocabulary vocabulary)
    {
        long h = config.Hidden, q = h / 4, mid = config.MaxVirtualEdge > 1 ? h / 2 : h;
        long c = config.DecoderChannels, k = config.DecoderKernel, d = config.DecoderHidden;
        long mo = config.MaxOut, mi = config.MaxIn, classes = config.Classes;
        long channels = vocabulary.Channels.Count + 1, spatial = vocabulary.Spatial.Count + 1;
        var list = new List<(string, long[])>
        {
            ("op_embed.weight", [vocabulary.Ops.Count, h]),
            ("shape_out.weight", [channels, q]), ("shape_in.weight", [channels, q]),
            ("shape_kh.weight", [spatial, q]), ("shape_kw.weight", [spatial, q]),
            ("gnn.gru.weight_ih", [3 * h, h]), ("gnn.gru.weight_hh", [3 * h, h]),
            ("gnn.gru.bias_ih", [3 * h]), ("gnn.gru.bias_hh", [3 * h]),
            ("gnn.msg1.weight", [mid, h]), ("gnn.msg1.bias", [mid]),
            ("gnn.msg2.weight", [h, mid]), ("gnn.msg2.bias", [h]),
            // The trainer creates the virtual-edge MLP even when s_max = 1 (it is then unused), so the file has it.
            ("gnn.ve1.weight", [h / 2, h]), ("gnn.ve1.bias", [h / 2]),
            ("gnn.ve2.weight", [h, h / 2]), ("gnn.ve2.bias", [h]),
            ("decoder.fc.weight", [c * k * k, h]), ("decoder.fc.bias", [c * k * k]),
            ("decoder.conv1.weight", [d, c]), ("decoder.conv1.bias", [d]),
            ("decoder.conv2.weight", [mo * mi, d]), ("decoder.conv2.bias", [mo * mi]),
            ("decoder.class_head.weight", [classes, mo]), ("decoder.class_head.bias", [classes]),
            ("decoder.fc1d_1.weight", [2 * h, h]), ("decoder.fc1d_1.bias", [2 * h]),
            ("decoder.fc1d_2.weight", [2 * mo, 2 * h]), ("decoder.fc1d_2.bias", [2 * mo]),
            ("decoder.class_bias_head.weight", [classes, mo]), ("decoder.class_bias_head.bias", [classes]),
        };
        if (config.LayerNorm)
        {
            list.Add(("norm.weight", [h]));
            list.Add(("norm.bias", [h]));
        }
        return list;
    }

    /// <summary>Reads and checks every GHN tensor of <paramref name="file"/>.</summary>
    public static GhnWeights Read(SafetensorsFile file, GhnConfig config, GraphVocabulary vocabulary)
    {
        var expected = ExpectedTensors(config, vocabulary);
        var tensors = new Dictionary<string, float[]>(expected.Count, StringComparer.Ordinal);
        foreach (var (name, shape) in expected)
        {
            string key = Prefix + name;
            if (!file.TryGetTensor(key, out var info))
                throw Bad(file, $"tensor '{key}' is missing; the file does not match its own GHN config");
            if (!info.Shape.SequenceEqual(shape))
                throw Bad(file, $"tensor '{key}' has shape [{string.Join(",", info.Shape)}], the GHN config needs [{string.Join(",", shape)}]");
            // F16/BF16 storage is widened; any other dtype is refused by the reader with the file and tensor named.
            var values = file.ReadFloat32(key);
            int bad = Array.FindIndex(values, v => !float.IsFinite(v));
            if (bad >= 0) throw Bad(file, $"tensor '{key}' holds a non-finite value ({values[bad]}) at element {bad}");
            tensors[name] = values;
        }
        var extra = file.Tensors.FirstOrDefault(t => t.Name.StartsWith(Prefix, StringComparison.Ordinal)
            && !tensors.ContainsKey(t.Name[Prefix.Length..]));
        if (extra is not null) throw Bad(file, $"tensor '{extra.Name}' is not a parameter of a GHN with this config");
        return new GhnWeights(config, tensors);
    }

    // torch views fc's output as (C, K, K), so channel c of cell j is row c·K² + j; regrouping the rows by cell lets
    // one product compute exactly the cells of a crop, each cell's C channels contiguous.
    private static PanelMatrix CellMajorFc(float[] weight, float[] bias, GhnConfig config)
    {
        int c = config.DecoderChannels, cells = config.DecoderKernel * config.DecoderKernel, h = config.Hidden;
        var w = new float[weight.Length];
        var b = new float[bias.Length];
        for (int ch = 0; ch < c; ch++)
        {
            for (int j = 0; j < cells; j++)
            {
                int from = (ch * cells) + j, to = (j * c) + ch;
                weight.AsSpan(from * h, h).CopyTo(w.AsSpan(to * h, h));
                b[to] = bias[from];
            }
        }
        return new PanelMatrix(w, b, cells, c, h);
    }

    private static DenseLayer Layer(Dictionary<string, float[]> t, string module, string weight, string bias, int outputs, int inputs) =>
        new(t[module + "." + weight], t[module + "." + bias], outputs, inputs);

    private static GhnQatException Bad(SafetensorsFile file, string message) =>
        new(GhnQatErrorCode.InvalidFile, $"{file.Source}: {message}");
}
