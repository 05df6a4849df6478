// Milliseconds spent in each on-device stage of turning an ArchSpec into a packed integer network.
namespace GhnQat.Runtime.Deployment;

/// <summary>Wall-clock milliseconds per stage of <see cref="OnDevicePredictor.Predict"/>.</summary>
/// <param name="GhnMs">Graph build + GHN forward + decode/tile/normalize (the float network).</param>
/// <param name="CalibrateMs">BN statistics and activation ranges over the calibration images.</param>
/// <param name="QuantizeMs">Folding, scales, codes, multipliers and int32 biases.</param>
/// <param name="PackMs">Packing the codes into the file layout (4-bit lanes, 2-bit planes).</param>
public sealed record PredictionTimings(double GhnMs, double CalibrateMs, double QuantizeMs, double PackMs)
{
    /// <summary>Sum of the stages.</summary>
    public double TotalMs => GhnMs + CalibrateMs + QuantizeMs + PackMs;
}
