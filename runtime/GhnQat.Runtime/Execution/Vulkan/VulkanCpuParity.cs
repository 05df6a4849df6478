// Vulkan against CpuReference on the same images: every tensor's codes and the logits, bit for bit, in the
// ParityReport format of the ORT check, plus the top-1 of both backends on labelled images.
using System.Numerics.Tensors;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Onnx;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Outcome of <see cref="VulkanCpuParity.Check"/>: per-tensor parity and both backends' correct answers.</summary>
/// <param name="Report">Codes of every tensor and the logits over all images, Vulkan against CpuReference.</param>
/// <param name="Images">Images run.</param>
/// <param name="VulkanCorrect">Images whose Vulkan top-1 equals the label.</param>
/// <param name="CpuCorrect">Images whose CpuReference top-1 equals the label.</param>
public sealed record VulkanCpuCheck(ParityReport Report, int Images, int VulkanCorrect, int CpuCorrect)
{
    /// <summary>True when every code and logit matched (so the accuracies are equal too).</summary>
    public bool IsExact => Report.IsExact && VulkanCorrect == CpuCorrect;
}

/// <summary>Checks a <see cref="VulkanWorker"/> against <see cref="CpuReference"/>.</summary>
public static class VulkanCpuParity
{
    /// <summary>
    /// Compares the worker's latest job with a CpuReference run of the same images made with <c>keepCodes: true</c>.
    /// Positions count images from <paramref name="imageOffset"/>.
    /// </summary>
    /// <exception cref="GhnQatException">The CPU run kept no codes, or the batch sizes differ (InvalidArgument).</exception>
    public static ParityReport Compare(VulkanWorker worker, CpuReferenceResult expected, int imageOffset = 0,
        int maxExamples = OrtParity.DefaultMaxExamples)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(expected);
        var tensors = new List<TensorParity>(worker.Network.Tensors.Count + 1);
        foreach (var tensor in worker.Network.Tensors)
        {
            if (!expected.Codes.TryGetValue(tensor.Id, out int[]? want))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"parity of '{tensor.Id}': the CPU reference result holds no codes for it (run it with keepCodes: true)");
            OrtParity.CheckLength(tensor.Id, want.Length, worker.Count * (int)tensor.Shape.ElementCount);
            var got = new int[want.Length];
            worker.ReadCodes(tensor.Id, got);
            tensors.Add(want.AsSpan().SequenceEqual(got)
                ? new TensorParity(tensor.Id, got.Length, 0, 0, [])
                : OrtParity.CompareCodes(tensor.Id, tensor.Shape, i => want[i], got, imageOffset, maxExamples));
        }
        tensors.Add(OrtParity.CompareLogits(expected.Logits, worker.PeekOutput(), expected.Classes, imageOffset, maxExamples));
        return new ParityReport(tensors);
    }

    /// <summary>
    /// Runs the first <paramref name="count"/> images of <paramref name="data"/> on both backends in batches of the
    /// worker's MaxBatch (the CPU reference on every core: it is stateless), compares every batch with
    /// <see cref="Compare"/> and counts each backend's correct top-1 answers.
    /// </summary>
    /// <exception cref="GhnQatException">count is not in 1..data.Count (InvalidArgument); a Vulkan call failed (VulkanError).</exception>
    public static VulkanCpuCheck Check(VulkanWorker worker, ImageDataset data, int count)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(data);
        if (count < 1 || count > data.Count)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"parity needs 1..{data.Count} images of '{data.Name}', got {count}");
        int batch = worker.MaxBatch, batches = (count + batch - 1) / batch;
        var cpu = new CpuReference(worker.Network);
        // One group of batches per round: the CPU reference fills it on every core, then Vulkan checks it batch by
        // batch; the group bounds the memory the kept codes take.
        int group = Math.Max(1, Environment.ProcessorCount);
        var images = new float[group][];
        var expected = new CpuReferenceResult[group];
        ParityReport? report = null;
        int vulkanCorrect = 0, cpuCorrect = 0;
        for (int first = 0; first < batches; first += group)
        {
            int size = Math.Min(group, batches - first);
            Parallel.For(0, size, g =>
            {
                int start = (first + g) * batch, n = Math.Min(batch, count - start);
                images[g] = new float[n * data.ImageElements];
                data.Normalize(start, n, images[g]);
                expected[g] = cpu.Run(images[g], n, keepCodes: true);
            });
            for (int g = 0; g < size; g++)
            {
                int start = (first + g) * batch, n = expected[g].Count, classes = expected[g].Classes;
                worker.Schedule(images[g], n).Wait();
                var part = Compare(worker, expected[g], start);
                report = report is null ? part : report.Merge(part);
                int[] cpuTop = expected[g].ArgMax();
                ReadOnlySpan<float> logits = worker.PeekOutput();
                for (int i = 0; i < n; i++)
                {
                    int label = data.GetLabel(start + i);
                    cpuCorrect += cpuTop[i] == label ? 1 : 0;
                    vulkanCorrect += TensorPrimitives.IndexOfMax(logits.Slice(i * classes, classes)) == label ? 1 : 0;
                }
            }
        }
        return new VulkanCpuCheck(report!, count, vulkanCorrect, cpuCorrect);
    }
}
