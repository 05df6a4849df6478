// What calibration measures on unlabeled images: BN population statistics and the range of every quantized tensor.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Calibration;

/// <summary>
/// BN statistics by BN node id and activation ranges by quantized-tensor id ("input" and the output id of every
/// fused layer, docs/quantization.md §4). A range is the mean over calibration batches of the batch max (unsigned
/// tensors) or batch max|x| (signed tensors), float32, finite and ≥ 0. Dictionaries are copied on construction.
/// </summary>
public sealed class CalibrationResult
{
    /// <summary>Creates a result; throws InvalidArgument for a non-finite or negative range.</summary>
    public CalibrationResult(IReadOnlyDictionary<string, BatchNormStatistics> batchNorm,
        IReadOnlyDictionary<string, float> ranges, int imageCount, int batchCount)
    {
        ArgumentNullException.ThrowIfNull(batchNorm);
        ArgumentNullException.ThrowIfNull(ranges);
        foreach (var (id, r) in ranges)
        {
            if (!float.IsFinite(r) || r < 0)
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"calibration range of tensor '{id}' is {r}; expected a finite value ≥ 0");
        }
        BatchNorm = new Dictionary<string, BatchNormStatistics>(batchNorm, StringComparer.Ordinal);
        Ranges = new Dictionary<string, float>(ranges, StringComparer.Ordinal);
        ImageCount = imageCount;
        BatchCount = batchCount;
    }

    /// <summary>Population statistics per BN node id (empty for BN-free nets).</summary>
    public IReadOnlyDictionary<string, BatchNormStatistics> BatchNorm { get; }
    /// <summary>Range per quantized-tensor id, in real units.</summary>
    public IReadOnlyDictionary<string, float> Ranges { get; }
    /// <summary>Images calibration saw.</summary>
    public int ImageCount { get; }
    /// <summary>Batches the images were split into (each batch weighs the same in every mean).</summary>
    public int BatchCount { get; }
}
