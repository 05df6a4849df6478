// The contract's quantizers as differentiable TorchSharp ops: per-channel weights, per-tensor activations.
using GhnQat.Runtime.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Quantization;

/// <summary>
/// Quantizers of docs/quantization.md §5 in TorchSharp. Scales are computed exactly as <see cref="QuantContract"/>
/// computes them (the division in double, rounded once to float32) and are <b>detached</b>: the range is a batch
/// statistic, not a learned parameter, and a gradient through max would reach a single element. Rounding is
/// torch.round (half to even, like roundEven). Straight-through gradients: identity for weights (their range
/// holds every value), clipped for activations (zero where the value lies outside the range).
/// </summary>
public static class FakeQuant
{
    // Smallest positive normal float32 (the contract's fallback threshold for all-zero weight channels).
    private const double MinNormalFloat = 1.1754943508222875e-38;

    /// <summary>Per-output-channel scale s_w[c] = float32(max|w_c| / qmax), 1 for an all-zero channel; shape (out).</summary>
    public static Tensor WeightScale(Tensor w, int bits)
    {
        ArgumentNullException.ThrowIfNull(w);
        using var scope = NewDisposeScope();
        var maxAbs = w.detach().abs().flatten(1).amax([1]).to_type(ScalarType.Float64);
        var s = maxAbs / QuantContract.QMax(bits, isSigned: true);
        var ok = s.ge(MinNormalFloat).logical_and(s.isfinite());
        return where(ok, s, ones_like(s)).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Integer weight codes clamp(roundEven(w / s_w[c]), ±qmax), computed in double as the contract does.</summary>
    public static Tensor WeightCodes(Tensor w, Tensor scale, int bits)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(scale);
        int qmax = QuantContract.QMax(bits, isSigned: true);
        using var scope = NewDisposeScope();
        var s = PerChannel(scale, w).to_type(ScalarType.Float64);
        return Clamp((w.detach().to_type(ScalarType.Float64) / s).round(), -qmax, qmax).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Quantized weights: SimQuant, Mixed (and every evaluation) w + (q·s − w).detach(); NoiseQuant while training
    /// w + (clamp(w + U(−s/2, s/2), ±qmax·s) − w).detach(). <paramref name="noise"/> seeds the noise (NoiseQuant only).
    /// </summary>
    public static Tensor Weight(Tensor w, int bits, QuantMode mode, bool training, Generator? noise = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (mode == QuantMode.None) return w;
        using var scope = NewDisposeScope();
        var scale = WeightScale(w, bits);
        var s = PerChannel(scale, w);
        var wd = w.detach();
        Tensor target;
        if (mode == QuantMode.Noise && training)
        {
            var bound = Times(s, QuantContract.QMax(bits, isSigned: true));
            target = HeldScalars.Plus(wd, Uniform(w, noise) * s).clamp(-bound, bound);
        }
        else
        {
            target = (WeightCodes(w, scale, bits) * s.to_type(ScalarType.Float64)).to_type(w.dtype);
        }
        return HeldScalars.Plus(w, target - wd).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The batch statistic behind an activation's range (docs/quantization.md §4): max x for unsigned tensors,
    /// max |x| for signed ones, detached, as a float32 scalar.
    /// </summary>
    public static Tensor BatchRange(Tensor x, bool isSigned)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var r = isSigned ? x.detach().abs().max() : ClampMin(x.detach().max(), 0);
        return r.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Activation scale s = float32(max(range, 1e-8) / qmax) (division in double), a float32 scalar.</summary>
    public static Tensor ActivationScale(Tensor range, int bits, bool isSigned)
    {
        ArgumentNullException.ThrowIfNull(range);
        using var scope = NewDisposeScope();
        var s = Over(ClampMin(range.detach().to_type(ScalarType.Float64), QuantContract.MinRange), QuantContract.QMax(bits, isSigned));
        return s.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Activation codes clamp(roundEven(x × float32(1/s)), lo, hi): one float32 multiply, as the contract
    /// quantizes the image (<see cref="QuantContract.QuantizeInput"/>).
    /// </summary>
    public static Tensor ActivationCodes(Tensor x, Tensor scale, int bits, bool isSigned)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(scale);
        using var scope = NewDisposeScope();
        var inv = (1.0 / scale.detach().to_type(ScalarType.Float64)).to_type(ScalarType.Float32);
        return Clamp((x.detach() * inv).round(), QuantContract.QMin(bits, isSigned), QuantContract.QMax(bits, isSigned))
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Quantized activation with a clipped straight-through gradient: y = clamp(x, lo·s, hi·s) (gradient 1 inside,
    /// 0 outside), then SimQuant / evaluation y + (codes·s − y).detach(), or NoiseQuant and Mixed while training
    /// y + (clamp(y + U(−s/2, s/2), lo·s, hi·s) − y).detach(). <paramref name="range"/> null = this batch's
    /// <see cref="BatchRange"/>; the range used is returned in <paramref name="usedRange"/> (caller's scope).
    /// </summary>
    public static Tensor Activation(Tensor x, int bits, bool isSigned, QuantMode mode, bool training, out Tensor usedRange,
        Tensor? range = null, Generator? noise = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        usedRange = range ?? BatchRange(x, isSigned);
        if (mode == QuantMode.None) return x;
        using var scope = NewDisposeScope();
        var scale = ActivationScale(usedRange, bits, isSigned);
        var lo = Times(scale, QuantContract.QMin(bits, isSigned));
        var hi = Times(scale, QuantContract.QMax(bits, isSigned));
        var y = x.clamp(lo, hi);
        var yd = y.detach();
        var target = mode is QuantMode.Noise or QuantMode.Mixed && training
            ? HeldScalars.Plus(yd, Uniform(x, noise) * scale).clamp(lo, hi)
            : ActivationCodes(yd, scale, bits, isSigned) * scale;
        return HeldScalars.Plus(y, target - yd).MoveToOuterDisposeScope();
    }

    // U(−1/2, 1/2) of the shape of t: torch.rand is [0, 1).
    private static Tensor Uniform(Tensor t, Generator? noise) =>
        HeldScalars.Minus(rand(t.shape, dtype: t.dtype, device: t.device, generator: noise), 0.5);

    // (out) scales viewed to broadcast over a weight of rank 2 (linear) or 4 (conv).
    private static Tensor PerChannel(Tensor scale, Tensor w)
    {
        var shape = new long[w.dim()];
        Array.Fill(shape, 1L);
        shape[0] = w.shape[0];
        return scale.view(shape);
    }

    // Tensor ⊗ number with the number held in an explicit Scalar until the op returns. An implicit conversion makes a
    // Scalar nothing references during the native call, so its finalizer can free it mid-call: an hour-long eval
    // died that way in clamp_min ("Exception raised from toDouble at c10/core/Scalar.h").
    private static Tensor ClampMin(Tensor t, double min)
    {
        using var m = min.ToScalar();
        return t.clamp_min(m);
    }

    private static Tensor Clamp(Tensor t, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return t.clamp(lo, hi);
    }

    private static Tensor Times(Tensor t, double factor) => HeldScalars.Times(t, factor);

    private static Tensor Over(Tensor t, double divisor)
    {
        using var d = divisor.ToScalar();
        return t.div(d);
    }
}
