// Float32 forward of a FloatNetwork over an NCHW batch: the float semantics of docs/quantization.md §1, with BN in
// batch-statistics mode (GHN-2 training protocol) or with given statistics (deployment, after calibration).
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// Runs a <see cref="FloatNetwork"/> on the CPU, one thread, im2col + vectorized GEMM for convs. Intermediate
/// buffers are released after their last consumer unless the caller asks to keep every node's output.
/// <see cref="Forward"/> holds no state between calls, so one executor may serve several threads at once.
/// </summary>
public sealed class FloatExecutor
{
    private readonly FloatNetwork _network;
    private readonly int[] _consumerCount;

    /// <summary>Prepares an executor for <paramref name="network"/> (no buffers are held between calls).</summary>
    public FloatExecutor(FloatNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        var nodes = network.Spec.Nodes;
        _consumerCount = new int[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            foreach (int k in network.Spec.InputIndicesAt(i))
            {
                if (k >= 0) _consumerCount[k]++;
            }
        }
    }

    /// <summary>The network run.</summary>
    public FloatNetwork Network => _network;

    /// <summary>
    /// Forward pass over <paramref name="count"/> images, layout [count, C, H, W] of the spec's input shape.
    /// </summary>
    /// <param name="images">Exactly count × C × H × W floats.</param>
    /// <param name="count">Images in the batch, ≥ 1.</param>
    /// <param name="batchNormStatistics">Statistics per BN id (deployment), or null for batch-statistics mode, in
    /// which every BN normalizes with the mean and biased variance of its input over this batch.</param>
    /// <param name="keepOutputs">Whether to return every node's output in <see cref="FloatForwardResult.Outputs"/>.</param>
    /// <param name="observer">Called with every node's output as soon as it is computed.</param>
    /// <param name="quantizer">Called after the observer with the input and every node's output; may rewrite them in
    /// place (fake quantization for calibration). Null leaves the pass purely float.</param>
    /// <exception cref="GhnQatException">InvalidArgument for a wrong image count or missing/mis-sized BN statistics.</exception>
    public FloatForwardResult Forward(ReadOnlySpan<float> images, int count,
        IReadOnlyDictionary<string, BatchNormStatistics>? batchNormStatistics = null, bool keepOutputs = false,
        FloatNodeObserver? observer = null, FloatActivationQuantizer? quantizer = null)
    {
        var spec = _network.Spec;
        long perImage = spec.Input.ElementCount;
        if (count < 1 || images.Length != count * perImage)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"network '{spec.Name}': {images.Length} input floats do not hold {count} images of {spec.Input}; expected count ≥ 1 and {count * perImage} floats");
        var nodes = spec.Nodes;
        var values = new float[]?[nodes.Count];
        var remaining = (int[])_consumerCount.Clone();
        var kept = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var batchStats = new Dictionary<string, BatchNormStatistics>(StringComparer.Ordinal);
        float[] input = images.ToArray();
        quantizer?.Invoke(ArchNode.InputId, input);
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var inputs = spec.InputIndicesAt(i);
            float[] In(int slot) => inputs[slot] < 0 ? input : values[inputs[slot]]!;
            var inShape = spec.InputShapeAt(i, 0);
            var outShape = spec.ShapeAt(i);
            // An element-wise node may overwrite its input when nothing else will read it.
            bool reuse = !keepOutputs && inputs[0] >= 0 && remaining[inputs[0]] == 1;
            float[] Output() => reuse ? In(0) : new float[count * outShape.ElementCount];
            float[] y;
            switch (node.Op)
            {
                case ArchOp.Conv:
                    y = new float[count * outShape.ElementCount];
                    Conv(node, inShape, In(0), y, count);
                    break;
                case ArchOp.Linear:
                    y = new float[count * outShape.ElementCount];
                    Linear(node, inShape.Channels, In(0), y, count);
                    break;
                case ArchOp.BatchNorm:
                {
                    int pixels = inShape.Height * inShape.Width;
                    BatchNormStatistics stats;
                    if (batchNormStatistics is null)
                    {
                        stats = FloatBatchNorm.Statistics(In(0), count, inShape.Channels, pixels);
                        batchStats[node.Id] = stats;
                    }
                    else
                    {
                        stats = GivenStatistics(batchNormStatistics, node, inShape.Channels);
                    }
                    var x = In(0);
                    y = Output();
                    FloatBatchNorm.Apply(x, y, count, inShape.Channels, pixels, stats,
                        _network.Tensor(node.Id + ".weight"), _network.Tensor(node.Id + ".bias"));
                    break;
                }
                case ArchOp.Relu:
                {
                    var x = In(0);
                    y = Output();
                    TensorPrimitives.Max(x, 0f, y);
                    break;
                }
                case ArchOp.Relu6:
                {
                    var x = In(0);
                    y = Output();
                    TensorPrimitives.Clamp(x, 0f, 6f, y);
                    break;
                }
                case ArchOp.Add:
                    y = new float[count * outShape.ElementCount];
                    In(0).CopyTo(y, 0);
                    for (int s = 1; s < inputs.Count; s++) TensorPrimitives.Add(y, In(s), y);
                    break;
                case ArchOp.MaxPool:
                case ArchOp.AvgPool:
                    y = new float[count * outShape.ElementCount];
                    for (int n = 0; n < count; n++)
                    {
                        FloatPool.Forward(node.Op == ArchOp.MaxPool, inShape.Channels, inShape.Height, inShape.Width,
                            node.Kernel, node.Stride, In(0).AsSpan(n * (int)inShape.ElementCount, (int)inShape.ElementCount),
                            y.AsSpan(n * (int)outShape.ElementCount, (int)outShape.ElementCount));
                    }
                    break;
                default:
                    y = new float[count * outShape.ElementCount];
                    for (int n = 0; n < count; n++)
                    {
                        FloatPool.GlobalAverage(inShape.Channels, inShape.Height * inShape.Width,
                            In(0).AsSpan(n * (int)inShape.ElementCount, (int)inShape.ElementCount), y.AsSpan(n * inShape.Channels, inShape.Channels));
                    }
                    break;
            }
            values[i] = y;
            observer?.Invoke(node, y);
            quantizer?.Invoke(node.Id, y);
            if (keepOutputs) kept[node.Id] = y;
            foreach (int k in inputs)
            {
                if (k >= 0 && --remaining[k] == 0 && !ReferenceEquals(values[k], y)) values[k] = null;
            }
        }
        return new FloatForwardResult(count, spec.Classes, values[^1]!, kept, batchStats);
    }

    private void Conv(ArchNode node, ActivationShape inShape, float[] x, float[] y, int count)
    {
        var g = new ConvGeometry(inShape.Channels, inShape.Height, inShape.Width, node.Out, node.Kernel, node.Stride,
            node.Dilation * (node.Kernel - 1) / 2, node.Dilation, node.Groups);
        var weights = _network.Tensor(node.Id + ".weight");
        var bias = node.Bias ? _network.Tensor(node.Id + ".bias") : [];
        var columns = new float[g.IsPointwise ? 0 : g.Reduction * g.OutHeight * g.OutWidth];
        int inSize = (int)inShape.ElementCount, outSize = g.OutChannels * g.OutHeight * g.OutWidth;
        for (int n = 0; n < count; n++)
            FloatConv.Forward(g, x.AsSpan(n * inSize, inSize), weights, bias, y.AsSpan(n * outSize, outSize), columns);
    }

    private void Linear(ArchNode node, int inFeatures, float[] x, float[] y, int count)
    {
        var weights = _network.Tensor(node.Id + ".weight");
        var bias = node.Bias ? _network.Tensor(node.Id + ".bias") : [];
        for (int n = 0; n < count; n++)
        {
            var v = x.AsSpan(n * inFeatures, inFeatures);
            for (int o = 0; o < node.Out; o++)
                y[(n * node.Out) + o] = TensorPrimitives.Dot(weights.Slice(o * inFeatures, inFeatures), v) + (bias.IsEmpty ? 0f : bias[o]);
        }
    }

    private BatchNormStatistics GivenStatistics(IReadOnlyDictionary<string, BatchNormStatistics> all, ArchNode node, int channels)
    {
        if (!all.TryGetValue(node.Id, out var stats))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"network '{_network.Spec.Name}': no BN statistics for node '{node.Id}'");
        if (stats.Channels != channels)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"network '{_network.Spec.Name}': BN statistics for node '{node.Id}' have {stats.Channels} channels; the node has {channels}");
        return stats;
    }
}
