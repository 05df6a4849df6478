// One element where two executions of a quantized network disagree: where it is and both values.
namespace GhnQat.Runtime.Onnx;

/// <summary>A differing element of one tensor.</summary>
/// <param name="Index">Flat index into the batch-first tensor.</param>
/// <param name="Position">Readable position, e.g. "n=1 c=3 y=0 x=7" (n counts from the comparison's image offset).</param>
/// <param name="Expected">The reference value (code, or logit).</param>
/// <param name="Actual">The checked value.</param>
public sealed record ParityMismatch(long Index, string Position, double Expected, double Actual);
