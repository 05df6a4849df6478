// Numbers passed to TorchSharp ops as Scalars that stay referenced until the native call returns.
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer;

/// <summary>
/// TorchSharp turns a number into a native Scalar implicitly — <c>a + b</c> on tensors is <c>a.add(b, 1)</c>,
/// <c>t * 0.5</c> is <c>t.mul(0.5)</c> — and nothing references that Scalar during the native call, so the finalizer
/// thread can free it mid-call when a garbage collection happens to run: evaluations died that way in clamp_min,
/// index_add and add ("Expected false to be true" / "INTERNAL ASSERT FAILED at c10/core/Scalar.h", 2026-11-26/27,
/// the last one 5 nets into a 30-net eval-qat). Code on those paths uses these instead: constants held in static
/// fields for the life of the process, and <c>using var s = x.ToScalar()</c> for numbers that change.
/// </summary>
internal static class HeldScalars
{
    /// <summary>The alpha of a plain tensor sum.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>a + b (same result as the operator; alpha held).</summary>
    public static Tensor Plus(Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a += b in place (alpha held).</summary>
    public static Tensor PlusInPlace(Tensor a, Tensor b) => a.add_(b, One);

    /// <summary>t × number.</summary>
    public static Tensor Times(Tensor t, double value)
    {
        using var s = value.ToScalar();
        return t.mul(s);
    }

    /// <summary>t − number.</summary>
    public static Tensor Minus(Tensor t, double value)
    {
        using var s = value.ToScalar();
        return t.sub(s);
    }
}
