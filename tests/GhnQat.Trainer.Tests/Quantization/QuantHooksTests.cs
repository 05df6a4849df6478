// The QAT hooks quantize exactly what the runtime deploys: same tensors, widths, signedness and weight codes.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.TargetNets;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Quantization;

public class QuantHooksTests
{
    [OneTimeSetUp]
    public void InitTorch() => TorchEnvironment.Initialize(threads: 1);

    private static Dictionary<string, Tensor> Tensors(FloatNetwork net) => net.Parameters.ToDictionary(
        p => p.Name, p => tensor(net.Tensor(p.Name).ToArray(), p.Shape.Select(d => (long)d).ToArray()), StringComparer.Ordinal);

    private static float[] RandomImages(int count, ulong seed)
    {
        var rng = new Runtime.Data.SplitMix64(seed);
        return Enumerable.Range(0, count * 784).Select(_ => (rng.NextInt32(2001) - 1000) / 600f).ToArray();
    }

    [TestCase(ArchSplit.Id, "w4a4")]
    [TestCase(ArchSplit.Dense, "w2a2")]
    [TestCase(ArchSplit.BnFree, "w4a8")]
    public void Hooks_SampledNet_VisitExactlyThePlannedTensorsWithTheirWidthsAndSignedness(ArchSplit split, string schemeName)
    {
        using var scope = NewDisposeScope();
        var spec = ArchSpace.Sample(split, 1, seed: 21)[0];
        var plan = QuantPlan.Build(spec, QuantScheme.Parse(schemeName));
        var inner = QuantHooks.Create(plan, QuantMode.Sim, training: false);
        var seen = new List<string>();
        var options = inner with
        {
            Activation = (id, x, unsigned) =>
            {
                seen.Add(id);
                var y = inner.Activation!(id, x, unsigned);
                var t = plan.Tensor(id);
                Assert.That(unsigned, Is.EqualTo(!t.IsSigned), $"signedness of {id}");
                // Every fake-quantized value lies on its tensor's grid and in its code range (a small grid for 2-4 bits).
                Assert.That(y.unique().Item1.numel(), Is.LessThanOrEqualTo(QuantContract.QMax(t.Bits, t.IsSigned) - QuantContract.QMin(t.Bits, t.IsSigned) + 1), id);
                return y;
            },
        };
        var net = KaimingInitializer.Create(spec, seed: 3);
        FunctionalNet.Forward(spec, Tensors(net), tensor(RandomImages(8, 5), [8, 1, 28, 28]), options);
        Assert.That(seen, Is.EqualTo(plan.Tensors.Select(t => t.Id).ToList()));
    }

    [TestCase("w4a4")]
    [TestCase("w2a2")]
    [TestCase("w8a8")]
    public void WeightCodes_BnFreeNet_EqualTheDeployedCodesAndWidths(string schemeName)
    {
        using var scope = NewDisposeScope();
        var scheme = QuantScheme.Parse(schemeName);
        var spec = ArchSpace.Sample(ArchSplit.BnFree, 1, seed: 9)[0];
        var net = KaimingInitializer.Create(spec, seed: 4);
        var images = RandomImages(64, 6);
        var deployed = Quantizer.Quantize(net, Calibrator.Calibrate(net, images, 64), scheme);
        var bits = QuantHooks.WeightBits(QuantPlan.Build(spec, scheme));
        var tensors = Tensors(net);
        int layers = 0;
        foreach (var layer in deployed.Layers)
        {
            var (b, codes) = layer switch
            {
                QConvLayer c => (c.WeightBits, c.Weights),
                QLinearLayer l => (l.WeightBits, l.Weights),
                _ => (0, default),
            };
            if (b == 0) continue;
            layers++;
            string name = layer.Name + ".weight";
            Assert.That(bits[name], Is.EqualTo(b), name);
            var w = tensors[name];
            var mine = FakeQuant.WeightCodes(w, FakeQuant.WeightScale(w, b), b).data<double>().ToArray();
            Assert.That(mine.Select(v => (sbyte)v).ToArray(), Is.EqualTo(codes.ToArray()), name);
        }
        Assert.That(layers, Is.EqualTo(bits.Count));
    }

    [Test]
    public void Ghn2ProtocolAccuracy_SameQuantizedNetTwice_IsIdentical()
    {
        using var scope = NewDisposeScope();
        var spec = ArchSpace.Sample(ArchSplit.Id, 1, seed: 2)[0];
        var p = Tensors(KaimingInitializer.Create(spec, seed: 1));
        var data = Training.SyntheticImages.Create(200, seed: 4);
        using var evaluator = new NetEvaluator(data, 200);
        var plan = QuantPlan.Build(spec, QuantScheme.W2A2);
        double a = evaluator.Accuracy(spec, p, () => QuantHooks.Create(plan, QuantMode.Noise, training: false));
        double b = evaluator.Accuracy(spec, p, () => QuantHooks.Create(plan, QuantMode.Sim, training: false));
        double c = evaluator.Accuracy(spec, p, () => QuantHooks.Create(plan, QuantMode.Sim, training: false));
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.EqualTo(a));
    }
}
