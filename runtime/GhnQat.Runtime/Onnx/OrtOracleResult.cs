// What one ORT oracle run returns: float logits and the codes of every quantized tensor, batch first.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// Logits [Batch, Classes] and, per quantized tensor id (the image codes "input" included), codes laid out
/// [Batch, C, H, W] (or [Batch, C] for vectors) as int8 (signed tensors) or uint8 (unsigned). Immutable; owns its arrays.
/// </summary>
public sealed class OrtOracleResult
{
    private readonly IReadOnlyDictionary<string, OnnxTensor> _outputs;

    internal OrtOracleResult(QuantizedNetwork network, int batch, IReadOnlyDictionary<string, OnnxTensor> outputs)
    {
        Batch = batch;
        Classes = network.Classifier.OutFeatures;
        TensorIds = network.Tensors.Select(t => t.Id).ToArray();
        _outputs = outputs;
    }

    /// <summary>Images in the batch.</summary>
    public int Batch { get; }
    /// <summary>Logits per image.</summary>
    public int Classes { get; }
    /// <summary>Ids of the quantized tensors, in the network's order (image first).</summary>
    public IReadOnlyList<string> TensorIds { get; }
    /// <summary>Logits, [Batch, Classes].</summary>
    public ReadOnlySpan<float> Logits => _outputs[OnnxNames.Logits].Data<float>();

    /// <summary>The codes of tensor <paramref name="id"/> as ORT produced them (int8 or uint8).</summary>
    public OnnxTensor Codes(string id) => _outputs.TryGetValue(id, out var t) && id != OnnxNames.Logits
        ? t
        : throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"ORT result has no tensor '{id}'");

    /// <summary>The codes of tensor <paramref name="id"/> widened to int (a new array).</summary>
    public int[] CodesAsInt32(string id)
    {
        var t = Codes(id);
        var result = new int[t.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (int)t.ValueAt(i);
        return result;
    }
}
