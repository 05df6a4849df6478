// Per-channel mean and biased variance of one BN's input: what deployment folds into the preceding conv.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Calibration;

/// <summary>
/// Statistics a BN normalizes with: y = γ·(x − Mean)/√(Variance + 1e-5) + β, per channel. Values are float32,
/// finite, variances ≥ 0. The arrays are copied on construction.
/// </summary>
public sealed class BatchNormStatistics
{
    /// <summary>BN epsilon of the float net semantics (PyTorch's default).</summary>
    public const double Epsilon = 1e-5;

    private readonly float[] _mean;
    private readonly float[] _variance;

    /// <summary>Creates statistics; throws InvalidArgument for unequal lengths, non-finite values or a negative variance.</summary>
    public BatchNormStatistics(ReadOnlySpan<float> mean, ReadOnlySpan<float> variance)
    {
        if (mean.Length != variance.Length || mean.Length == 0)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"BN statistics need equal, non-zero lengths; got {mean.Length} means and {variance.Length} variances");
        for (int c = 0; c < mean.Length; c++)
        {
            if (!float.IsFinite(mean[c]) || !float.IsFinite(variance[c]) || variance[c] < 0)
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"BN statistics of channel {c} are mean {mean[c]}, variance {variance[c]}; expected finite values and variance ≥ 0");
        }
        _mean = mean.ToArray();
        _variance = variance.ToArray();
    }

    /// <summary>Channels.</summary>
    public int Channels => _mean.Length;
    /// <summary>Per-channel mean.</summary>
    public ReadOnlySpan<float> Mean => _mean;
    /// <summary>Per-channel biased (population) variance.</summary>
    public ReadOnlySpan<float> Variance => _variance;
}
