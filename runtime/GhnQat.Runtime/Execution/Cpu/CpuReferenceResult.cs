// What one CpuReference run returns: float logits and, when asked, the integer codes of every quantized tensor.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Result of <see cref="CpuReference.Run"/>. Arrays belong to the caller.</summary>
public sealed class CpuReferenceResult
{
    internal CpuReferenceResult(int count, int classes, float[] logits, IReadOnlyDictionary<string, int[]> codes)
    {
        Count = count;
        Classes = classes;
        Logits = logits;
        Codes = codes;
    }

    /// <summary>Images in the batch.</summary>
    public int Count { get; }
    /// <summary>Classes per image.</summary>
    public int Classes { get; }
    /// <summary>Logits, layout [Count, Classes].</summary>
    public float[] Logits { get; }
    /// <summary>
    /// Codes of every quantized tensor by id ("input" included), layout [Count, C, H, W] (or [Count, C]), when the
    /// run was asked to keep them; empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, int[]> Codes { get; }

    /// <summary>The predicted class of each image (first maximum on ties).</summary>
    public int[] ArgMax()
    {
        var result = new int[Count];
        for (int i = 0; i < Count; i++)
            result[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(Logits.AsSpan(i * Classes, Classes));
        return result;
    }
}
