// One quantized tensor of a QuantPlan: shape, signedness, width and where its scale comes from.
namespace GhnQat.Runtime.Quantization;

/// <summary>A quantized tensor of a <see cref="QuantPlan"/>.</summary>
/// <param name="Id">The tensor id: "input" or the last fused node's id.</param>
/// <param name="Shape">Shape per image.</param>
/// <param name="IsSigned">Signed narrow range, or unsigned (docs/quantization.md §3).</param>
/// <param name="Bits">Code width under the plan's scheme.</param>
/// <param name="ScaleSource">The tensor whose calibrated range gives the scale: itself, or for pools the tensor they read.</param>
/// <param name="Producer">Index into <see cref="QuantPlan.Layers"/> of the layer writing it; −1 for the image.</param>
public sealed record PlanTensor(string Id, Architectures.ActivationShape Shape, bool IsSigned, int Bits, string ScaleSource, int Producer);
