// The deploy protocol (calibrate → fold → integer requantization via the runtime) against a hand computation.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.TargetNets;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Quantization;

public class DeployProtocolTests
{
    // input 1×1×2 → conv 1×1 (2 ch, bias) + ReLU → gap → linear 2 → 2. Values are exact binary fractions, so every
    // float pass is exact and the calibrated ranges are known: input 1.0, r1 0.75, g 0.4375.
    private static readonly float[] Images = [1.0f, -0.5f, 0.25f, 0.5f];
    private static readonly float[] ConvW = [0.5f, -1.0f], ConvB = [0.25f, 0.125f];
    private static readonly float[] FcW = [1f, -0.5f, 0.25f, 2f], FcB = [0.5f, -0.25f];

    [OneTimeSetUp]
    public void InitTorch() => TorchEnvironment.Initialize(threads: 1);

    private static ArchSpec Spec() => new("hand-2layer", new ActivationShape(1, 1, 2), 2,
    [
        ArchNode.Conv("c1", ArchNode.InputId, 2, 1, bias: true),
        ArchNode.Relu("r1", "c1"),
        ArchNode.GlobalAvgPool("g", "r1"),
        ArchNode.Linear("fc", "g", 2),
    ]);

    [Test]
    public void QuantizedLogits_HandComputedTwoLayerNetW4A4_EqualTheHandComputationBitForBit()
    {
        using var scope = NewDisposeScope();
        var p = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["c1.weight"] = tensor(ConvW, [2, 1, 1, 1]), ["c1.bias"] = tensor(ConvB),
            ["fc.weight"] = tensor(FcW, [2, 2]), ["fc.bias"] = tensor(FcB),
        };
        var deploy = new DeployEvaluator(Images, 2, Images, [0, 1]);
        var net = DeployEvaluator.ToFloatNetwork(Spec(), p);
        var calibration = deploy.Calibrate(net);
        Assert.That(calibration.Ranges["input"], Is.EqualTo(1.0f));
        Assert.That(calibration.Ranges["r1"], Is.EqualTo(0.75f));
        Assert.That(calibration.Ranges["g"], Is.EqualTo(0.4375f));

        var logits = deploy.QuantizedLogits(DeployEvaluator.Quantize(net, calibration, QuantScheme.W4A4), 2);
        var expected = HandLogits();
        TestContext.Out.WriteLine($"logits {string.Join(", ", logits)} | hand {string.Join(", ", expected)}");
        Assert.That(logits, Is.EqualTo(expected));
    }

    /// <summary>docs/quantization.md §4–§6 written out for this net with plain arithmetic (no runtime code).</summary>
    private static float[] HandLogits()
    {
        static int Clamp(float v, int lo, int hi) => (int)Math.Clamp(MathF.Round(v, MidpointRounding.ToEven), lo, hi);
        // Scales: input signed 8-bit (qmax 127), r1 unsigned 4-bit (15), g unsigned 8-bit classifier input (255).
        float sIn = (float)(1.0 / 127), sR = (float)(0.75 / 15), sG = (float)(0.4375 / 255);
        float inv = (float)(1.0 / sIn);
        // First conv: 8-bit weights, one per channel, so each is ±127 with s_w = |w| / 127.
        float[] sW = [(float)(0.5 / 127), (float)(1.0 / 127)];
        int[] qW = [127, -127];
        var bias = new float[2];
        var m = new float[2];
        for (int o = 0; o < 2; o++)
        {
            bias[o] = (float)(ConvB[o] / (double)sR);   // output-code units
            m[o] = (float)((double)sIn * sW[o] / sR);
        }
        // Classifier: 8-bit rows [1, −0.5] (s = 1/127) and [0.25, 2] (s = 2/127).
        float[] sFc = [(float)(1.0 / 127), (float)(2.0 / 127)];
        var qFc = new int[4];
        var bFc = new float[2];
        var mFc = new float[2];
        for (int c = 0; c < 2; c++)
        {
            for (int i = 0; i < 2; i++) qFc[(c * 2) + i] = (int)Math.Round(FcW[(c * 2) + i] / (double)sFc[c], MidpointRounding.ToEven);
            bFc[c] = FcB[c];   // logit units
            mFc[c] = (float)((double)sG * sFc[c]);
        }
        float mGap = (float)(sR / (2.0 * sG));
        var logits = new float[4];
        for (int n = 0; n < 2; n++)
        {
            int[] qx = [Clamp(Images[n * 2] * inv, -127, 127), Clamp(Images[(n * 2) + 1] * inv, -127, 127)];
            var qg = new int[2];
            for (int o = 0; o < 2; o++)
            {
                int sum = 0;
                foreach (int x in qx)
                {
                    float product = (float)(x * qW[o]) * m[o];
                    sum += Clamp(product + bias[o], 0, 15);
                }
                qg[o] = Clamp((float)sum * mGap, 0, 255);
            }
            for (int c = 0; c < 2; c++)
            {
                float product = (float)((qg[0] * qFc[c * 2]) + (qg[1] * qFc[(c * 2) + 1])) * mFc[c];
                logits[(n * 2) + c] = product + bFc[c];
            }
        }
        return logits;
    }

    [TestCase("w8a8")]
    [TestCase("w4a4")]
    [TestCase("w2a2")]
    public void DeploySimulation_ShallowBnNet_ReproducesTheRuntimesCodesUpToRoundingBoundaries(string schemeName)
    {
        using var scope = NewDisposeScope();
        var scheme = QuantScheme.Parse(schemeName);
        // Shallow on purpose: in deep random nets one-code differences (int32 bias rounding, float sums) compound.
        var spec = new ArchSpec("shallow-bn", new ActivationShape(1, 28, 28), 10,
        [
            ArchNode.Conv("c1", ArchNode.InputId, 8, 3), ArchNode.BatchNorm("b1", "c1"), ArchNode.Relu("r1", "b1"),
            ArchNode.Conv("c2", "r1", 12, 3, stride: 2), ArchNode.BatchNorm("b2", "c2"), ArchNode.Relu6("r2", "b2"),
            ArchNode.GlobalAvgPool("g", "r2"), ArchNode.Linear("fc", "g", 10),
        ]);
        var net = Runtime.Networks.KaimingInitializer.Create(spec, seed: 5);
        var data = Training.SyntheticImages.Create(64, seed: 11);
        var deploy = new DeployEvaluator(data, data, 64);
        var calibration = deploy.Calibrate(net);
        var quantized = DeployEvaluator.Quantize(net, calibration, scheme);
        var pixels = new float[64 * 784];
        data.Normalize(0, 64, pixels);
        var codes = new Runtime.Execution.Cpu.CpuReference(quantized).Run(pixels, 64, keepCodes: true).Codes;
        var scales = quantized.Tensors.ToDictionary(t => t.Id, t => t.Scale);
        var p = net.Parameters.ToDictionary(t => t.Name, t => tensor(net.Tensor(t.Name).ToArray(), t.Shape.Select(d => (long)d).ToArray()));
        var inner = DeploySimulation.Options(QuantPlan.Build(spec, scheme), calibration);
        var checkedIds = new List<string>();
        var options = inner with
        {
            Activation = (id, x, unsigned) =>
            {
                var y = inner.Activation!(id, x, unsigned);
                var sim = (y / scales[id]).round().data<float>().ToArray();
                var rt = codes[id];
                int equal = Enumerable.Range(0, rt.Length).Count(i => (int)sim[i] == rt[i]);
                int far = Enumerable.Range(0, rt.Length).Count(i => Math.Abs((int)sim[i] - rt[i]) > 1);
                TestContext.Out.WriteLine($"{schemeName} {id}: {equal}/{rt.Length} codes equal, {far} differ by more than one");
                // Conv outputs differ only where the float sum lands within the int32 bias's rounding (≤ M/2 of a step)
                // of a code boundary. The 8-bit gap averages 196 such codes, so it inherits their differences.
                if (id != "g")
                {
                    Assert.That(equal, Is.GreaterThanOrEqualTo(0.98 * rt.Length), id);
                    Assert.That(far, Is.Zero, id);
                }
                checkedIds.Add(id);
                return y;
            },
        };
        FunctionalNet.Forward(spec, p, tensor(pixels, [64, 1, 28, 28]), options);
        Assert.That(checkedIds, Is.EqualTo(new[] { "input", "r1", "r2", "g" }));
    }

    [Test]
    public void QuantizedAccuracy_SameNetTwiceAndOnTwoThreads_IsIdentical()
    {
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, seed: 4)[0];
        var net = Runtime.Networks.KaimingInitializer.Create(spec, seed: 2);
        var rng = new Runtime.Data.SplitMix64(8);
        var images = Enumerable.Range(0, 150 * 784).Select(_ => (rng.NextInt32(2001) - 1000) / 700f).ToArray();
        var labels = Enumerable.Range(0, 150).Select(i => (byte)(i % 10)).ToArray();
        var one = new DeployEvaluator(images[..(64 * 784)], 64, images, labels, parallelism: 1);
        var two = new DeployEvaluator(images[..(64 * 784)], 64, images, labels, parallelism: 2);
        var q = DeployEvaluator.Quantize(net, one.Calibrate(net), QuantScheme.W4A4);
        double a = one.QuantizedAccuracy(q), b = one.QuantizedAccuracy(q), c = two.QuantizedAccuracy(q);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.EqualTo(a));
        Assert.That(one.FloatAccuracy(net, one.Calibrate(net)), Is.EqualTo(two.FloatAccuracy(net, two.Calibrate(net))));
    }
}
