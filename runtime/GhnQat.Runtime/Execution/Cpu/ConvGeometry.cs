// Shape arithmetic of a 2-D conv (same padding, stride, dilation, groups), shared by the float and integer kernels.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// Geometry of a conv. Layouts: input C×H×W, weights (out, in/groups, k, k), output
/// out×Ho×Wo, all row-major; padding cells read as 0.
/// </summary>
internal sealed record ConvGeometry(int InChannels, int Height, int Width, int OutChannels, int Kernel, int Stride,
    int Padding, int Dilation, int Groups)
{
    public int OutHeight => ((Height + (2 * Padding) - (Dilation * (Kernel - 1)) - 1) / Stride) + 1;
    public int OutWidth => ((Width + (2 * Padding) - (Dilation * (Kernel - 1)) - 1) / Stride) + 1;
    /// <summary>Length of one im2col column block: (in/groups)·k·k.</summary>
    public int Reduction => InChannels / Groups * Kernel * Kernel;
    /// <summary>Whether the conv reads the input directly as its column matrix (1×1, stride 1, no padding).</summary>
    public bool IsPointwise => Kernel == 1 && Stride == 1 && Padding == 0;

    /// <summary>Output columns [first, end) whose input column x·stride + x0 lies inside [0, width).</summary>
    public static (int First, int End) ValidColumns(int x0, int stride, int width, int outWidth)
    {
        int first = x0 >= 0 ? 0 : (-x0 + stride - 1) / stride;
        int end = width - x0 <= 0 ? 0 : Math.Min(outWidth, ((width - 1 - x0) / stride) + 1);
        return (Math.Min(first, end), end);
    }
}
