// The float executor against hand-computed tiny nets (conv stride/padding/groups, pools, gap, add, BN, linear) and
// against naive loops over conv shape families.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Cpu;

[TestFixture]
public sealed class FloatExecutorTests
{
    private static readonly float[] OneToNine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    // input → body(builder) → gap → fc(2); returns the spec.
    private static ArchSpec Net(ActivationShape input, Func<ArchSpecBuilder, string> body)
    {
        var b = new ArchSpecBuilder("tiny", input, 2);
        b.Linear("fc", b.Gap("g", body(b)), 2);
        return b.Build();
    }

    private static float[] Output(FloatNetwork net, float[] images, int count, string node,
        IReadOnlyDictionary<string, BatchNormStatistics>? stats = null) =>
        new FloatExecutor(net).Forward(images, count, stats, keepOutputs: true).Outputs[node];

    [Test]
    public void Forward_Conv3x3SamePadding_SumsEachNeighbourhood()
    {
        var spec = Net(new(1, 3, 3), b => b.Conv("c", "input", 1, 3));
        var net = TestFloatNets.Filled(spec, 1f);

        var y = Output(net, OneToNine, 1, "c");

        // Corners see 4 pixels, edges 6, the centre all 9 (zero padding).
        Assert.That(y, Is.EqualTo(new float[] { 12, 21, 16, 27, 45, 33, 24, 39, 28 }));
    }

    [Test]
    public void Forward_Conv1x1Stride2_ReadsEveryOtherPixel()
    {
        var spec = Net(new(1, 4, 4), b => b.Conv("c", "input", 1, 1, stride: 2, bias: true));
        var net = TestFloatNets.Filled(spec, 2f, new Dictionary<string, float[]> { ["c.bias"] = [0.5f] });
        float[] image = Enumerable.Range(0, 16).Select(v => (float)v).ToArray();

        var y = Output(net, image, 1, "c");

        Assert.That(y, Is.EqualTo(new[] { 0.5f, 4.5f, 16.5f, 20.5f }));
    }

    [Test]
    public void Forward_GroupedConv_KeepsGroupsApart()
    {
        var spec = Net(new(2, 1, 2), b => b.Conv("c", "input", 2, 1, groups: 2));
        var net = TestFloatNets.Filled(spec, 0f, new Dictionary<string, float[]> { ["c.weight"] = [3, 5] });

        var y = Output(net, [1, 2, 10, 20], 1, "c");

        Assert.That(y, Is.EqualTo(new float[] { 3, 6, 50, 100 }));
    }

    [TestCase(13, 7, 3, 1, 1, 1, 9)]
    [TestCase(8, 8, 5, 2, 8, 1, 9)]
    [TestCase(6, 9, 3, 2, 3, 2, 11)]
    [TestCase(16, 5, 1, 1, 1, 1, 7)]
    [TestCase(3, 17, 3, 2, 1, 1, 1)]
    public void Forward_ConvShapeFamilies_MatchNaiveLoops(int cin, int cout, int k, int stride, int groups, int dilation, int side)
    {
        var spec = Net(new(cin, side, side), b => b.Conv("c", "input", cout, k, stride, groups, dilation, bias: true));
        var net = TestFloatNets.RandomWithBiases(spec, 600 + cin);
        float[] images = TestFloatNets.Images(spec.Input, 2, 601);

        var y = Output(net, images, 2, "c");

        var expected = NaiveConv(net, spec.Node("c"), spec.Input, images, 2);
        Assert.That(y, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < y.Length; i++) Assert.That(y[i], Is.EqualTo(expected[i]).Within(1e-4 * (1 + Math.Abs(expected[i]))), $"element {i}");
    }

    [Test]
    public void Forward_MaxPoolK3_NeverSelectsPadding()
    {
        var spec = Net(new(1, 3, 3), b => b.MaxPool("p", "input", 3, 1));
        var net = TestFloatNets.Filled(spec, 1f);

        var y = Output(net, OneToNine.Select(v => -v).ToArray(), 1, "p");

        // All inputs are negative: a zero pad would win everywhere; −∞ padding picks the largest real neighbour.
        Assert.That(y, Is.EqualTo(new float[] { -1, -1, -2, -1, -1, -2, -4, -4, -5 }));
    }

    [Test]
    public void Forward_AvgPoolK3_DividesByNineIncludingPadding()
    {
        var spec = Net(new(1, 4, 4), b => b.AvgPool("p", "input", 3, 2));
        var net = TestFloatNets.Filled(spec, 1f);

        var y = Output(net, Enumerable.Repeat(1f, 16).ToArray(), 1, "p");

        // Output 2×2: windows centred at (0,0), (0,2), (2,0), (2,2) cover 4, 6, 6, 9 real pixels.
        Assert.That(y, Is.EqualTo(new[] { 4f / 9, 6f / 9, 6f / 9, 9f / 9 }).Within(1e-6));
    }

    [Test]
    public void Forward_Gap_AveragesEachChannel()
    {
        var spec = Net(new(2, 1, 2), b => "input");
        var net = TestFloatNets.Filled(spec, 1f);

        var y = Output(net, [1, 2, 10, 30], 1, "g");

        Assert.That(y, Is.EqualTo(new float[] { 1.5f, 20 }));
    }

    [Test]
    public void Forward_AddOfImageAndItsRelu_SumsElementwise()
    {
        var spec = Net(new(1, 1, 4), b => b.Sum("a", "input", b.Relu("r", "input")));
        var net = TestFloatNets.Filled(spec, 1f);

        var y = Output(net, [-2, -0.5f, 1, 3], 1, "a");

        Assert.That(y, Is.EqualTo(new float[] { -2, -0.5f, 2, 6 }));
    }

    [Test]
    public void Forward_Relu6_ClampsToZeroAndSix()
    {
        var spec = Net(new(1, 1, 4), b => b.Relu6("r", "input"));
        var net = TestFloatNets.Filled(spec, 1f);

        Assert.That(Output(net, [-1, 2, 6, 7.5f], 1, "r"), Is.EqualTo(new float[] { 0, 2, 6, 6 }));
    }

    [Test]
    public void Forward_BatchNormBatchMode_NormalizesWithBiasedBatchStatistics()
    {
        var spec = Net(new(1, 1, 2), b => b.BatchNorm("bn", "input"));
        var net = TestFloatNets.Filled(spec, 0f, new Dictionary<string, float[]> { ["bn.weight"] = [2], ["bn.bias"] = [1] });
        float[] images = [1, 3, 5, 7];   // two images of 2 pixels: mean 4, biased variance 5

        var result = new FloatExecutor(net).Forward(images, 2, keepOutputs: true);

        double inv = 1 / Math.Sqrt(5 + 1e-5);
        Assert.That(result.Outputs["bn"], Is.EqualTo(new[] { 1 - (6 * inv), 1 - (2 * inv), 1 + (2 * inv), 1 + (6 * inv) }).Within(1e-5));
        Assert.That(result.BatchStatistics["bn"].Mean.ToArray(), Is.EqualTo(new[] { 4f }));
        Assert.That(result.BatchStatistics["bn"].Variance.ToArray(), Is.EqualTo(new[] { 5f }));
    }

    [Test]
    public void Forward_BatchNormGivenStatistics_UsesThemAndReportsNone()
    {
        var spec = Net(new(1, 1, 2), b => b.BatchNorm("bn", "input"));
        var net = TestFloatNets.Filled(spec, 0f, new Dictionary<string, float[]> { ["bn.weight"] = [2], ["bn.bias"] = [1] });
        var stats = new Dictionary<string, BatchNormStatistics> { ["bn"] = new([1f], [4f]) };

        var result = new FloatExecutor(net).Forward([1, 3], 1, stats, keepOutputs: true);

        double inv = 1 / Math.Sqrt(4 + 1e-5);
        Assert.That(result.Outputs["bn"], Is.EqualTo(new[] { 1.0, 1 + (4 * inv) }).Within(1e-6));
        Assert.That(result.BatchStatistics, Is.Empty);
    }

    [Test]
    public void Forward_Classifier_ComputesWxPlusB()
    {
        var spec = Net(new(2, 1, 1), b => "input");
        var net = TestFloatNets.Filled(spec, 0f, new Dictionary<string, float[]> { ["fc.weight"] = [1, 2, -3, 4], ["fc.bias"] = [0.5f, -1] });

        var result = new FloatExecutor(net).Forward([10, 100], 1);

        Assert.That(result.Logits, Is.EqualTo(new[] { 210.5f, 369 }));
        Assert.That(result.ArgMax(), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void Forward_WrongFloatCount_ThrowsInvalidArgument()
    {
        var net = TestFloatNets.Filled(Net(new(1, 2, 2), b => "input"), 1f);

        var e = Assert.Throws<GhnQatException>(() => new FloatExecutor(net).Forward(new float[7], 2));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Forward_MissingBatchNormStatistics_ThrowsNamingTheNode()
    {
        var net = TestFloatNets.Filled(Net(new(1, 1, 2), b => b.BatchNorm("bn7", "input")), 1f);
        var none = new Dictionary<string, BatchNormStatistics>();

        var e = Assert.Throws<GhnQatException>(() => new FloatExecutor(net).Forward([1, 2], 1, none));

        Assert.That(e!.Message, Does.Contain("'bn7'"));
    }

    // Direct definition of a conv in double: the slow, obvious version of what the executor computes.
    private static float[] NaiveConv(FloatNetwork net, ArchNode c, ActivationShape s, float[] x, int count)
    {
        var w = net.Tensor(c.Id + ".weight").ToArray();
        var bias = net.Tensor(c.Id + ".bias").ToArray();
        int pad = c.Dilation * (c.Kernel - 1) / 2;
        int oh = ((s.Height + (2 * pad) - (c.Dilation * (c.Kernel - 1)) - 1) / c.Stride) + 1;
        int ow = ((s.Width + (2 * pad) - (c.Dilation * (c.Kernel - 1)) - 1) / c.Stride) + 1;
        int inG = s.Channels / c.Groups, outG = c.Out / c.Groups;
        var y = new float[count * c.Out * oh * ow];
        int i = 0;
        for (int n = 0; n < count; n++)
        for (int o = 0; o < c.Out; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double acc = bias[o];
            for (int ci = 0; ci < inG; ci++)
            for (int ky = 0; ky < c.Kernel; ky++)
            for (int kx = 0; kx < c.Kernel; kx++)
            {
                int iy = (oy * c.Stride) - pad + (ky * c.Dilation), ix = (ox * c.Stride) - pad + (kx * c.Dilation);
                if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                int channel = (o / outG * inG) + ci;
                acc += x[(((n * s.Channels) + channel) * s.Height * s.Width) + (iy * s.Width) + ix]
                       * w[(((((o * inG) + ci) * c.Kernel) + ky) * c.Kernel) + kx];
            }
            y[i++] = (float)acc;
        }
        return y;
    }
}
