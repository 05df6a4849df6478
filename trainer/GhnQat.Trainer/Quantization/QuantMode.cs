// How a QAT run puts quantization into the forward pass: not at all, SimQuant (fake quant), NoiseQuant, or both mixed.
namespace GhnQat.Trainer.Quantization;

/// <summary>Quantization in the training forward pass (docs/qat.md). Evaluation always quantizes for real.</summary>
public enum QuantMode
{
    /// <summary>Float training (GHN-2); "GHN-Q" when its predictions are quantized afterwards.</summary>
    None,
    /// <summary>SimQuant: fake quantization x + (q(x) − x).detach(), clipped straight-through gradient.</summary>
    Sim,
    /// <summary>NoiseQuant: U(−Δ/2, Δ/2) noise of one quantization step instead of rounding, clipped to the range.</summary>
    Noise,
    /// <summary>
    /// SimQuant for weights, NoiseQuant for activations: the real weight codes in the forward pass (straight-through
    /// gradient) with noisy activations, whose variance keeps batch-statistics BN's gain bounded — SimQuant on both
    /// at W2A2 makes the gradient overflow (docs/qat.md §3). Meant as a second W2A2 stage after NoiseQuant.
    /// </summary>
    Mixed,
}
