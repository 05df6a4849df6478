// GHN-2 (Knyazev et al. 2021) in TorchSharp: embeds an ArchGraph, propagates with a GatedGNN, decodes every tensor.
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Ghn;

/// <summary>
/// The graph hypernetwork. Node features = op embedding + shape encoding (four tables of hidden/4: out, in, kh, kw);
/// a GatedGNN round (forward + backward sweep); LayerNorm; decoders by shape key; tiling and normalization.
/// <see cref="Predict"/> returns, per graph, the tensors keyed by <see cref="ParameterTensor.Name"/>, still on the
/// autograd tape so a target net's loss trains the GHN.
/// </summary>
public sealed class Ghn2 : nn.Module
{
    private readonly Embedding op_embed, shape_out, shape_in, shape_kh, shape_kw;
    private readonly GatedGnn gnn;
    private readonly LayerNorm? norm;
    private readonly GhnDecoder decoder;

    /// <summary>Creates an untrained GHN with <paramref name="config"/> and <paramref name="vocabulary"/>.</summary>
    public Ghn2(GhnConfig config, GraphVocabulary vocabulary) : base(nameof(Ghn2))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vocabulary);
        Config = config.Validate();
        Vocabulary = vocabulary;
        int quarter = config.Hidden / 4;
        op_embed = nn.Embedding(vocabulary.Ops.Count, config.Hidden);
        shape_out = nn.Embedding(vocabulary.Channels.Count + 1, quarter);
        shape_in = nn.Embedding(vocabulary.Channels.Count + 1, quarter);
        shape_kh = nn.Embedding(vocabulary.Spatial.Count + 1, quarter);
        shape_kw = nn.Embedding(vocabulary.Spatial.Count + 1, quarter);
        gnn = new GatedGnn(config.Hidden, config.MaxVirtualEdge > 1);
        norm = config.LayerNorm ? nn.LayerNorm(config.Hidden) : null;
        decoder = new GhnDecoder(config);
        RegisterComponents();
    }

    /// <summary>The hyperparameters.</summary>
    public GhnConfig Config { get; }
    /// <summary>The op and shape vocabularies node features index.</summary>
    public GraphVocabulary Vocabulary { get; }

    /// <summary>Builds the graph of a spec the way this GHN reads it (its vocabulary and s_max).</summary>
    public ArchGraph BuildGraph(Runtime.Architectures.ArchSpec spec) => ArchGraph.Build(spec, Vocabulary, Config.MaxVirtualEdge);

    /// <summary>Node states after embedding, propagation and LayerNorm: (nodes, hidden).</summary>
    public Tensor Embed(GraphBatch batch, bool nodeByNode = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var device = op_embed.weight!.device;
        var s = batch.ShapeIndices;
        var shape = cat([
            shape_out.call(tensor(s[0], device: device)), shape_in.call(tensor(s[1], device: device)),
            shape_kh.call(tensor(s[2], device: device)), shape_kw.call(tensor(s[3], device: device)),
        ], 1);
        var h = HeldScalars.Plus(op_embed.call(tensor(batch.Ops, device: device)), shape);
        h = nodeByNode ? gnn.PropagateNodeByNode(h, batch) : gnn.Propagate(h, batch);
        return norm is null ? h : norm.call(h);
    }

    /// <summary>Predicts every parameter tensor of every graph in the batch.</summary>
    public IReadOnlyList<Dictionary<string, Tensor>> Predict(GraphBatch batch, bool nodeByNode = false)
    {
        var h = Embed(batch, nodeByNode);
        var blocks = DecodeNodes(h, batch);
        var result = new List<Dictionary<string, Tensor>>(batch.Graphs.Count);
        for (int g = 0; g < batch.Graphs.Count; g++)
        {
            var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var p in batch.Graphs[g].Parameters)
            {
                int v = batch.Offsets[g] + p.NodeIndex;
                var raw = p.Role switch
                {
                    ParameterRole.BnGamma => blocks[v][0],
                    ParameterRole.Bias or ParameterRole.BnBeta => blocks[v][1],
                    _ => blocks[v],
                };
                var fitted = PredictedTensors.Fit(raw, p.Shape);
                tensors[p.Name] = Config.WeightNormalization ? PredictedTensors.Normalize(fitted, p) : fitted;
            }
            result.Add(tensors);
        }
        return result;
    }

    /// <summary>Decoded block per parameter node of the union (conv: 4-D, linear: 2-D, 1-D nodes: (2, MaxOut)).</summary>
    private Dictionary<int, Tensor> DecodeNodes(Tensor h, GraphBatch batch)
    {
        var weightGroups = new Dictionary<(int, int, int, int, bool), List<(int Node, int Rank)>>();
        var oneD = new List<int>();
        var classifierBias = new HashSet<int>();
        for (int g = 0; g < batch.Graphs.Count; g++)
        {
            foreach (var node in batch.Graphs[g].Nodes)
            {
                if (!node.HasParameters) continue;
                int v = batch.Offsets[g] + node.Index;
                var key = decoder.KeyOf(node)!.Value.Values;
                if (node.Op is GhnOp.Bias or GhnOp.Bn)
                {
                    oneD.Add(v);
                    if (node.IsClassifierBias) classifierBias.Add(v);
                    continue;
                }
                var k = node.IsClassifierWeight
                    ? (key[0], key[1], 1, 1, true)
                    : (key[0], key[1], key[2], key[3], false);
                if (!weightGroups.TryGetValue(k, out var list)) weightGroups[k] = list = [];
                list.Add((v, node.TensorShape.Count));
            }
        }
        var blocks = new Dictionary<int, Tensor>();
        foreach (var ((n0, n1, kh, kw, isClassifier), members) in weightGroups)
        {
            var emb = h.index_select(0, tensor(members.Select(m => (long)m.Node).ToArray(), device: h.device));
            var decoded = isClassifier ? decoder.ClassifierWeights(emb, n1) : decoder.WeightBlocks(emb, n0, n1, kh, kw);
            for (int i = 0; i < members.Count; i++)
            {
                var block = decoded[i];
                // A linear weight (rank 2) is the 1×1 block without its spatial axes.
                blocks[members[i].Node] = !isClassifier && members[i].Rank == 2 ? block.flatten(1) : block;
            }
        }
        if (oneD.Count > 0)
        {
            var emb = h.index_select(0, tensor(oneD.Select(v => (long)v).ToArray(), device: h.device));
            var rows = decoder.Rows1d(emb);
            for (int i = 0; i < oneD.Count; i++)
            {
                // The classifier bias is already a (classes) vector; other 1-D nodes keep both rows.
                blocks[oneD[i]] = classifierBias.Contains(oneD[i])
                    ? decoder.ClassifierBiases(rows[i].unsqueeze(0))[0]
                    : rows[i];
            }
        }
        return blocks;
    }
}
