// Which float activation a quantized layer absorbed; the clamp [Lo, Hi] already implements it.
namespace GhnQat.Runtime.Quantization;

/// <summary>The activation fused into a conv or add layer (informative: the layer's clamp realizes it).</summary>
public enum QActivation
{
    /// <summary>No activation: the output is signed unless every input of an add is unsigned.</summary>
    None = 0,
    /// <summary>ReLU: Lo = 0, the output tensor is unsigned.</summary>
    Relu = 1,
    /// <summary>ReLU6: Lo = 0 and the calibrated range (≤ 6) puts the clamp at Hi = qmax.</summary>
    Relu6 = 2,
}
