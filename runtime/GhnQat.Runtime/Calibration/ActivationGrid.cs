// The deployed code grid of one quantized activation, applied to float values (fake quantization) during
// quantization-aware calibration.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Calibration;

/// <summary>
/// x ↦ clamp(roundEven(x / s), lo, hi) · s with the tensor's deployed scale s and code range (docs/quantization.md §3).
/// </summary>
internal sealed record ActivationGrid(float Scale, int Lo, int Hi)
{
    /// <summary>Snaps <paramref name="values"/> to the grid in place.</summary>
    public void Apply(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = Math.Clamp(QuantContract.RoundEven(values[i] / Scale), Lo, Hi) * Scale;
    }
}
