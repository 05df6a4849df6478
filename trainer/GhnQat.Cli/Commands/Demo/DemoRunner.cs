// The demo's per-net work: predict on-device, calibrate, quantize, run on the backend, check against the CPU
// reference and ONNX Runtime, and score the trainer's own prediction of the same net by the same protocol.
using System.Diagnostics;
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Deployment;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Onnx;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Training;
using static TorchSharp.torch;

namespace GhnQat.Cli.Demo;

/// <summary>
/// Holds what every net shares — the shipped GHNs (C# runtime and TorchSharp trainer copies), the calibration and
/// test images, the backend — and measures one (net, bit width) at a time.
/// </summary>
internal sealed class DemoRunner : IDisposable
{
    /// <summary>The float column's name.</summary>
    public const string Fp32 = "fp32";

    private const int Batch = 64;
    private const int ThroughputImages = 512;
    private readonly DemoBackend _backend;
    private readonly ImageDataset _test;
    private readonly float[] _testImages;
    private readonly float[] _calibrationImages;
    private readonly int _calibrationCount;
    private readonly int _ortImages;
    private readonly int _threads;
    private readonly Dictionary<string, OnDevicePredictor> _predictors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Trainer.Ghn.Ghn2> _trainerModels = new(StringComparer.Ordinal);
    private readonly DeployEvaluator? _deployer;

    /// <summary>Loads the GHN of every bit width and the images; throws before any work when a file is missing.</summary>
    public DemoRunner(DemoSettings s, DemoBackend backend, int threads)
    {
        _backend = backend;
        _threads = threads;
        _ortImages = s.OrtImages;
        var test = FashionMnist.Load(DatasetSplit.Test, s.Data);
        var calibration = FashionMnist.Load(DatasetSplit.Train, s.Data).CalibrationSubset(ImageDataset.DefaultCalibrationCount);
        _test = test.Take(s.Images);
        _testImages = new float[_test.Count * _test.ImageElements];
        _test.Normalize(0, _test.Count, _testImages);
        _calibrationCount = calibration.Count;
        _calibrationImages = new float[calibration.Count * calibration.ImageElements];
        calibration.Normalize(0, calibration.Count, _calibrationImages);
        var shape = new ActivationShape(calibration.Channels, calibration.Height, calibration.Width);
        try
        {
            foreach (string bits in s.BitList)
            {
                string file = GhnFile(s.Models, bits);
                _predictors[bits] = new OnDevicePredictor(Ghn.Load(file), _calibrationImages, _calibrationCount, shape);
                if (s.NoTrainer) continue;
                var model = GhnCheckpoint.Load(file).Model;
                model.eval();
                _trainerModels[bits] = model;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        if (!s.NoTrainer) _deployer = new DeployEvaluator(calibration, test, s.Images, threads);
    }

    /// <summary>Test images scored per net.</summary>
    public int Images => _test.Count;

    /// <summary>The shipped GHN for a bit width: the float GHN-2 for fp32, else the GHN-QAT model of that scheme.</summary>
    public static string GhnFile(string folder, string bits)
    {
        string file = Path.Combine(folder, bits == Fp32 ? "ghn2-small.safetensors" : $"ghn2-qat-{bits}.safetensors");
        if (!File.Exists(file))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"{file}: no shipped GHN for {bits} (the demo uses models/ghn2-small.safetensors for fp32 and models/ghn2-qat-<bits>.safetensors; train one with `ghnqat finetune --bits {bits}` or drop it from --bits)");
        return file;
    }

    /// <summary>Measures <paramref name="spec"/> at <paramref name="bits"/>.</summary>
    public DemoCell Measure(string split, ArchSpec spec, string bits)
    {
        double? trainer = TrainerTop1(spec, bits);
        return bits == Fp32 ? MeasureFloat(split, spec, trainer) : MeasureQuantized(split, spec, QuantScheme.Parse(bits), trainer);
    }

    private DemoCell MeasureQuantized(string split, ArchSpec spec, QuantScheme scheme, double? trainer)
    {
        var prediction = _predictors[scheme.Name].Predict(spec, scheme);
        var net = prediction.Quantized!;
        var t = prediction.Timings;
        var ort = OrtCheck(net);
        if (_backend.Device is null)
        {
            var cpu = new CpuReference(net);
            var clock = Stopwatch.StartNew();
            int correct = CountCorrect(spec, (start, n) => cpu.Run(Slice(start, n), n).Logits);
            double ips = _test.Count / clock.Elapsed.TotalSeconds;
            double top1 = correct / (double)_test.Count;
            return new DemoCell(split, spec.Name, scheme.Name, "cpu reference", _test.Count, top1, top1, trainer, 0, 0,
                ort.Images, ort.Values, ort.Mismatches, t.GhnMs, t.CalibrateMs, t.QuantizeMs + t.PackMs, ips);
        }
        using var worker = new VulkanWorker(_backend.Device, net, new VulkanWorkerOptions { MaxBatch = Batch });
        var check = VulkanCpuParity.Check(worker, _test, _test.Count);
        double imagesPerSecond = VulkanThroughput(worker);
        return new DemoCell(split, spec.Name, scheme.Name, "vulkan", _test.Count, check.VulkanCorrect / (double)_test.Count,
            check.CpuCorrect / (double)_test.Count, trainer, check.Report.Compared, check.Report.Mismatches,
            ort.Images, ort.Values, ort.Mismatches, t.GhnMs, t.CalibrateMs, t.QuantizeMs + t.PackMs, imagesPerSecond);
    }

    // The float net has no integer backend: it runs on the CPU float executor with BN frozen to the calibration set.
    private DemoCell MeasureFloat(string split, ArchSpec spec, double? trainer)
    {
        var prediction = _predictors[Fp32].Predict(spec, null);
        var clock = Stopwatch.StartNew();
        var calibration = Calibrator.Calibrate(prediction.FloatNet, _calibrationImages, _calibrationCount, Calibrator.DefaultBatchSize, _threads);
        double calibrateMs = clock.Elapsed.TotalMilliseconds;
        var executor = new FloatExecutor(prediction.FloatNet);
        clock.Restart();
        int correct = CountCorrect(spec, (start, n) => executor.Forward(Slice(start, n), n, calibration.BatchNorm).Logits);
        double ips = _test.Count / clock.Elapsed.TotalSeconds;
        double top1 = correct / (double)_test.Count;
        return new DemoCell(split, spec.Name, Fp32, "cpu float", _test.Count, top1, top1, trainer, 0, 0, 0, 0, 0,
            prediction.Timings.GhnMs, calibrateMs, 0, ips);
    }

    // The trainer's TorchSharp GHN predicts the same net; the runtime's calibration, quantizer and CPU reference
    // deploy it (the deploy protocol of `eval-qat`), so any difference comes from the two GHN implementations.
    private double? TrainerTop1(ArchSpec spec, string bits)
    {
        if (_deployer is null) return null;
        using var scope = NewDisposeScope();
        var floatNet = DeployEvaluator.ToFloatNetwork(spec, NetEvaluator.Predict(_trainerModels[bits], spec));
        if (bits == Fp32) return _deployer.FloatAccuracy(floatNet, _deployer.Calibrate(floatNet));
        var scheme = QuantScheme.Parse(bits);
        return _deployer.QuantizedAccuracy(DeployEvaluator.Quantize(floatNet, _deployer.Calibrate(floatNet, scheme), scheme));
    }

    private (int Images, long Values, long Mismatches) OrtCheck(QuantizedNetwork net)
    {
        int count = Math.Min(_ortImages, _test.Count);
        if (count == 0) return (0, 0, 0);
        using var oracle = new OrtOracle(net);
        var cpu = new CpuReference(net);
        ParityReport? report = null;
        for (int start = 0; start < count; start += Batch)
        {
            int n = Math.Min(Batch, count - start);
            var images = Slice(start, n);
            var part = OrtParity.Compare(net, oracle.Run(images, n), cpu.Run(images, n, keepCodes: true), start);
            report = report is null ? part : report.Merge(part);
        }
        return (count, report!.Compared, report.Mismatches);
    }

    // Steady state: the worker is warm (pipelines built at load, the parity pass ran); batches of 64 back to back.
    private double VulkanThroughput(VulkanWorker worker)
    {
        int count = Math.Min(ThroughputImages, _test.Count);
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < count; start += worker.MaxBatch)
        {
            int n = Math.Min(worker.MaxBatch, count - start);
            worker.Schedule(Slice(start, n), n).Wait();
        }
        return count / clock.Elapsed.TotalSeconds;
    }

    // Batches of 64 spread over the CPU threads; each batch's logits are scored against the labels.
    private int CountCorrect(ArchSpec spec, Func<int, int, float[]> logitsOf)
    {
        int batches = (_test.Count + Batch - 1) / Batch, classes = spec.Classes;
        var correct = new int[batches];
        Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = _threads }, b =>
        {
            int start = b * Batch, n = Math.Min(Batch, _test.Count - start);
            var logits = logitsOf(start, n);
            for (int i = 0; i < n; i++)
                correct[b] += TensorPrimitives.IndexOfMax(logits.AsSpan(i * classes, classes)) == _test.GetLabel(start + i) ? 1 : 0;
        });
        return correct.Sum();
    }

    private ReadOnlySpan<float> Slice(int start, int n) =>
        _testImages.AsSpan(start * _test.ImageElements, n * _test.ImageElements);

    /// <summary>Releases the trainer's TorchSharp models.</summary>
    public void Dispose()
    {
        foreach (var model in _trainerModels.Values) model.Dispose();
        _trainerModels.Clear();
    }
}
