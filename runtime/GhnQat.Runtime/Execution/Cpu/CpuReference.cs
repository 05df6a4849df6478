// The bit-exact integer reference executor: runs a QuantizedNetwork layer by layer, one kernel
// file per op, exactly as docs/quantization.md writes the formulas. Vulkan and ONNX Runtime are checked against it.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// Integer-exact execution of a <see cref="QuantizedNetwork"/> on float images: the images are quantized per the
/// contract, every layer works on int codes (held as int, whatever their width), the classifier yields float32
/// logits. Written for clarity first (the conv is im2col + vectorized integer multiply-adds, exact in any order);
/// single-threaded, deterministic, and stateless between calls (one instance may serve several threads).
/// </summary>
public sealed class CpuReference
{
    private readonly QuantizedNetwork _network;

    /// <summary>Prepares the reference for <paramref name="network"/> (validated on construction of the network).</summary>
    public CpuReference(QuantizedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
    }

    /// <summary>The network run.</summary>
    public QuantizedNetwork Network => _network;

    /// <summary>Runs <paramref name="count"/> normalized images, layout [count, C, H, W] of the spec's input.</summary>
    /// <param name="images">Exactly count × C × H × W floats.</param>
    /// <param name="count">Images, ≥ 1.</param>
    /// <param name="keepCodes">Whether to return every tensor's codes in <see cref="CpuReferenceResult.Codes"/>.</param>
    /// <exception cref="GhnQatException">InvalidArgument when the floats do not hold count images.</exception>
    public CpuReferenceResult Run(ReadOnlySpan<float> images, int count, bool keepCodes = false)
    {
        var spec = _network.Spec;
        long perImage = spec.Input.ElementCount;
        if (count < 1 || images.Length != count * perImage)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"network '{spec.Name}': {images.Length} input floats do not hold {count} images of {spec.Input}; expected count ≥ 1 and {count * perImage} floats");
        var codes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var input = new int[images.Length];
        QInputKernel.Run(images, _network.InputInvScale, _network.Input.Hi, input);
        codes[_network.Input.Id] = input;
        var logits = new float[count * spec.Classes];
        // Without keepCodes, a tensor's codes are dropped after their last reader, so memory follows the widest cut.
        var lastReader = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int l = 0; l < _network.Layers.Count; l++)
        {
            foreach (string id in _network.Layers[l].InputIds) lastReader[id] = l;
        }
        for (int l = 0; l < _network.Layers.Count; l++)
        {
            var layer = _network.Layers[l];
            if (layer is QLinearLayer fc)
            {
                var x = codes[fc.InputId];
                for (int n = 0; n < count; n++)
                    QLinearKernel.Run(fc, x.AsSpan(n * fc.InFeatures, fc.InFeatures), logits.AsSpan(n * fc.OutFeatures, fc.OutFeatures));
                break;
            }
            codes[layer.OutputId] = RunLayer(layer, codes, count);
            if (!keepCodes)
            {
                foreach (string id in layer.InputIds)
                {
                    if (lastReader[id] == l) codes.Remove(id);
                }
            }
        }
        return new CpuReferenceResult(count, spec.Classes, logits, keepCodes ? codes : new Dictionary<string, int[]>());
    }

    private int[] RunLayer(QLayer layer, Dictionary<string, int[]> codes, int count)
    {
        var inShape = _network.Tensor(layer.InputIds[0]).Shape;
        var outShape = _network.Tensor(layer.OutputId).Shape;
        int inSize = (int)inShape.ElementCount, outSize = (int)outShape.ElementCount;
        var y = new int[count * outSize];
        var x = codes[layer.InputIds[0]];
        var addInputs = layer is QAddLayer a ? a.Inputs.Select(id => codes[id]).ToArray() : [];
        if (layer is QConvLayer conv)
        {
            // The conv kernel takes every image at once (it works on blocks of images, docs of QConvKernel).
            var input = _network.Tensor(layer.InputIds[0]);
            QConvKernel.Run(conv, inShape.Height, inShape.Width, x, y, count, Math.Max(Math.Abs(input.Lo), Math.Abs(input.Hi)));
            return y;
        }
        for (int n = 0; n < count; n++)
        {
            var xi = x.AsSpan(n * inSize, inSize);
            var yi = y.AsSpan(n * outSize, outSize);
            switch (layer)
            {
                case QAddLayer add:
                    QAddKernel.Run(add, addInputs, n * outSize, yi);
                    break;
                case QMaxPoolLayer max:
                    QMaxPoolKernel.Run(max, inShape.Channels, inShape.Height, inShape.Width, xi, yi);
                    break;
                case QAvgPoolLayer avg:
                    QAvgPoolKernel.Run(avg, inShape.Channels, inShape.Height, inShape.Width, xi, yi);
                    break;
                case QGlobalAvgPoolLayer gap:
                    QGlobalAvgPoolKernel.Run(gap, inShape.Channels, inShape.Height * inShape.Width, xi, yi);
                    break;
                default:
                    throw new InvalidOperationException($"layer type {layer.GetType().Name} has no CPU kernel");
            }
        }
        return y;
    }
}
