// A hand-built net that exercises every op and attribute the exporters handle, and is deployable as integers.
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Tests.Onnx;

/// <summary>Nets for the ONNX tests beyond what <see cref="ArchSpace"/> samples (dilation, a 3-input add, a hidden linear).</summary>
internal static class OnnxTestNets
{
    /// <summary>
    /// 13 channels throughout: k5 stem with bias + ReLU6; 3×3/2 max pool (unsigned); a dilated conv + BN (signed)
    /// and a 1×1 conv + BN + ReLU; a 3-input add (signed); 2×2 max pool and 3×3/1 average pool of signed codes;
    /// add + ReLU; 2×2 average pool; strided depthwise conv with bias + ReLU6; gap; hidden linear + ReLU (a 1×1
    /// conv on a vector once quantized); bias-free classifier.
    /// </summary>
    public static ArchSpec AllOps()
    {
        var b = new ArchSpecBuilder("all-ops", new ActivationShape(1, 28, 28), 10);
        string x = b.MaxPool("mp", b.Relu6("r0", b.Conv("c0", "input", 13, 5, bias: true)), 3, 2);
        string y = b.BatchNorm("bn", b.Conv("cd", x, 13, 3, dilation: 2));
        string z = b.Relu("rz", b.BatchNorm("bz", b.Conv("cz", x, 13, 1)));
        string signedPool = b.MaxPool("ms", b.Sum("sum", x, y, z), 2, 2);
        string r = b.Relu("ra", b.Sum("sum2", b.AvgPool("as", signedPool, 3, 1), signedPool));
        string dw = b.Relu6("rdw", b.Conv("dw", b.AvgPool("ap", r, 2, 2), 13, 3, stride: 2, groups: 13, bias: true));
        string h = b.Relu("hr", b.Linear("h", b.Gap("g", dw), 24));
        b.Linear("fc", h, 10, bias: false);
        return b.Build();
    }
}
