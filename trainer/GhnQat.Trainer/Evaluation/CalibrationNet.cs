// Which net the deploy protocol measures its BN statistics and activation ranges on.
namespace GhnQat.Trainer.Evaluation;

/// <summary>The net calibration runs (eval-qat --calibrate-on).</summary>
public enum CalibrationNet
{
    /// <summary>The float net: the runtime's contract.</summary>
    FloatNet,

    /// <summary>The net with its weights quantized as deployed, activations float.</summary>
    QuantizedWeights,

    /// <summary>Weights quantized and every quantized activation snapped to its deployed grid (two passes).</summary>
    Quantized,
}
