// CpuReference on sampled nets of every split and on conv shape families: every layer against an independent double
// model of the contract, and W8A8 logits against the float net.
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Cpu;

[TestFixture]
public sealed class CpuReferenceTests
{
    // The cheapest of a few sampled nets keeps WIDE and DEEP affordable in a unit test.
    private static ArchSpec SmallestOf(ArchSplit split, ulong seed) => ArchSpace.Sample(split, 12, seed).MinBy(s => s.Macs)!;

    private static (FloatNetwork Net, CalibrationResult Calibration) Calibrated(ArchSpec spec, int seed)
    {
        var net = TestFloatNets.RandomWithBiases(spec, seed);
        return (net, Calibrator.Calibrate(net, TestFloatNets.Images(spec.Input, 8, seed + 1), 8, batchSize: 4));
    }

    [TestCase(ArchSplit.Id, "w8a8", 2)]
    [TestCase(ArchSplit.Id, "w2a2", 2)]
    [TestCase(ArchSplit.Wide, "w4a4", 1)]
    [TestCase(ArchSplit.Deep, "w2a2", 1)]
    [TestCase(ArchSplit.Deep, "w8a8", 1)]
    [TestCase(ArchSplit.Dense, "w4a8", 2)]
    [TestCase(ArchSplit.BnFree, "w4a4", 2)]
    public void Run_SampledNet_EveryLayerMatchesTheContractModel(ArchSplit split, string scheme, int images)
    {
        var spec = SmallestOf(split, 11);
        var (net, cal) = Calibrated(spec, 800 + (int)split);
        var q = Quantizer.Quantize(net, cal, QuantScheme.Parse(scheme));

        AssertEveryLayerMatchesModel(q, TestFloatNets.Images(spec.Input, images, 900));
    }

    [TestCase(13, 7, 3, 1, 1, 1, 9, "w4a4")]
    [TestCase(8, 8, 5, 2, 8, 1, 9, "w4a4")]
    [TestCase(6, 9, 3, 2, 3, 2, 11, "w2a2")]
    [TestCase(16, 5, 1, 1, 1, 1, 7, "w8a8")]
    [TestCase(3, 17, 3, 2, 1, 1, 1, "w4a8")]
    [TestCase(5, 5, 5, 1, 5, 3, 6, "w2a2")]
    public void Run_ConvShapeFamily_MatchesTheContractModel(int cin, int cout, int k, int stride, int groups, int dilation,
        int side, string scheme)
    {
        // A 1×1 conv + ReLU first, so the conv under test reads an unsigned low-bit tensor, not the 8-bit image.
        var b = new ArchSpecBuilder("family", new ActivationShape(cin, side, side), 3);
        string r = b.Relu("r0", b.Conv("c0", "input", cin, 1, bias: true));
        string c = b.Conv("c", r, cout, k, stride, groups, dilation, bias: true);
        b.Linear("fc", b.Gap("g", c), 3);
        var (net, cal) = Calibrated(b.Build(), 1000 + cin);
        var q = Quantizer.Quantize(net, cal, QuantScheme.Parse(scheme));

        AssertEveryLayerMatchesModel(q, TestFloatNets.Images(q.Spec.Input, 2, 1001));
    }

    [TestCase("w8a8")]
    [TestCase("w4a4")]
    [TestCase("w2a2")]
    public void Run_NetWithEveryOp_MatchesTheContractModel(string scheme)
    {
        // Dilated conv + ReLU6, avg pool and max pool with padding, a 3-input add, a hidden linear with ReLU.
        var b = new ArchSpecBuilder("every-op", new ActivationShape(2, 9, 9), 10);
        string stem = b.Relu6("stem_r", b.BatchNorm("stem_bn", b.Conv("stem", "input", 6, 3, dilation: 2)));
        string avg = b.AvgPool("avg", stem, 3, 2);
        string dw = b.Relu("dw_r", b.BatchNorm("dw_bn", b.Conv("dw", avg, 6, 3, groups: 6)));
        string pw = b.BatchNorm("pw_bn", b.Conv("pw", dw, 6, 1));
        string sum = b.Sum("sum", avg, dw, pw);
        string max = b.MaxPool("max", sum, 3, 2);
        string hidden = b.Relu("hidden_r", b.Linear("hidden", b.Gap("gap", max), 7));
        b.Linear("fc", hidden, 10);
        var (net, cal) = Calibrated(b.Build(), 1100);
        var q = Quantizer.Quantize(net, cal, QuantScheme.Parse(scheme));

        Assert.That(q.Layers.Select(l => l.GetType().Name).Distinct(), Has.Exactly(6).Items);
        AssertEveryLayerMatchesModel(q, TestFloatNets.Images(q.Spec.Input, 2, 1101));
    }

    [TestCase(ArchSplit.Id, 3)]
    [TestCase(ArchSplit.Dense, 4)]
    [TestCase(ArchSplit.BnFree, 5)]
    public void Run_SmallNetW8A8_LogitsTrackTheFloatNet(ArchSplit split, int seed)
    {
        var spec = SmallestOf(split, (ulong)seed);
        var net = KaimingInitializer.Create(spec, (ulong)seed);
        float[] images = TestFloatNets.Images(spec.Input, 48, seed);
        var cal = Calibrator.Calibrate(net, images.AsMemory(0, 32 * 784), 32, batchSize: 16);
        var test = images.AsSpan(32 * 784, 16 * 784);
        var reference = new FloatExecutor(net).Forward(test, 16, cal.BatchNorm).Logits;

        var w8 = new CpuReference(Quantizer.Quantize(net, cal, QuantScheme.W8A8)).Run(test, 16).Logits;
        var w2 = new CpuReference(Quantizer.Quantize(net, cal, QuantScheme.W2A2)).Run(test, 16).Logits;

        // Logits minus their mean over the batch: what distinguishes images (random nets share a large common part).
        var (f, e8, e2) = (Centered(reference), Centered(w8), Centered(w2));
        double error8 = Distance(e8, f) / Norm(f), error2 = Distance(e2, f) / Norm(f);
        int agree = Enumerable.Range(0, 16).Count(n => ArgMax(e8, n) == ArgMax(f, n));
        Assert.That(error8, Is.LessThan(0.35), "W8A8 relative error of centred logits");
        Assert.That(agree, Is.GreaterThanOrEqualTo(12), "images where W8A8 and float pick the same centred-logit class");
        Assert.That(error2, Is.GreaterThan(error8), "W2A2 should be further from the float net than W8A8");
    }

    [Test]
    public void Run_WrongFloatCount_ThrowsInvalidArgument()
    {
        var spec = SmallestOf(ArchSplit.Id, 1);
        var (net, cal) = Calibrated(spec, 12);
        var reference = new CpuReference(Quantizer.Quantize(net, cal, QuantScheme.W8A8));

        var e = Assert.Throws<GhnQatException>(() => reference.Run(new float[783], 1));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    private static void AssertEveryLayerMatchesModel(QuantizedNetwork q, float[] images)
    {
        int count = images.Length / (int)q.Spec.Input.ElementCount;
        var run = new CpuReference(q).Run(images, count, keepCodes: true);
        var problems = new List<string>();
        for (int n = 0; n < count; n++)
        {
            int[] Image(string id)
            {
                int size = (int)q.Tensor(id).Shape.ElementCount;
                return run.Codes[id].AsSpan(n * size, size).ToArray();
            }
            var input = q.Input;
            problems.AddRange(ContractModel.Mismatches("input",
                ContractModel.Input(q, images.AsSpan(n * (int)input.Shape.ElementCount, (int)input.Shape.ElementCount)),
                Image("input"), input.Lo, input.Hi));
            foreach (var layer in q.Layers)
            {
                var model = ContractModel.Layer(q, layer, Image);
                if (layer is QLinearLayer fc)
                {
                    for (int c = 0; c < fc.OutFeatures; c++)
                    {
                        float logit = run.Logits[(n * fc.OutFeatures) + c];
                        if (Math.Abs(logit - model[c]) > 1e-5 * (1 + Math.Abs(model[c]))) problems.Add($"logit {c}: {logit} vs model {model[c]}");
                    }
                    continue;
                }
                var output = q.Tensor(layer.OutputId);
                problems.AddRange(ContractModel.Mismatches($"image {n} {layer.GetType().Name} '{layer.OutputId}'", model,
                    Image(layer.OutputId), output.Lo, output.Hi));
            }
        }
        Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(10)));
    }

    private static float[] Centered(float[] logits)
    {
        var r = (float[])logits.Clone();
        int classes = 10, n = logits.Length / classes;
        for (int c = 0; c < classes; c++)
        {
            double mean = Enumerable.Range(0, n).Average(i => logits[(i * classes) + c]);
            for (int i = 0; i < n; i++) r[(i * classes) + c] -= (float)mean;
        }
        return r;
    }

    private static double Norm(float[] a) => Math.Sqrt(a.Sum(v => (double)v * v));

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));

    private static int ArgMax(float[] logits, int image) => TensorPrimitives.IndexOfMax(logits.AsSpan(image * 10, 10));
}
