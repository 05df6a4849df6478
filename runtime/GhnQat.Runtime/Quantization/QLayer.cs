// Base of the quantized layer records of a QuantizedNetwork (one fused op each, in topological order).
namespace GhnQat.Runtime.Quantization;

/// <summary>
/// One integer op of a <see cref="QuantizedNetwork"/>: reads the tensors <see cref="InputIds"/> and writes the
/// tensor <see cref="OutputId"/> (the classifier writes float logits instead). Records are immutable.
/// </summary>
public abstract record QLayer
{
    /// <summary>Id of the ArchSpec node that is the op (the conv of conv+BN+ReLU, the add, the pool, …).</summary>
    public required string Name { get; init; }
    /// <summary>Id of the tensor written: the id of the last ArchSpec node fused into this layer.</summary>
    public required string OutputId { get; init; }
    /// <summary>Ids of the tensors read, in the op's input order.</summary>
    public abstract IReadOnlyList<string> InputIds { get; }
}
