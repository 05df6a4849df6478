// Sample 01: a GHN predicts every weight of a CNN it never saw, and ONNX Runtime runs the predicted float net.
// Usage (from the repo root): dotnet run --project samples/01-predict-weights -c Release [-- GHN.safetensors [ARCH.json]]
using System.Numerics.Tensors;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Onnx;

string ghnPath = args.Length > 0 ? args[0] : "models/ghn2-small.safetensors";
// The ID split is held out of GHN training by a structure hash, so this net is unseen; the seed makes it reproducible.
ArchSpec spec = args.Length > 1 ? ArchSpec.Load(args[1]) : ArchSpace.Sample(ArchSplit.Id, 1, seed: 1)[0];
const int TestImages = 1000;

// 1. Predict: one GHN forward pass gives the whole float net (no training, no gradient step).
Ghn ghn = Ghn.Load(ghnPath);
var net = ghn.Predict(spec);
Console.WriteLine($"net {spec.Name}: {spec.Nodes.Count} nodes, {spec.ParameterCount} parameters predicted by {Path.GetFileName(ghnPath)}");

// 2. BN statistics: the GHN predicts γ and β only; the running mean and variance come from the first 512 training
//    images (the deployment protocol, design §4). Without them the export would use mean 0, variance 1.
var calibrationSet = FashionMnist.Load(DatasetSplit.Train).CalibrationSubset();
CalibrationResult calibration = Calibrator.Calibrate(net, calibrationSet);

// 3. Export the float net to ONNX (opset 17, BN as BatchNormalization with the calibrated statistics).
byte[] model = FloatOnnxExporter.Export(net, new FloatOnnxExportOptions { BatchNormStatistics = calibration.BatchNorm });
Console.WriteLine($"ONNX model: {model.Length} bytes, BN statistics from {calibration.ImageCount} training images");

// 4. Run the first test images through ONNX Runtime and through the runtime's own float executor.
var test = FashionMnist.Load(DatasetSplit.Test).Take(TestImages);
var images = new float[test.Count * test.ImageElements];   // normalized, [N, 1, 28, 28]
test.Normalize(0, test.Count, images);

using var ort = new OnnxRunner(model);
ReadOnlySpan<float> ortLogits = ort.Run(images, test.Count)[OnnxNames.Logits].Data<float>();
float[] ownLogits = new FloatExecutor(net).Forward(images, test.Count, calibration.BatchNorm).Logits;

int classes = spec.Classes, correct = 0, agree = 0;
float maxDiff = 0;
for (int n = 0; n < test.Count; n++)
{
    var a = ortLogits.Slice(n * classes, classes);
    var b = ownLogits.AsSpan(n * classes, classes);
    int ortClass = TensorPrimitives.IndexOfMax(a);
    if (ortClass == test.GetLabel(n)) correct++;
    if (ortClass == TensorPrimitives.IndexOfMax(b)) agree++;
    for (int c = 0; c < classes; c++) maxDiff = Math.Max(maxDiff, Math.Abs(a[c] - b[c]));
}

Console.WriteLine($"ONNX Runtime top-1: {100.0 * correct / test.Count:F1} % on {test.Count} Fashion-MNIST test images (chance 10 %)");
// Float order differs between ORT and FloatExecutor, so logits agree closely, not bit for bit.
Console.WriteLine($"agreement with FloatExecutor: {agree}/{test.Count} top-1, max |Δlogit| {maxDiff:E1}");
