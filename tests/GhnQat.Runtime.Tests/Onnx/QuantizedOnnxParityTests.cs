// Integer export: ORT running the exported graph reproduces the CPU reference's codes at every tensor and its
// logits bit for bit, over sampled nets × the four standard schemes; plus the parity report's own behaviour.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GhnQat.Runtime.Tests.Onnx;

public class QuantizedOnnxParityTests
{
    private const int Batch = 3;

    [TestCase(ArchSplit.Id, 101UL)]
    [TestCase(ArchSplit.BnFree, 102UL)]
    [TestCase(ArchSplit.Dense, 103UL)]
    public void Oracle_SampledNetsEveryScheme_EqualsCpuReferenceExactly(ArchSplit split, ulong seed)
    {
        foreach (var spec in ArchSpace.Sample(split, 2, seed))
            AssertExactForEveryScheme(TestWeights.Kaiming(spec, seed), seed);
    }

    [Test]
    public void Oracle_HandBuiltNetEveryScheme_EqualsCpuReferenceExactly()
    {
        AssertExactForEveryScheme(TestWeights.Kaiming(OnnxTestNets.AllOps(), 111), 111);
    }

    [Test]
    public void Export_Tensors_AreOutputsWithTheirSignednessAsElementType()
    {
        var q = Quantize(OnnxTestNets.AllOps(), QuantScheme.W4A4, 121, out var images);
        using var oracle = new OrtOracle(q);

        var result = oracle.Run(images, Batch);

        foreach (var t in q.Tensors)
        {
            var codes = result.Codes(t.Id);
            Assert.That(codes.ElementType, Is.EqualTo(t.IsSigned ? TensorElementType.Int8 : TensorElementType.UInt8), t.Id);
            Assert.That(codes.Length, Is.EqualTo(Batch * t.Shape.ElementCount), t.Id);
        }
        Assert.That(q.Tensors.Select(t => t.IsSigned).Distinct().Count(), Is.EqualTo(2), "the net must have signed and unsigned tensors");
    }

    [Test]
    public void Compare_OneCodeAndOneLogitChanged_ReportsExactlyThose()
    {
        var q = Quantize(OnnxTestNets.AllOps(), QuantScheme.W8A8, 131, out var images);
        using var oracle = new OrtOracle(q);
        var ort = oracle.Run(images, Batch);
        var cpu = new CpuReference(q).Run(images, Batch, keepCodes: true);
        var shape = q.Tensor("sum").Shape;
        int at = (int)shape.ElementCount + 2 * shape.Height * shape.Width + shape.Width + 3; // n=1 c=2 y=1 x=3
        cpu.Codes["sum"][at] += 1;
        cpu.Logits[4] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(cpu.Logits[4]) ^ 1);

        var report = OrtParity.Compare(q, ort, cpu, imageOffset: 10);

        Assert.That(report.Mismatches, Is.EqualTo(2));
        Assert.That(report.FirstDivergence!.TensorId, Is.EqualTo("sum"));
        Assert.That(report.FirstDivergence.FirstMismatches.Single().Position, Is.EqualTo("n=11 c=2 y=1 x=3"));
        Assert.That(report.Tensors[^1].TensorId, Is.EqualTo(OnnxNames.Logits));
        Assert.That(report.Tensors[^1].FirstMismatches.Single().Position, Is.EqualTo("n=10 c=4"));
        Assert.That(report.ToText(), Does.Contain("MISMATCH: 2 of"));
    }

    [Test]
    public void Merge_TwoBatches_AddsCountsAndKeepsEarlierExamplesFirst()
    {
        TensorParity Layer(long compared, long bad, string position) =>
            new("t", compared, bad, bad, bad == 0 ? [] : [new ParityMismatch(0, position, 1, 2)]);
        var first = new ParityReport([Layer(10, 1, "n=0 c=0 y=0 x=0")]);
        var second = new ParityReport([Layer(10, 1, "n=3 c=0 y=0 x=0")]);

        var merged = first.Merge(second, maxExamples: 1);

        Assert.That(merged.Compared, Is.EqualTo(20));
        Assert.That(merged.Mismatches, Is.EqualTo(2));
        Assert.That(merged.Tensors[0].FirstMismatches.Single().Position, Is.EqualTo("n=0 c=0 y=0 x=0"));
    }

    private static void AssertExactForEveryScheme(FloatNetwork net, ulong seed)
    {
        var calibration = Calibrator.Calibrate(net, TestWeights.Images(net.Spec, 16, seed + 1), 16, batchSize: 8);
        var images = TestImages(net.Spec, seed + 2);
        foreach (var scheme in QuantScheme.Standard)
        {
            var q = Quantizer.Quantize(net, calibration, scheme);
            var cpu = new CpuReference(q).Run(images, Batch, keepCodes: true);
            using var oracle = new OrtOracle(q);

            var report = OrtParity.Compare(q, oracle.Run(images, Batch), cpu);

            string context = $"{net.Spec.Name} {scheme.Name}";
            Assert.That(report.IsExact, $"{context}\n{report.ToText()}");
            Assert.That(report.Tensors, Has.Count.EqualTo(q.Tensors.Count + 1), context);
            // Guard against a vacuous pass: most tensors must carry information.
            int informative = q.Tensors.Count(t => cpu.Codes[t.Id].Distinct().Count() > 1);
            Assert.That(informative, Is.GreaterThan(q.Tensors.Count / 2), $"{context}: only {informative} tensors have more than one code value");
            TestContext.Out.WriteLine($"{context}: {report.Tensors.Count} tensors, {report.Compared} elements, {report.Mismatches} mismatches");
        }
    }

    private static QuantizedNetwork Quantize(ArchSpec spec, QuantScheme scheme, ulong seed, out float[] images)
    {
        var net = TestWeights.Kaiming(spec, seed);
        var calibration = Calibrator.Calibrate(net, TestWeights.Images(spec, 8, seed + 1), 8);
        images = TestImages(spec, seed + 2);
        return Quantizer.Quantize(net, calibration, scheme);
    }

    // ×1.5 beyond the calibration images' range, so input and activation clamps are exercised too.
    private static float[] TestImages(ArchSpec spec, ulong seed) =>
        TestWeights.Images(spec, Batch, seed).Select(v => 1.5f * v).ToArray();
}
