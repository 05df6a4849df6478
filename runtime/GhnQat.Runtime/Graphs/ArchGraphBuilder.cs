// Turns an ArchSpec into GHN-2 graph nodes, real edges and the parameter-tensor list (brief §1.2 node rules).
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Graphs;

/// <summary>
/// Walks the spec in topological order keeping, per spec node, the graph nodes that stand for its output:
/// weight nodes replace conv/linear (then bias after them), activations pass their producers through, and an
/// add becomes a sum only when its producers are more than one distinct graph node.
/// </summary>
internal sealed class ArchGraphBuilder
{
    private readonly ArchSpec _spec;
    private readonly GraphVocabulary _vocab;
    private readonly List<GraphNode> _nodes = [];
    private readonly List<int[]> _preds = [];
    private readonly List<ParameterTensor> _params = [];

    public ArchGraphBuilder(ArchSpec spec, GraphVocabulary vocab)
    {
        _spec = spec;
        _vocab = vocab;
    }

    public IReadOnlyList<GraphNode> Nodes => _nodes;
    public IReadOnlyList<int[]> Predecessors => _preds;
    public IReadOnlyList<ParameterTensor> Parameters => _params;

    public void Build()
    {
        int input = AddNode(ArchNode.InputId, GhnOp.Input, null, [], false, []);
        var outs = new int[_spec.Nodes.Count][];
        int last = _spec.Nodes.Count - 1;
        for (int p = 0; p < _spec.Nodes.Count; p++)
        {
            var node = _spec.Nodes[p];
            // Producers of this node's inputs, deduplicated in first-seen order (edges are a set).
            var producers = new List<int>();
            foreach (int k in _spec.InputIndicesAt(p))
                foreach (int g in k < 0 ? [input] : outs[k])
                    if (!producers.Contains(g)) producers.Add(g);
            int[] pre = producers.ToArray();
            bool classifier = p == last;

            switch (node.Op)
            {
                case ArchOp.Conv:
                {
                    int cin = _spec.InputShapeAt(p, 0).Channels;
                    var op = node.Groups > 1 ? (node.Dilation > 1 ? GhnOp.DilConv : GhnOp.SepConv) : GhnOp.Conv;
                    int w = AddNode(node.Id, op, node.Id, [node.Out, cin / node.Groups, node.Kernel, node.Kernel], true, pre);
                    AddParam(node.Id + ".weight", _nodes[w].TensorShape.ToArray(), w, node.Id, ParameterRole.ConvWeight);
                    outs[p] = [AddBias(node, w, classifier: false)];
                    break;
                }
                case ArchOp.Linear:
                {
                    int cin = _spec.InputShapeAt(p, 0).Channels;
                    int w = AddNode(node.Id, GhnOp.Conv, node.Id, [node.Out, cin], true, pre);
                    AddParam(node.Id + ".weight", [node.Out, cin], w, node.Id,
                        classifier ? ParameterRole.ClassifierWeight : ParameterRole.LinearWeight);
                    _nodes[w].IsClassifierWeight = classifier;
                    outs[p] = [AddBias(node, w, classifier)];
                    break;
                }
                case ArchOp.BatchNorm:
                {
                    int c = _spec.ShapeAt(p).Channels;
                    int b = AddNode(node.Id, GhnOp.Bn, node.Id, [c], true, pre);
                    AddParam(node.Id + ".weight", [c], b, node.Id, ParameterRole.BnGamma);
                    AddParam(node.Id + ".bias", [c], b, node.Id, ParameterRole.BnBeta);
                    outs[p] = [b];
                    break;
                }
                case ArchOp.Relu:
                case ArchOp.Relu6:
                    outs[p] = pre; // activations are removed: consumers connect to the producers directly
                    break;
                case ArchOp.Add:
                    outs[p] = pre.Length > 1 ? [AddNode(node.Id, GhnOp.Sum, node.Id, [], false, pre)] : pre;
                    break;
                case ArchOp.MaxPool:
                case ArchOp.AvgPool:
                {
                    var op = node.Op == ArchOp.MaxPool ? GhnOp.MaxPool : GhnOp.AvgPool;
                    outs[p] = [AddNode(node.Id, op, node.Id, [1, 1, node.Kernel, node.Kernel], false, pre)];
                    break;
                }
                case ArchOp.GlobalAvgPool:
                    outs[p] = [AddNode(node.Id, GhnOp.GlobAvg, node.Id, [], false, pre)];
                    break;
                default:
                    throw new InvalidOperationException($"node '{node.Id}': op {node.Op} has no graph rule");
            }
        }
    }

    // Edges weight → bias → consumers: the bias node is what later nodes read.
    private int AddBias(ArchNode node, int weight, bool classifier)
    {
        if (!node.Bias) return weight;
        int b = AddNode(node.Id + ".bias", GhnOp.Bias, node.Id, [node.Out], true, [weight]);
        AddParam(node.Id + ".bias", [node.Out], b, node.Id, classifier ? ParameterRole.ClassifierBias : ParameterRole.Bias);
        _nodes[b].IsClassifierBias = classifier;
        return b;
    }

    private int AddNode(string name, GhnOp op, string? specId, int[] shape, bool hasParameters, int[] preds)
    {
        int[] shape4 = shape.Length == 0 ? [0, 0, 0, 0] : [shape[0], Dim(shape, 1), Dim(shape, 2), Dim(shape, 3)];
        int[] rows = shape.Length == 0
            ? [_vocab.DummyChannelIndex, _vocab.DummyChannelIndex, _vocab.DummySpatialIndex, _vocab.DummySpatialIndex]
            : [_vocab.ChannelIndex(shape4[0]), _vocab.ChannelIndex(shape4[1]), _vocab.SpatialIndex(shape4[2]), _vocab.SpatialIndex(shape4[3])];
        _nodes.Add(new GraphNode(_nodes.Count, name, op, specId, shape, shape4, rows, hasParameters));
        _preds.Add(preds);
        return _nodes.Count - 1;
    }

    private static int Dim(int[] shape, int j) => j < shape.Length ? shape[j] : 1;

    private void AddParam(string name, int[] shape, int node, string specId, ParameterRole role) =>
        _params.Add(new ParameterTensor(_params.Count, name, shape, node, specId, role));
}
