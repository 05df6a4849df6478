// The deploy protocol: predicted tensors → runtime FloatNetwork → Calibrator → Quantizer → CpuReference (bit-exact).
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Evaluation;

/// <summary>
/// Accuracy of a net as the runtime deploys it (docs/quantization.md §4–§6): BN statistics and activation ranges
/// from a fixed calibration set (default the first 512 training images, batches of 64), BN folded, integer
/// execution by <see cref="CpuReference"/>. It calls the runtime itself, so its numbers are the runtime's, bit for
/// bit. FP32 under this protocol = the float net with BN frozen to the calibration statistics.
/// </summary>
public sealed class DeployEvaluator
{
    private readonly float[] _calibration;
    private readonly float[] _test;
    private readonly byte[] _labels;
    private readonly long _perImage;

    /// <summary>Normalizes the calibration and test images once.</summary>
    /// <param name="calibration">The calibration images, in order (labels unused).</param>
    /// <param name="test">The test set; its first <paramref name="testCount"/> images are used.</param>
    /// <param name="testCount">Test images.</param>
    /// <param name="parallelism">Worker threads for calibration and integer execution (results do not depend on it).</param>
    public DeployEvaluator(ImageDataset calibration, ImageDataset test, int testCount, int parallelism = 1)
        : this(Normalized(calibration, calibration?.Count ?? 0), calibration?.Count ?? 0,
            Normalized(test, Math.Clamp(testCount, 1, test?.Count ?? 1)), test?.Labels[..Math.Clamp(testCount, 1, test.Count)].ToArray() ?? [],
            parallelism)
    {
    }

    /// <summary>Uses normalized images as given, layout [count, C, H, W]; the test count is the label count.</summary>
    public DeployEvaluator(float[] calibration, int calibrationCount, float[] test, byte[] labels, int parallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(labels);
        if (calibrationCount < 1 || labels.Length < 1 || calibration.Length % calibrationCount != 0 || test.Length % labels.Length != 0)
            throw new ArgumentException("image arrays must hold whole images: calibration count ≥ 1, one label per test image");
        _calibration = calibration;
        CalibrationCount = calibrationCount;
        _test = test;
        _labels = labels;
        TestCount = labels.Length;
        _perImage = test.Length / labels.Length;
        Parallelism = Math.Max(1, parallelism);
    }

    /// <summary>Calibration images.</summary>
    public int CalibrationCount { get; }
    /// <summary>Test images.</summary>
    public int TestCount { get; }
    /// <summary>Worker threads.</summary>
    public int Parallelism { get; }

    /// <summary>Copies predicted tensors (any device) into a runtime <see cref="FloatNetwork"/>.</summary>
    public static FloatNetwork ToFloatNetwork(ArchSpec spec, IReadOnlyDictionary<string, Tensor> p)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(p);
        var arrays = new Dictionary<string, float[]>(p.Count, StringComparer.Ordinal);
        foreach (var (name, t) in p)
        {
            using var cpu = t.detach().cpu().to_type(ScalarType.Float32).contiguous();
            arrays[name] = cpu.data<float>().ToArray();
        }
        return new FloatNetwork(spec, arrays);
    }

    /// <summary>
    /// Calibration of <paramref name="network"/> on the calibration images. Without <paramref name="scheme"/>: of
    /// the float net (for the FP32 column). With a scheme, by default <see cref="CalibrationNet.Quantized"/>: the
    /// runtime's contract (<see cref="Calibrator.CalibrateFor"/>, docs/quantization.md §4);
    /// <see cref="CalibrationNet.FloatNet"/> (the contract before 2026-11-26) and
    /// <see cref="CalibrationNet.QuantizedWeights"/> are the measured alternatives of docs/qat.md §6.
    /// </summary>
    public CalibrationResult Calibrate(FloatNetwork network, QuantScheme? scheme = null, CalibrationNet on = CalibrationNet.Quantized) =>
        scheme is null || on == CalibrationNet.FloatNet
            ? Calibrator.Calibrate(network, _calibration, CalibrationCount, Calibrator.DefaultBatchSize, Parallelism)
            : on == CalibrationNet.QuantizedWeights
                ? Calibrator.Calibrate(Quantizer.WithQuantizedWeights(network, scheme), _calibration, CalibrationCount, Calibrator.DefaultBatchSize, Parallelism)
                : Calibrator.CalibrateFor(network, scheme, _calibration, CalibrationCount, Calibrator.DefaultBatchSize, Parallelism);

    /// <summary>Top-1 (0..1) of the float net with BN frozen to <paramref name="calibration"/>'s statistics.</summary>
    public double FloatAccuracy(FloatNetwork network, CalibrationResult calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var executor = new FloatExecutor(network);
        return Accuracy(network.Spec.Classes, (start, n) => executor.Forward(Slice(start, n), n, calibration.BatchNorm).Logits);
    }

    /// <summary>The integer network the runtime would deploy.</summary>
    public static QuantizedNetwork Quantize(FloatNetwork network, CalibrationResult calibration, QuantScheme scheme) =>
        Quantizer.Quantize(network, calibration, scheme);

    /// <summary>Top-1 (0..1) of <paramref name="network"/> run by the bit-exact <see cref="CpuReference"/>.</summary>
    public double QuantizedAccuracy(QuantizedNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var reference = new CpuReference(network);
        return Accuracy(network.Spec.Classes, (start, n) => reference.Run(Slice(start, n), n).Logits);
    }

    /// <summary>Logits [image, class] of the first <paramref name="count"/> test images by the integer network.</summary>
    public float[] QuantizedLogits(QuantizedNetwork network, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        int n = Math.Clamp(count, 1, TestCount);
        return new CpuReference(network).Run(Slice(0, n), n).Logits;
    }

    private static float[] Normalized(ImageDataset? data, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        var pixels = new float[count * data.ImageElements];
        data.Normalize(0, count, pixels);
        return pixels;
    }

    private ReadOnlySpan<float> Slice(int start, int n) => _test.AsSpan((int)(start * _perImage), (int)(n * _perImage));

    // Chunks of 64 images; chunks run on Parallelism threads and are counted in order, so the result is fixed.
    private double Accuracy(int classes, Func<int, int, float[]> logitsOf)
    {
        const int chunk = 64;
        int chunks = (TestCount + chunk - 1) / chunk;
        var correct = new int[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, c =>
        {
            int start = c * chunk, n = Math.Min(chunk, TestCount - start);
            var logits = logitsOf(start, n);
            for (int i = 0; i < n; i++)
            {
                var row = logits.AsSpan(i * classes, classes);
                int best = 0;
                for (int k = 1; k < classes; k++)
                {
                    if (row[k] > row[best]) best = k;
                }
                if (best == _labels[start + i]) correct[c]++;
            }
        });
        return correct.Sum() / (double)TestCount;
    }
}
