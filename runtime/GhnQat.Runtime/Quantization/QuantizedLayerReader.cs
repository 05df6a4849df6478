// Rebuilds one QLayer of a saved network from the spec's plan plus the layer's stored tensors.
using GhnQat.Runtime.Quantization.Packing;

namespace GhnQat.Runtime.Quantization;

/// <summary>Reads layer tensors with exact dtype and shape checks, unpacking weight rows (padding must be zero).</summary>
internal static class QuantizedLayerReader
{
    public static QLayer Read(PlanLayer step, QuantPlan plan, IReadOnlyDictionary<string, QuantTensorInfo> tensors, TensorReader reader)
    {
        string name = plan.Spec.Nodes[step.NodeIndex].Id;
        var input = tensors[step.InputIds[0]];
        var output = step.Op == PlanOp.Classifier ? null : tensors[step.OutputId];
        return step.Op switch
        {
            PlanOp.Conv => QLayerFactory.Conv(plan, step, input, output!, ReadWeights(reader, plan, step, input)),
            PlanOp.Classifier => QLayerFactory.Classifier(plan, step, input, ReadWeights(reader, plan, step, input)),
            PlanOp.Add => QLayerFactory.Add(plan, step, output!, [.. reader.Float32(name + ".multiplier", step.InputIds.Count)]),
            PlanOp.MaxPool => QLayerFactory.MaxPool(plan, step),
            PlanOp.AvgPool => QLayerFactory.AvgPool(plan, step, output!, reader.Float32(name + ".multiplier", 1)[0]),
            _ => QLayerFactory.GlobalAvgPool(plan, step, output!, reader.Float32(name + ".multiplier", 1)[0]),
        };
    }

    private static WeightData ReadWeights(TensorReader reader, QuantPlan plan, PlanLayer step, QuantTensorInfo input)
    {
        var node = plan.Spec.Nodes[step.NodeIndex];
        int bits = QLayerFactory.WeightBits(plan, step), rows = node.Out, rowLength = QLayerFactory.RowLength(plan, step, input);
        int words = PackedLayout.WordCount(bits, rowLength);
        uint[] packed = reader.UInt32(node.Id + ".weight", rows, words);
        var codes = new sbyte[(long)rows * rowLength];
        var row = new int[rowLength];
        for (int r = 0; r < rows; r++)
        {
            var rowWords = packed.AsSpan(r * words, words);
            if (!PackedLayout.IsPaddingZero(bits, rowLength, rowWords))
                throw reader.Invalid($"tensor '{node.Id}.weight' row {r} has nonzero padding bits");
            CodePacking.Unpack(bits, true, rowWords, row);
            // Codes outside the narrow range (e.g. −2 at 2 bits, −128 at 8) survive this cast and are rejected by
            // the network's validation, which names the layer.
            for (int i = 0; i < rowLength; i++) codes[((long)r * rowLength) + i] = (sbyte)row[i];
        }
        return new WeightData([.. codes], [.. reader.Float32(node.Id + ".bias", rows)],
            [.. reader.Float32(node.Id + ".multiplier", rows)], [.. reader.Float32(node.Id + ".weight_scale", rows)]);
    }
}
