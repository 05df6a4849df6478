// The trainer's float simulation of the deployed net: calibrated BN (frozen) and calibrated ranges, fake quantization.
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.TargetNets;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Quantization;

/// <summary>
/// Options that make <see cref="FunctionalNet"/> simulate the deployed integer net in float (design §4's "trainer's
/// float simulation of the deployed net"): BN frozen to the calibration's statistics and every tensor quantized
/// with its calibrated range. Not bit-exact (biases stay float, requantization is rounded from float products);
/// the deploy protocol runs the runtime itself for the exact number.
/// </summary>
public static class DeploySimulation
{
    /// <summary>Options for <paramref name="plan"/>'s net calibrated by <paramref name="calibration"/>; tensors live in the caller's scope.</summary>
    public static TargetNetOptions Options(QuantPlan plan, CalibrationResult calibration, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(calibration);
        var bn = calibration.BatchNorm.ToDictionary(kv => kv.Key,
            kv => (tensor(kv.Value.Mean.ToArray(), device: device), tensor(kv.Value.Variance.ToArray(), device: device)), StringComparer.Ordinal);
        return QuantHooks.Create(plan, QuantMode.Sim, training: false, bnStatistics: bn, fixedRanges: calibration.Ranges);
    }
}
