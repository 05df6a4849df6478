// VulkanCpuParity: the Vulkan-vs-CpuReference report behind `ghnqat run --backend vulkan` and the GPU check — exact on
// a real net over several batches with equal accuracies, and a planted difference is found where it was planted.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanCpuParityTests
{
    private static ArchSpec SmallId() => ArchSpace.Sample(ArchSplit.Id, 8, 61).OrderBy(s => s.Macs).First();

    [Test]
    public void Check_ImagesOverSeveralBatches_ExactWithEqualAccuracy()
    {
        var network = VulkanParity.Quantize(SmallId(), "w4a4", 2600);
        var data = Dataset(network.Spec.Input, 11, 2601);
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 4 });
            VulkanCpuCheck check = VulkanCpuParity.Check(worker, data, 10);

            Assert.That(check.IsExact, Is.True, check.Report.ToText());
            Assert.That(check.Images, Is.EqualTo(10));
            Assert.That(check.Report.Tensors, Has.Count.EqualTo(network.Tensors.Count + 1), "every tensor, then the logits");
            Assert.That(check.Report.Tensors[^1].Compared, Is.EqualTo(10 * network.Spec.Classes));
            Assert.That(check.VulkanCorrect, Is.EqualTo(check.CpuCorrect));
        });
    }

    [Test]
    public void Compare_OneCodeChangedInTheReference_ReportsThatTensorAndPosition()
    {
        var network = VulkanParity.Quantize(SmallId(), "w2a2", 2700);
        float[] images = TestFloatNets.Images(network.Spec.Input, 3, 2701);
        var expected = new CpuReference(network).Run(images, 3, keepCodes: true);
        string tensor = network.Layers[0].OutputId;
        expected.Codes[tensor][^1] += 1;   // the last element of the last image
        VulkanTestContext.RunValidated(device =>
        {
            using var worker = new VulkanWorker(device, network, new VulkanWorkerOptions { MaxBatch = 3 });
            worker.Schedule(images, 3).Wait();
            var report = VulkanCpuParity.Compare(worker, expected, imageOffset: 100);

            Assert.That(report.Mismatches, Is.EqualTo(1), report.ToText());
            Assert.That(report.FirstDivergence!.TensorId, Is.EqualTo(tensor));
            Assert.That(report.FirstDivergence.FirstMismatches[0].Position, Does.StartWith("n=102 "));
        });
    }

    // Random bytes and labels shaped like the net's input, with Fashion-MNIST's normalization.
    private static ImageDataset Dataset(ActivationShape shape, int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * shape.ElementCount];
        var labels = new byte[count];
        rng.NextBytes(pixels);
        for (int i = 0; i < count; i++) labels[i] = (byte)rng.Next(10);
        return new ImageDataset("synthetic", shape.Channels, shape.Height, shape.Width, pixels, labels,
            [.. Enumerable.Range(0, 10).Select(c => $"class {c}")], [.. Enumerable.Repeat(0.286f, shape.Channels)],
            [.. Enumerable.Repeat(0.353f, shape.Channels)]);
    }
}
