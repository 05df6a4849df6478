// Every Vulkan kernel against CpuReference over shape families (design §9, ncnn style): channel counts 1, 3, 13, 64,
// 100; 1×1, 3×3 and 5×5; stride 2; padding; dilation; depthwise and grouped; widths that are not multiples of 8 or
// 32; batches of 1 and 7; every bit width. Bit-exact codes at every tensor and identical logits, validation on.
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanOpParityTests
{
    // cin, cout, k, stride, groups, dilation, side, scheme, batch
    [TestCase(1, 3, 3, 1, 1, 1, 9, "w8a8", 1)]
    [TestCase(3, 13, 5, 2, 1, 1, 11, "w4a4", 7)]
    [TestCase(13, 13, 3, 1, 13, 1, 9, "w2a2", 7)]
    [TestCase(64, 64, 5, 2, 64, 1, 7, "w4a8", 1)]
    [TestCase(100, 64, 1, 1, 1, 1, 5, "w2a2", 7)]
    [TestCase(64, 100, 3, 2, 1, 2, 9, "w8a8", 1)]
    [TestCase(13, 100, 5, 1, 1, 1, 7, "w4a4", 7)]
    [TestCase(6, 9, 3, 2, 3, 1, 11, "w2a2", 2)]
    [TestCase(33, 40, 3, 1, 1, 1, 6, "w2a2", 7)]
    [TestCase(3, 13, 3, 2, 1, 1, 10, "w8a4", 7)]
    [TestCase(13, 33, 3, 1, 1, 1, 5, "w4a2", 3)]
    public void Conv_ShapeFamily_BitExactWithCpuReference(int cin, int cout, int k, int stride, int groups, int dilation,
        int side, string scheme, int batch)
    {
        // The conv under test reads the unsigned output of a 1×1 conv + ReLU; the conv after it reads its signed
        // output; the stem reads the signed 8-bit image: all three input kinds in one net. Images have at most 64
        // channels (ArchSpec limit), so wider inputs come from the stem.
        var b = new ArchSpecBuilder("family", new ActivationShape(Math.Min(cin, 3), side, side), 3);
        string r = b.Relu("r0", b.Conv("c0", "input", cin, 1, bias: true));
        string c = b.Conv("c", r, cout, k, stride, groups, dilation, bias: true);
        string c2 = b.Conv("c2", c, 5, 3, bias: true);
        b.Linear("fc", b.Gap("g", c2), 3);
        var network = VulkanParity.Quantize(b.Build(), scheme, 1000 + cin + cout);

        VulkanTestContext.RunValidated(device => VulkanParity.AssertMatchesCpu(device, network, batch, 1001));
    }

    [TestCase("w8a8", 1)]
    [TestCase("w4a8", 7)]
    [TestCase("w4a4", 7)]
    [TestCase("w2a2", 1)]
    [TestCase("w2a2", 7)]
    public void EveryOp_PoolsAddsLinear_BitExactWithCpuReference(string scheme, int batch)
    {
        // Dilated conv + ReLU6, avg and max pool with padding, a 3-input add of mixed signedness, depthwise, a hidden
        // linear with ReLU, odd sizes (13 channels, 9×9).
        var b = new ArchSpecBuilder("every-op", new ActivationShape(2, 9, 9), 10);
        string stem = b.Relu6("stem_r", b.BatchNorm("stem_bn", b.Conv("stem", "input", 13, 3, dilation: 2)));
        string avg = b.AvgPool("avg", stem, 3, 2);
        string dw = b.Relu("dw_r", b.BatchNorm("dw_bn", b.Conv("dw", avg, 13, 3, groups: 13)));
        string pw = b.BatchNorm("pw_bn", b.Conv("pw", dw, 13, 1));
        string sum = b.Sum("sum", avg, dw, pw);
        string max = b.MaxPool("max", sum, 3, 2);
        string hidden = b.Relu("hidden_r", b.Linear("hidden", b.Gap("gap", max), 7));
        b.Linear("fc", hidden, 10);
        var network = VulkanParity.Quantize(b.Build(), scheme, 1100);

        VulkanTestContext.RunValidated(device => VulkanParity.AssertMatchesCpu(device, network, batch, 1101));
    }

    [TestCase("w4a4")]
    [TestCase("w2a2")]
    public void Pools_LargeChannelCountsAndSignedInput_BitExactWithCpuReference(string scheme)
    {
        // Pools straight after a conv without ReLU (signed codes), 100 channels (several 32-channel plane groups), 5×5 windows.
        var b = new ArchSpecBuilder("pools", new ActivationShape(3, 11, 11), 4);
        string c = b.Conv("c", "input", 100, 3, bias: true);
        string max = b.MaxPool("max", c, 5, 2);
        string avg = b.AvgPool("avg", max, 5, 1);
        b.Linear("fc", b.Gap("gap", avg), 4);
        var network = VulkanParity.Quantize(b.Build(), scheme, 1200);

        VulkanTestContext.RunValidated(device => VulkanParity.AssertMatchesCpu(device, network, 7, 1201));
    }
}
