// What one float forward pass returns: logits, optionally every node's output, and batch BN statistics.
using GhnQat.Runtime.Calibration;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Result of <see cref="FloatExecutor.Forward"/>. Arrays belong to the caller.</summary>
public sealed class FloatForwardResult
{
    internal FloatForwardResult(int count, int classes, float[] logits, IReadOnlyDictionary<string, float[]> outputs,
        IReadOnlyDictionary<string, BatchNormStatistics> batchStatistics)
    {
        Count = count;
        Classes = classes;
        Logits = logits;
        Outputs = outputs;
        BatchStatistics = batchStatistics;
    }

    /// <summary>Images in the batch.</summary>
    public int Count { get; }
    /// <summary>Classes per image.</summary>
    public int Classes { get; }
    /// <summary>Logits, layout [Count, Classes].</summary>
    public float[] Logits { get; }
    /// <summary>
    /// Every node's output by node id (layout [Count, C, H, W], or [Count, C] for vectors) when the pass was asked
    /// to keep them; empty otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, float[]> Outputs { get; }
    /// <summary>In batch-statistics mode, the statistics each BN normalized with (by BN id); empty otherwise.</summary>
    public IReadOnlyDictionary<string, BatchNormStatistics> BatchStatistics { get; }

    /// <summary>The predicted class of each image (first maximum on ties).</summary>
    public int[] ArgMax()
    {
        var result = new int[Count];
        for (int i = 0; i < Count; i++)
            result[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(Logits.AsSpan(i * Classes, Classes));
        return result;
    }
}
