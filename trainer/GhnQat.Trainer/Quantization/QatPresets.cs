// Finetuning presets: the float presets with QAT switched on, a 10× lower learning rate and a finetune-sized step count.
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Training;

namespace GhnQat.Trainer.Quantization;

/// <summary>
/// GHN-QAT finetuning configs (docs/qat.md). The loop, pool, batch sizes, augmentation, clipping and decay
/// schedule are the float preset's; the learning rate is a tenth of it (the float GHN is already converged, and
/// the quantizers only perturb its predictions — a float-sized lr first undoes what it learned), and the step
/// count fits the small preset into an hour on two cores.
/// </summary>
public static class QatPresets
{
    /// <summary>
    /// Steps of a small-preset finetune: measured 1.66 s/step (SimQuant W4A4) and 1.93 s/step (NoiseQuant W2A2)
    /// with one torch thread at nice 19 on the 2-core VM under a load average of ≈ 5.5, so ≤ 60 min (docs/qat.md).
    /// </summary>
    public const int SmallSteps = 1800;

    /// <summary>The finetune config of <paramref name="preset"/> for a GHN of <paramref name="ghn"/>'s sizes.</summary>
    public static TrainConfig Finetune(string preset, GhnConfig ghn, QuantMode mode, QuantScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(ghn);
        ArgumentNullException.ThrowIfNull(scheme);
        var c = TrainConfig.FromPreset(preset);
        return (c with
        {
            Preset = c.Preset + "-qat",
            Ghn = ghn,
            Steps = c.Preset == "small" ? SmallSteps : c.Steps,
            LearningRate = c.LearningRate / 10,
            Quant = QuantModes.Name(mode),
            Scheme = scheme.Name,
        }).Validate();
    }
}
