// The deployment plan of an ArchSpec: which nodes fuse into which integer layer, and every quantized tensor's
// shape, signedness, width and scale source. Shared by calibration, the quantizer and file validation.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Fusion rules (docs/quantization.md §3): conv [+ BN when the conv's only consumer is that BN] [+ ReLU/ReLU6 when
/// the previous node's only consumer is it]; add [+ ReLU/ReLU6 likewise]; a non-classifier linear is a 1×1 conv
/// on a vector; pools, gap and the classifier stand alone. Any BN or activation that cannot be fused is rejected
/// (InvalidArchSpec, naming the node): the deployed net has no standalone BN or activation. Public so that the
/// trainer's QAT quantizes exactly the tensors deployment quantizes, with the same widths and signedness.
/// </summary>
public sealed class QuantPlan
{
    private readonly Dictionary<string, PlanTensor> _tensorById;

    private QuantPlan(ArchSpec spec, QuantScheme scheme, List<PlanLayer> layers, List<PlanTensor> tensors)
    {
        Spec = spec;
        Scheme = scheme;
        Layers = layers;
        Tensors = tensors;
        _tensorById = tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    /// <summary>The architecture planned.</summary>
    public ArchSpec Spec { get; }
    /// <summary>The scheme whose widths the tensors carry.</summary>
    public QuantScheme Scheme { get; }
    /// <summary>Layers in topological order; the classifier is last.</summary>
    public IReadOnlyList<PlanLayer> Layers { get; }
    /// <summary>The image first, then every layer output except the logits, in layer order.</summary>
    public IReadOnlyList<PlanTensor> Tensors { get; }

    /// <summary>The planned tensor with id <paramref name="id"/>; throws InvalidArgument when there is none.</summary>
    public PlanTensor Tensor(string id) => _tensorById.TryGetValue(id, out var t)
        ? t
        : throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"spec '{Spec.Name}' quantizes no tensor '{id}'");

    /// <summary>Analyses <paramref name="spec"/>; throws InvalidArchSpec naming a node that cannot be deployed.</summary>
    public static QuantPlan Build(ArchSpec spec, QuantScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(scheme);
        var nodes = spec.Nodes;
        var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal) { [ArchNode.InputId] = [] };
        foreach (var n in nodes) consumers[n.Id] = [];
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (string src in nodes[i].Inputs) consumers[src].Add(i);
        }

        int classifier = nodes.Count - 1;
        var absorbed = new bool[nodes.Count];
        var layers = new List<PlanLayer>();
        for (int i = 0; i < nodes.Count; i++)
        {
            if (absorbed[i]) continue;
            var node = nodes[i];
            switch (node.Op)
            {
                case ArchOp.Conv:
                case ArchOp.Linear when i != classifier:
                {
                    int last = i;
                    int? bn = null;
                    if (node.Op == ArchOp.Conv && SoleConsumer(consumers, nodes, last) is int b && nodes[b].Op == ArchOp.BatchNorm)
                    {
                        bn = b;
                        absorbed[b] = true;
                        last = b;
                    }
                    int? act = FuseActivation(consumers, nodes, absorbed, ref last);
                    layers.Add(new PlanLayer(PlanOp.Conv, i, bn, act, nodes[last].Id, node.Inputs));
                    break;
                }
                case ArchOp.Add:
                {
                    int last = i;
                    int? act = FuseActivation(consumers, nodes, absorbed, ref last);
                    layers.Add(new PlanLayer(PlanOp.Add, i, null, act, nodes[last].Id, node.Inputs));
                    break;
                }
                case ArchOp.MaxPool:
                    layers.Add(new PlanLayer(PlanOp.MaxPool, i, null, null, node.Id, node.Inputs));
                    break;
                case ArchOp.AvgPool:
                    layers.Add(new PlanLayer(PlanOp.AvgPool, i, null, null, node.Id, node.Inputs));
                    break;
                case ArchOp.GlobalAvgPool:
                    layers.Add(new PlanLayer(PlanOp.Gap, i, null, null, node.Id, node.Inputs));
                    break;
                case ArchOp.Linear:
                    layers.Add(new PlanLayer(PlanOp.Classifier, i, null, null, node.Id, node.Inputs));
                    break;
                case ArchOp.BatchNorm:
                    throw Unsupported(spec, node, "a BN is deployable only directly after a conv whose only consumer it is (it is folded into that conv)");
                default:
                    throw Unsupported(spec, node,
                        "a ReLU/ReLU6 is deployable only directly after a conv, conv+BN or add whose only consumer it is (it is fused into that layer's clamp)");
            }
        }
        return new QuantPlan(spec, scheme, layers, BuildTensors(spec, scheme, layers, nodes[classifier].Inputs[0]));
    }

    private static List<PlanTensor> BuildTensors(ArchSpec spec, QuantScheme scheme, List<PlanLayer> layers, string classifierInput)
    {
        var tensors = new List<PlanTensor>
        {
            new(ArchNode.InputId, spec.Input, true, scheme.FirstLayerBits, ArchNode.InputId, -1),
        };
        var byId = new Dictionary<string, PlanTensor>(StringComparer.Ordinal) { [ArchNode.InputId] = tensors[0] };
        for (int l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            if (layer.Op == PlanOp.Classifier) continue;
            var shape = spec.ShapeOf(layer.OutputId);
            int bits = layer.OutputId == classifierInput ? scheme.ClassifierBits : scheme.ActivationBits;
            var source = byId[layer.InputIds[0]];
            PlanTensor tensor = layer.Op switch
            {
                // Pools work on codes and keep the input's scale, width and signedness (a window max or mean
                // never leaves the input's range).
                PlanOp.MaxPool or PlanOp.AvgPool => new PlanTensor(layer.OutputId, shape, source.IsSigned, source.Bits, source.ScaleSource, l),
                PlanOp.Gap => new PlanTensor(layer.OutputId, shape, source.IsSigned, bits, layer.OutputId, l),
                PlanOp.Add => new PlanTensor(layer.OutputId, shape,
                    layer.Activation is null && layer.InputIds.Any(id => byId[id].IsSigned), bits, layer.OutputId, l),
                _ => new PlanTensor(layer.OutputId, shape, layer.Activation is null, bits, layer.OutputId, l),
            };
            tensors.Add(tensor);
            byId[tensor.Id] = tensor;
        }
        return tensors;
    }

    private static int? FuseActivation(Dictionary<string, List<int>> consumers, IReadOnlyList<ArchNode> nodes, bool[] absorbed, ref int last)
    {
        if (SoleConsumer(consumers, nodes, last) is int a && nodes[a].Op is ArchOp.Relu or ArchOp.Relu6)
        {
            absorbed[a] = true;
            last = a;
            return a;
        }
        return null;
    }

    private static int? SoleConsumer(Dictionary<string, List<int>> consumers, IReadOnlyList<ArchNode> nodes, int index)
    {
        var list = consumers[nodes[index].Id];
        return list.Count == 1 ? list[0] : null;
    }

    private static GhnQatException Unsupported(ArchSpec spec, ArchNode node, string rule) =>
        new(GhnQatErrorCode.InvalidArchSpec, $"spec '{spec.Name}', node '{node.Id}' ({ArchOps.Name(node.Op)}): not supported in deployment: {rule}");
}
