// Sample 02: embed the runtime: load a QAT GHN once, predict a W4A4 integer net, run it on Vulkan, check it on the CPU.
// Usage (from the repo root): dotnet run --project samples/02-run-w4a4-vulkan -c Release [-- GHN.safetensors [ARCH.json]]
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Deployment;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Quantization;

string ghnPath = args.Length > 0 ? args[0] : "models/ghn2-qat-w4a4.safetensors";
ArchSpec spec = args.Length > 1 ? ArchSpec.Load(args[1]) : ArchSpace.Sample(ArchSplit.Id, 1, seed: 1)[0];
const int Count = 8;

// Load once, at app start: the GHN and the calibration images (any unlabeled images of the input shape will do;
// the protocol is the first 512 training images, normalized). The predictor then serves any number of nets.
var calibrationSet = FashionMnist.Load(DatasetSplit.Train).CalibrationSubset();
var calibrationImages = new float[calibrationSet.Count * calibrationSet.ImageElements];
calibrationSet.Normalize(0, calibrationSet.Count, calibrationImages);
var predictor = new OnDevicePredictor(Ghn.Load(ghnPath), calibrationImages, calibrationSet.Count, ArchSpace.Input);

// Predict: GHN → float net → calibrate → quantize (4-bit weights and activations) → pack.
OnDevicePrediction prediction = predictor.Predict(spec, QuantScheme.W4A4);
QuantizedNetwork net = prediction.Quantized!;
var t = prediction.Timings;
Console.WriteLine($"{net}; predicted in {t.TotalMs:F0} ms (GHN {t.GhnMs:F1}, calibrate {t.CalibrateMs:F0}, quantize+pack {t.QuantizeMs + t.PackMs:F1})");

var test = FashionMnist.Load(DatasetSplit.Test).Take(Count);
var images = new float[Count * test.ImageElements];
test.Normalize(0, Count, images);

// The bit-exact CPU reference: what Vulkan must reproduce, and the fallback when there is no Vulkan at all.
float[] expected = new CpuReference(net).Run(images, Count).Logits;
float[]? vulkan = RunOnVulkan(net, images);
float[] logits = vulkan ?? expected;

int correct = 0, mismatches = 0;
for (int n = 0; n < Count; n++)
{
    var row = logits.AsSpan(n * spec.Classes, spec.Classes);
    int predicted = TensorPrimitives.IndexOfMax(row), label = test.GetLabel(n);
    if (predicted == label) correct++;
    // The contract is bit-exact (docs/quantization.md), so compare the logits' bits, not within a tolerance.
    bool same = row.SequenceEqual(expected.AsSpan(n * spec.Classes, spec.Classes));
    if (!same) mismatches++;
    Console.WriteLine($"image {n}: predicted {FashionMnist.ClassNames[predicted],-11} true {FashionMnist.ClassNames[label],-11} {(predicted == label ? "ok" : "wrong")}{(same ? "" : "  (differs from CPU reference)")}");
}

Console.WriteLine($"{correct}/{Count} correct; " + (vulkan is null ? "ran on the CPU reference only" : $"{mismatches} mismatches vs CPU reference"));
return mismatches == 0 ? 0 : 1;

// The Vulkan part an app embeds: instance → device → worker, disposed in reverse (the device outlives the worker).
// Returns a copy of the logits, or null when this machine has no usable Vulkan.
static float[]? RunOnVulkan(QuantizedNetwork net, float[] images)
{
    try
    {
        using var instance = new VulkanInstance();
        using var device = new VulkanDevice(instance);   // the selector's pick: discrete > integrated > virtual > CPU
        // AllowCpuFallback: if the device is lost mid-run, the worker finishes the job on the CPU reference.
        using var worker = new VulkanWorker(device, net, new VulkanWorkerOptions { MaxBatch = Count, AllowCpuFallback = true });
        Console.WriteLine($"Vulkan device: {device.Info}");
        worker.Schedule(images, Count).Wait();   // returns at once; Wait blocks on the fence
        return worker.PeekOutput().ToArray();    // PeekOutput is worker-owned: copy before the worker goes
    }
    catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable)
    {
        Console.WriteLine($"Vulkan unavailable ({e.Message}); using the CPU reference instead");
        return null;
    }
}
