// The operations an ArchSpec node may name; JSON spellings are in ArchOps.
namespace GhnQat.Runtime.Architectures;

/// <summary>One operation of an <see cref="ArchSpec"/> node.</summary>
public enum ArchOp
{
    /// <summary>2-D convolution with same padding <c>dilation·(k−1)/2</c> (JSON <c>"conv"</c>).</summary>
    Conv = 1,
    /// <summary>Batch normalization with learned γ and β (JSON <c>"bn"</c>).</summary>
    BatchNorm = 2,
    /// <summary>max(0, x) (JSON <c>"relu"</c>).</summary>
    Relu = 3,
    /// <summary>min(max(0, x), 6) (JSON <c>"relu6"</c>).</summary>
    Relu6 = 4,
    /// <summary>Element-wise sum of two or more tensors of one shape (JSON <c>"add"</c>).</summary>
    Add = 5,
    /// <summary>Max pooling with padding <c>(k−1)/2</c> (JSON <c>"maxpool"</c>).</summary>
    MaxPool = 6,
    /// <summary>Average pooling with padding <c>(k−1)/2</c>, divisor k·k (JSON <c>"avgpool"</c>).</summary>
    AvgPool = 7,
    /// <summary>Global average pooling to a C-vector (JSON <c>"gap"</c>).</summary>
    GlobalAvgPool = 8,
    /// <summary>Fully connected layer on a vector (JSON <c>"linear"</c>).</summary>
    Linear = 9,
}
