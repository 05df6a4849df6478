// Parity counts of one tensor (a layer's codes, or the logits) between a reference and a checked execution.
namespace GhnQat.Runtime.Onnx;

/// <summary>How one tensor compared: elements, mismatches, and the first few mismatches in index order.</summary>
/// <param name="TensorId">Tensor id ("input" for the image codes, "logits" for the logits).</param>
/// <param name="Compared">Elements compared.</param>
/// <param name="Mismatches">Elements that differ (codes: any difference; logits: any bit).</param>
/// <param name="MaxAbsDifference">Largest |expected − actual| over the mismatches (0 when exact).</param>
/// <param name="FirstMismatches">Up to the comparison's example limit, in index order.</param>
public sealed record TensorParity(string TensorId, long Compared, long Mismatches, double MaxAbsDifference,
    IReadOnlyList<ParityMismatch> FirstMismatches)
{
    /// <summary>True when every element matched.</summary>
    public bool IsExact => Mismatches == 0;
}
