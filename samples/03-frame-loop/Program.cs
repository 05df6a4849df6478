// Sample 03: a 60 Hz fixed-timestep game loop that spreads each inference over several frames with a per-frame budget.
// Usage (from the repo root): dotnet run --project samples/03-frame-loop -c Release [-- BUDGET_MS [GHN.safetensors [ARCH.json]]]
using System.Diagnostics;
using System.Globalization;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Deployment;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Quantization;

double budgetMs = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2.0;   // inference share of a frame
string ghnPath = args.Length > 1 ? args[1] : "models/ghn2-qat-w4a4.safetensors";
ArchSpec spec = args.Length > 2 ? ArchSpec.Load(args[2]) : ArchSpace.Sample(ArchSplit.Id, 1, seed: 1)[0];
const double FrameMs = 1000.0 / 60, GameWorkMs = 4;   // the fixed timestep and the game's own update + render
const int Inferences = 6;

// As in sample 02: load once, predict a W4A4 net, and let the CPU reference give the expected logits.
var calibrationSet = FashionMnist.Load(DatasetSplit.Train).CalibrationSubset();
var calibrationImages = new float[calibrationSet.Count * calibrationSet.ImageElements];
calibrationSet.Normalize(0, calibrationSet.Count, calibrationImages);
var predictor = new OnDevicePredictor(Ghn.Load(ghnPath), calibrationImages, calibrationSet.Count, ArchSpace.Input);
QuantizedNetwork net = predictor.Predict(spec, QuantScheme.W4A4).Quantized!;
int perImage = (int)spec.Input.ElementCount, classes = spec.Classes;
var images = new float[Inferences * perImage];
FashionMnist.Load(DatasetSplit.Test).Normalize(0, Inferences, images);
float[] expected = new CpuReference(net).Run(images, Inferences).Logits;

try
{
    using var instance = new VulkanInstance();
    using var device = new VulkanDevice(instance);
    // MaxBatch 1: a game classifies one image at a time. The worker compiles and warms its pipelines here, at load.
    using var worker = new VulkanWorker(device, net, new VulkanWorkerOptions { MaxBatch = 1 });
    Console.WriteLine($"{net} on {device.Info.Name}: {worker.KernelCount} kernels per inference, budget {budgetMs} ms per {FrameMs:F1} ms frame");

    var clock = Stopwatch.StartNew();
    double nextFrameMs = 0, stepTotalMs = 0, worstStepMs = 0;
    int frames = 0, overruns = 0, missedFrames = 0, mismatches = 0;
    var framesPerInference = new int[Inferences];
    for (int i = 0; i < Inferences; i++)
    {
        // Start an inference that runs only when stepped: nothing is submitted until the first Step.
        worker.ScheduleSteps(images.AsSpan(i * perImage, perImage), 1);
        bool done = false;
        while (!done)
        {
            // Fixed timestep: sleep to the frame's tick; a late frame starts at once (no catch-up burst).
            double waitMs = nextFrameMs - clock.Elapsed.TotalMilliseconds;
            if (waitMs > 0) Thread.Sleep(TimeSpan.FromMilliseconds(waitMs));
            double frameStartMs = clock.Elapsed.TotalMilliseconds;
            nextFrameMs = Math.Max(nextFrameMs, frameStartMs) + FrameMs;
            Thread.Sleep(TimeSpan.FromMilliseconds(GameWorkMs));   // stands in for the game's update + render

            // The inference's share: kernels, one submit each, until the budget is spent. Step checks the clock
            // between kernels, so a step can overshoot the budget by up to one kernel: that is an overrun.
            double stepStartMs = clock.Elapsed.TotalMilliseconds;
            done = worker.Step(budgetMs);
            double stepMs = clock.Elapsed.TotalMilliseconds - stepStartMs;
            stepTotalMs += stepMs;
            worstStepMs = Math.Max(worstStepMs, stepMs);
            if (stepMs > budgetMs) overruns++;
            if (clock.Elapsed.TotalMilliseconds - frameStartMs > FrameMs) missedFrames++;
            frames++;
            framesPerInference[i]++;
        }

        // Done: the logits are worker-owned until the next schedule; compare them bit for bit with the CPU reference.
        if (!worker.PeekOutput().SequenceEqual(expected.AsSpan(i * classes, classes))) mismatches++;
    }

    Console.WriteLine($"{Inferences} inferences in {frames} frames: frames per inference {string.Join(' ', framesPerInference)} (mean {(double)frames / Inferences:F1})");
    Console.WriteLine($"budget overruns: {overruns} of {frames} frames (step mean {stepTotalMs / frames:F2} ms, worst {worstStepMs:F2} ms); missed {FrameMs:F1} ms frames: {missedFrames}");
    Console.WriteLine($"{mismatches} mismatches vs CPU reference");
    return mismatches == 0 ? 0 : 1;
}
catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable)
{
    Console.WriteLine($"Vulkan unavailable ({e.Message}); this sample steps a Vulkan worker, so there is nothing to run");
    return 2;
}
