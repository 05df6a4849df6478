// CpuReference: quantizes the float image to signed codes, codes = clamp(roundEven(x × invScale), −qmax, qmax).
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Input quantization of the contract (one float32 multiply per pixel, then round half to even).</summary>
internal static class QInputKernel
{
    public static void Run(ReadOnlySpan<float> images, float inverseScale, int qmax, Span<int> codes)
    {
        for (int i = 0; i < images.Length; i++) codes[i] = QuantContract.QuantizeInput(images[i], inverseScale, qmax);
    }
}
