// The deployed code grid of one quantized activation, applied to float values (fake quantization) during
// quantization-aware calibration.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Calibration;

/// <summary>
/// x ↦ clamp(roundEven(x / s), lo, hi) · s with the tensor's deployed scale s and code range (docs/quantization.md §3).
/// </summary>
public sealed record ActivationGrid(float Scale, int Lo, int Hi)
{
    /// <summary>The grid of <paramref name="tensor"/> when its range is <paramref name="range"/>.</summary>
    public static ActivationGrid For(PlanTensor tensor, double range)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new(QuantContract.ActivationScale(range, tensor.Bits, tensor.IsSigned),
            QuantContract.QMin(tensor.Bits, tensor.IsSigned), QuantContract.QMax(tensor.Bits, tensor.IsSigned));
    }

    /// <summary>Snaps <paramref name="values"/> to the grid in place.</summary>
    public void Apply(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = Math.Clamp(QuantContract.RoundEven(values[i] / Scale), Lo, Hi) * Scale;
    }
}
