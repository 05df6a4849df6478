// One layer of a QuantPlan: the op node, the BN and activation fused into it, and its tensor wiring.
namespace GhnQat.Runtime.Quantization;

/// <summary>
/// A fused layer of a <see cref="QuantPlan"/>. Indices are topological positions in the spec.
/// </summary>
/// <param name="Op">The kind of integer layer.</param>
/// <param name="NodeIndex">Position of the op node (the conv, add, pool, gap or classifier linear).</param>
/// <param name="BatchNorm">Position of the BN folded into a conv, or null.</param>
/// <param name="Activation">Position of the ReLU/ReLU6 fused into a conv or add, or null.</param>
/// <param name="OutputId">Id of the tensor written: the last fused node's id (the classifier's id for logits).</param>
/// <param name="InputIds">The op node's inputs: ids of earlier layers' tensors or "input".</param>
public sealed record PlanLayer(PlanOp Op, int NodeIndex, int? BatchNorm, int? Activation, string OutputId, IReadOnlyList<string> InputIds);
