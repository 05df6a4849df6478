// Which net the deploy protocol measures its BN statistics and activation ranges on.
namespace GhnQat.Trainer.Evaluation;

/// <summary>The net calibration runs (eval-qat --calibrate-on).</summary>
public enum CalibrationNet
{
    /// <summary>The float net: the runtime's contract before 2026-11-26 (<c>CalibrationMode.FloatNet</c>).</summary>
    FloatNet,

    /// <summary>The net with its weights quantized as deployed, activations float.</summary>
    QuantizedWeights,

    /// <summary>The net as deployed, measured as QAT trains (<c>Calibrator.CalibrateFor</c>): the runtime's contract.</summary>
    Quantized,
}
