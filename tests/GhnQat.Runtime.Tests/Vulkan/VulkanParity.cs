// The Vulkan-vs-CpuReference harness: run both on the same images, compare every tensor's codes and the logits
// bit for bit, and report the first mismatches (llm.c style) rather than one unreadable diff.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Vulkan;

/// <summary>Builds quantized test nets and checks a <see cref="VulkanWorker"/> against <see cref="CpuReference"/>.</summary>
internal static class VulkanParity
{
    /// <summary>The <paramref name="rank"/>-th cheapest (by MACs) of 8 sampled ID nets: small nets that keep CI fast.</summary>
    public static ArchSpec SmallIdNet(int rank) => ArchSpace.Sample(ArchSplit.Id, 8, 61).OrderBy(s => s.Macs).ElementAt(rank);

    /// <summary>Random weights and biases, calibrated on 8 synthetic images, quantized with <paramref name="scheme"/>.</summary>
    public static QuantizedNetwork Quantize(ArchSpec spec, string scheme, int seed)
    {
        var net = TestFloatNets.RandomWithBiases(spec, seed);
        var calibration = Calibrator.Calibrate(net, TestFloatNets.Images(spec.Input, 8, seed + 1), 8, batchSize: 4);
        return Quantizer.Quantize(net, calibration, QuantScheme.Parse(scheme));
    }

    /// <summary>Runs <paramref name="count"/> seeded images through both backends and asserts identical codes and logits.</summary>
    public static void AssertMatchesCpu(VulkanDevice device, QuantizedNetwork network, int count, int seed)
    {
        float[] images = TestFloatNets.Images(network.Spec.Input, count, seed);
        using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = count });
        worker.Schedule(images, count).Wait();
        AssertSameResults(worker, new CpuReference(network).Run(images, count, keepCodes: true), $"{network}");
    }

    /// <summary>Asserts the worker's latest job equals <paramref name="expected"/> at every tensor and logit.</summary>
    public static void AssertSameResults(VulkanWorker worker, CpuReferenceResult expected, string what)
    {
        var mismatches = new List<string>();
        foreach (QuantTensorInfo tensor in worker.Network.Tensors)
        {
            int[] want = expected.Codes[tensor.Id];
            var got = new int[want.Length];
            worker.ReadCodes(tensor.Id, got);
            AddMismatches(mismatches, $"{tensor.Id} ({tensor.Bits}-bit {(tensor.IsSigned ? "signed" : "unsigned")} {tensor.Shape})", want, got);
        }

        var logits = new float[expected.Logits.Length];
        worker.ReadLogits(logits);
        // Bit patterns, so -0 vs +0 or NaN payloads would count too.
        AddMismatches(mismatches, "logits", [.. expected.Logits.Select(BitConverter.SingleToInt32Bits)], [.. logits.Select(BitConverter.SingleToInt32Bits)]);
        Assert.That(mismatches, Is.Empty, $"{what}: Vulkan differs from CpuReference:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
    }

    private static void AddMismatches(List<string> into, string name, int[] want, int[] got)
    {
        int differing = 0;
        var first = new List<string>();
        for (int i = 0; i < want.Length; i++)
        {
            if (want[i] == got[i]) continue;
            if (++differing <= 5) first.Add($"[{i}] cpu {want[i]} vulkan {got[i]}");
        }

        if (differing > 0) into.Add($"{name}: {differing}/{want.Length} differ; first: {string.Join(", ", first)}");
    }
}
