// The deploy-time calibration protocol (design §4, docs/quantization.md §4): BN statistics from batch-statistics
// passes, then activation ranges from passes with those statistics frozen, over unlabeled images in batches of 64.
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Calibration;

/// <summary>
/// Calibrates a float network. Pass 1 (only when the net has BN): every BN normalizes with its batch's statistics
/// (GHN-2 protocol); population mean = mean over batches of the batch mean, population variance = mean over
/// batches of the biased batch variance. Pass 2: BN frozen to those statistics; the range of each quantized tensor
/// = mean over batches of the batch max (unsigned tensors) or max|x| (signed tensors), the image included.
/// </summary>
public static class Calibrator
{
    /// <summary>Default batch size; QAT uses the same per-batch statistic on batches of this size.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Calibrates on the images of <paramref name="calibrationSet"/> (e.g. the first 512 training images), in order.</summary>
    /// <param name="network">The float network.</param>
    /// <param name="calibrationSet">Unlabeled images (labels are ignored) of the spec's input shape.</param>
    /// <param name="batchSize">Images per batch; the statistics are per-batch means, so this is part of the protocol.</param>
    /// <param name="maxDegreeOfParallelism">Batches run at once on worker threads (1 = the calling thread only);
    /// the result is bit-identical for every value because per-batch statistics are combined in batch order.</param>
    public static CalibrationResult Calibrate(FloatNetwork network, ImageDataset calibrationSet, int batchSize = DefaultBatchSize,
        int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(calibrationSet);
        CheckShape(network, calibrationSet.Channels, calibrationSet.Height, calibrationSet.Width, calibrationSet.Name);
        var images = new float[calibrationSet.Count * calibrationSet.ImageElements];
        calibrationSet.Normalize(0, calibrationSet.Count, images);
        return Calibrate(network, images, calibrationSet.Count, batchSize, maxDegreeOfParallelism);
    }

    /// <summary>Calibrates on the given batches (their order and sizes are kept); see the dataset overload.</summary>
    public static CalibrationResult Calibrate(FloatNetwork network, IEnumerable<ImageBatch> batches, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(batches);
        var list = batches.ToList();
        foreach (var b in list) CheckShape(network, b.Channels, b.Height, b.Width, "calibration batch");
        return Run(network, list.Select(b => (b.Images, b.Count)).ToList(), maxDegreeOfParallelism);
    }

    /// <summary>
    /// Calibrates on <paramref name="count"/> normalized images, layout [count, C, H, W] of the spec's input,
    /// split in order into batches of <paramref name="batchSize"/> (the last may be smaller).
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument when the floats do not hold count images of the input shape.</exception>
    public static CalibrationResult Calibrate(FloatNetwork network, ReadOnlyMemory<float> images, int count, int batchSize = DefaultBatchSize,
        int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        long perImage = network.Spec.Input.ElementCount;
        CheckImages(network, images, count, batchSize, perImage);
        return Run(network, SplitBatches(images, count, batchSize, perImage), maxDegreeOfParallelism);
    }

    /// <summary>
    /// Calibration for deployment at <paramref name="scheme"/>: <see cref="CalibrateFor"/> (the default,
    /// <see cref="CalibrationMode.QuantizationAware"/>) or the float net's statistics (<see cref="CalibrationMode.FloatNet"/>).
    /// </summary>
    public static CalibrationResult CalibrateForDeployment(FloatNetwork network, QuantScheme scheme, ReadOnlyMemory<float> images, int count,
        CalibrationMode mode = CalibrationMode.QuantizationAware, int batchSize = DefaultBatchSize, int maxDegreeOfParallelism = 1) =>
        mode switch
        {
            CalibrationMode.QuantizationAware => CalibrateFor(network, scheme, images, count, batchSize, maxDegreeOfParallelism),
            CalibrationMode.FloatNet => Calibrate(network, images, count, batchSize, maxDegreeOfParallelism),
            _ => throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"unknown calibration mode {mode}"),
        };

    /// <summary>
    /// Quantization-aware calibration for deployment at <paramref name="scheme"/> (docs/quantization.md §4): the
    /// statistics are those of the net that will run, measured the way QAT trained it. One pass over the batches,
    /// weights quantized by the scheme's rule, every BN normalizing with its batch's statistics and every quantized
    /// tensor (image included) snapped to the grid of its own batch range (pools: their source's) — the forward
    /// pass of GHN-QAT's evaluation. Population BN statistics and ranges are the means over batches of those batch
    /// statistics, exactly as <see cref="Calibrate(FloatNetwork, ReadOnlyMemory{float}, int, int, int)"/> averages
    /// them for the float net; every BN thus sees its conv's input as the quantized net computes it, which a
    /// 2-bit net needs.
    /// </summary>
    /// <exception cref="GhnQatException">As the float overload; InvalidArchSpec when the net cannot be deployed.</exception>
    public static CalibrationResult CalibrateFor(FloatNetwork network, QuantScheme scheme, ReadOnlyMemory<float> images, int count,
        int batchSize = DefaultBatchSize, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scheme);
        long perImage = network.Spec.Input.ElementCount;
        CheckImages(network, images, count, batchSize, perImage);
        if (maxDegreeOfParallelism < 1)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"calibration parallelism must be ≥ 1, got {maxDegreeOfParallelism}");
        var batches = SplitBatches(images, count, batchSize, perImage);
        var plan = QuantPlan.Build(network.Spec, scheme);
        var tensors = plan.Tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var executor = new FloatExecutor(Quantizer.WithQuantizedWeights(network, scheme));
        var perBatchMax = new Dictionary<string, double>[batches.Count];
        var perBatchBn = new IReadOnlyDictionary<string, BatchNormStatistics>[batches.Count];
        ForEachBatch(batches.Count, maxDegreeOfParallelism, b =>
        {
            var maxima = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                [ArchNode.InputId] = BatchMax(batches[b].Images.Span, isSigned: true),
            };
            perBatchBn[b] = executor.Forward(batches[b].Images.Span, batches[b].Count,
                observer: (node, output) =>
                {
                    if (tensors.TryGetValue(node.Id, out var t)) maxima[node.Id] = BatchMax(output, t.IsSigned);
                },
                quantizer: (id, values) =>
                {
                    if (!tensors.TryGetValue(id, out var t)) return;
                    float range = (float)maxima[t.ScaleSource];
                    if (!float.IsFinite(range))
                        throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                            $"calibration of '{network.Spec.Name}': tensor '{t.ScaleSource}' has a non-finite range on calibration batch {b} (the weight-quantized net overflows float32 on the calibration images)");
                    ActivationGrid.For(t, range).Apply(values);
                }).BatchStatistics;
            perBatchMax[b] = maxima;
        });
        return new CalibrationResult(AverageBatchNorm(network, perBatchBn), AverageRanges(network, plan, perBatchMax),
            batches.Sum(b => b.Count), batches.Count);
    }

    private static List<(ReadOnlyMemory<float> Images, int Count)> SplitBatches(ReadOnlyMemory<float> images, int count, int batchSize, long perImage)
    {
        var batches = new List<(ReadOnlyMemory<float>, int)>();
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            batches.Add((images.Slice((int)(start * perImage), (int)(n * perImage)), n));
        }
        return batches;
    }

    private static void CheckImages(FloatNetwork network, ReadOnlyMemory<float> images, int count, int batchSize, long perImage)
    {
        if (count < 1 || images.Length != count * perImage)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"calibration of '{network.Spec.Name}': {images.Length} floats do not hold {count} images of {network.Spec.Input} (expected count ≥ 1 and {count * perImage} floats)");
        if (batchSize < 1)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"calibration batch size must be ≥ 1, got {batchSize}");
    }

    private static CalibrationResult Run(FloatNetwork network, List<(ReadOnlyMemory<float> Images, int Count)> batches, int parallelism)
    {
        if (batches.Count == 0)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"calibration of '{network.Spec.Name}' got no images");
        if (parallelism < 1)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"calibration parallelism must be ≥ 1, got {parallelism}");
        // The plan names the quantized tensors and their signedness (scheme-independent); it also rejects nets
        // that cannot be deployed before any work is done.
        var plan = QuantPlan.Build(network.Spec, QuantScheme.W8A8);
        var executor = new FloatExecutor(network);
        var batchNorm = new Dictionary<string, BatchNormStatistics>(StringComparer.Ordinal);
        if (network.Spec.Nodes.Any(n => n.Op == ArchOp.BatchNorm))
        {
            var perBatchBn = new IReadOnlyDictionary<string, BatchNormStatistics>[batches.Count];
            ForEachBatch(batches.Count, parallelism, b => perBatchBn[b] = executor.Forward(batches[b].Images.Span, batches[b].Count).BatchStatistics);
            batchNorm = AverageBatchNorm(network, perBatchBn);
        }

        var signed = plan.Tensors.ToDictionary(t => t.Id, t => t.IsSigned, StringComparer.Ordinal);
        var perBatch = new Dictionary<string, double>[batches.Count];
        ForEachBatch(batches.Count, parallelism, b =>
        {
            var maxima = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                [ArchNode.InputId] = BatchMax(batches[b].Images.Span, isSigned: true),
            };
            executor.Forward(batches[b].Images.Span, batches[b].Count, batchNorm, observer: (node, output) =>
            {
                if (signed.TryGetValue(node.Id, out bool isSigned)) maxima[node.Id] = BatchMax(output, isSigned);
            });
            perBatch[b] = maxima;
        });
        return new CalibrationResult(batchNorm, AverageRanges(network, plan, perBatch), batches.Sum(b => b.Count), batches.Count);
    }

    // Range of each planned tensor = mean over batches of its batch maximum.
    private static Dictionary<string, float> AverageRanges(FloatNetwork network, QuantPlan plan, Dictionary<string, double>[] perBatch)
    {
        var ranges = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var t in plan.Tensors)
        {
            double sum = 0;
            foreach (var maxima in perBatch) sum += maxima[t.Id];
            float range = (float)(sum / perBatch.Length);
            if (!float.IsFinite(range))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"calibration of '{network.Spec.Name}': tensor '{t.Id}' has a non-finite range (the float net overflows on the calibration images)");
            ranges[t.Id] = range;
        }
        return ranges;
    }

    // Population statistics: mean over batches of the batch mean and of the biased batch variance.
    private static Dictionary<string, BatchNormStatistics> AverageBatchNorm(FloatNetwork network,
        IReadOnlyDictionary<string, BatchNormStatistics>[] perBatch)
    {
        var result = new Dictionary<string, BatchNormStatistics>(StringComparer.Ordinal);
        foreach (var n in network.Spec.Nodes.Where(n => n.Op == ArchOp.BatchNorm))
        {
            int channels = network.Spec.ShapeOf(n.Id).Channels;
            var mean = new double[channels];
            var variance = new double[channels];
            // Summed in batch order, so the result does not depend on how batches were scheduled.
            foreach (var stats in perBatch)
            {
                var s = stats[n.Id];
                for (int c = 0; c < channels; c++)
                {
                    mean[c] += s.Mean[c];
                    variance[c] += s.Variance[c];
                }
            }
            var m = mean.Select(v => (float)(v / perBatch.Length)).ToArray();
            var v = variance.Select(v => (float)(v / perBatch.Length)).ToArray();
            if (m.Any(x => !float.IsFinite(x)) || v.Any(x => !float.IsFinite(x)))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"calibration of '{network.Spec.Name}': BN '{n.Id}' has non-finite batch statistics (the float net overflows on the calibration images)");
            result[n.Id] = new BatchNormStatistics(m, v);
        }
        return result;
    }

    // Batches are independent; with parallelism 1 everything stays on the calling thread.
    private static void ForEachBatch(int count, int parallelism, Action<int> body)
    {
        if (parallelism == 1)
        {
            for (int b = 0; b < count; b++) body(b);
            return;
        }
        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<GhnQatException>().FirstOrDefault() is { } first)
        {
            // The typed error of the first failing batch, as the one-thread path throws it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>The range statistic of one batch: max x for unsigned tensors (non-negative by construction), max |x| for signed ones.</summary>
    public static double BatchMax(ReadOnlySpan<float> values, bool isSigned) =>
        isSigned ? Math.Abs(TensorPrimitives.MaxMagnitude(values)) : Math.Max(0, TensorPrimitives.Max(values));

    private static void CheckShape(FloatNetwork network, int channels, int height, int width, string what)
    {
        ArgumentNullException.ThrowIfNull(network);
        var input = network.Spec.Input;
        if (channels != input.Channels || height != input.Height || width != input.Width)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"calibration of '{network.Spec.Name}': {what} has images {channels}×{height}×{width}; the net takes {input.Channels}×{input.Height}×{input.Width}");
    }
}
