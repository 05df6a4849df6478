// Hand-drawn nets shared by the ArchSpec and ArchGraph tests; their counts are worked out in the tests by hand.
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Tests.Architectures;

/// <summary>Small nets whose graphs, shapes and parameter counts are known exactly.</summary>
internal static class TestNets
{
    public static readonly ActivationShape Mnist = new(1, 28, 28);

    /// <summary>conv-bn-relu, then a 2-conv residual block with the skip from the first relu; 1362 parameters.</summary>
    public static ArchSpec Residual()
    {
        var b = new ArchSpecBuilder("residual", Mnist, 10);
        string r1 = b.Relu("r1", b.BatchNorm("b1", b.Conv("c1", "input", 8, 3)));
        string r2 = b.Relu("r2", b.BatchNorm("b2", b.Conv("c2", r1, 8, 3)));
        string b3 = b.BatchNorm("b3", b.Conv("c3", r2, 8, 3));
        string r3 = b.Relu("r3", b.Sum("a", b3, r1));
        b.Linear("fc", b.Gap("g", r3), 10);
        return b.Build();
    }

    /// <summary>Stem, an inverted residual (expand 4, dw 3×3) with skip, max pool, classifier without bias; 3248 parameters.</summary>
    public static ArchSpec InvertedResidual()
    {
        var b = new ArchSpecBuilder("inverted-residual", Mnist, 10);
        string stem = b.Relu6("stem_r", b.BatchNorm("stem_bn", b.Conv("stem", "input", 16, 3)));
        string e = b.Relu6("exp_r", b.BatchNorm("exp_bn", b.Conv("exp", stem, 64, 1)));
        string d = b.Relu6("dw_r", b.BatchNorm("dw_bn", b.Conv("dw", e, 64, 3, groups: 64)));
        string p = b.BatchNorm("proj_bn", b.Conv("proj", d, 16, 1));
        string a = b.Sum("add", stem, p);
        b.Linear("fc", b.Gap("gap", b.MaxPool("pool", a, 2, 2)), 10, bias: false);
        return b.Build();
    }

    /// <summary>A BN-free chain: conv+bias, relu, avg pool, strided conv+bias, relu, gap, linear; 1418 parameters.</summary>
    public static ArchSpec BnFree()
    {
        var b = new ArchSpecBuilder("bnfree", Mnist, 10);
        string x = b.Relu("r1", b.Conv("c1", "input", 8, 3, bias: true));
        x = b.AvgPool("p", x, 3, 2);
        x = b.Relu("r2", b.Conv("c2", x, 16, 3, stride: 2, bias: true));
        b.Linear("fc", b.Gap("g", x), 10);
        return b.Build();
    }
}
