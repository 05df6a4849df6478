// Which net deploy-time calibration measures: the one that will run (default) or the float one.
namespace GhnQat.Runtime.Calibration;

/// <summary>How <see cref="Calibrator.CalibrateForDeployment"/> measures BN statistics and activation ranges (docs/quantization.md §4).</summary>
public enum CalibrationMode
{
    /// <summary>
    /// The net as it will run: weights quantized by the scheme, every quantized tensor on its batch's grid, BN with
    /// batch statistics — the GHN-QAT evaluation forward (<see cref="Calibrator.CalibrateFor"/>). The default.
    /// </summary>
    QuantizationAware,

    /// <summary>The float net (<see cref="Calibrator.Calibrate(Networks.FloatNetwork, ReadOnlyMemory{float}, int, int, int)"/>): the contract before 2026-11-26.</summary>
    FloatNet,
}
