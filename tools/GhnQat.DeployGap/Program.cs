// Splits the gap between GHN-QAT's evaluation forward (each test batch normalized by its own BN statistics and
// quantized on its own ranges) and the deployed integer net into its steps, per net: population BN, calibrated
// grids, then integer requantization. Usage: DeployGap GHN_FILE SCHEME [NETS] [TEST_IMAGES] (docs/qat.md §6).
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;

if (args.Length is < 2 or > 4 || !QuantScheme.TryParse(args[1], out var scheme))
{
    Console.Error.WriteLine("usage: DeployGap GHN_FILE SCHEME [NETS=100] [TEST_IMAGES=512]   e.g. models/ghn2-qat-w2a2.safetensors w2a2");
    return 2;
}
var ghn = Ghn.Load(args[0]);
int nets = args.Length > 2 ? int.Parse(args[2]) : 100, testCount = args.Length > 3 ? int.Parse(args[3]) : 512;
const int BatchSize = Calibrator.DefaultBatchSize;
var calibrationSet = FashionMnist.Load(DatasetSplit.Train).CalibrationSubset();
var test = FashionMnist.Load(DatasetSplit.Test);
var calibration = new float[calibrationSet.Count * calibrationSet.ImageElements];
calibrationSet.Normalize(0, calibrationSet.Count, calibration);
var images = new float[testCount * test.ImageElements];
test.Normalize(0, testCount, images);
var labels = test.Labels[..testCount].ToArray();

string[] columns = ["batch BN + batch grids", "population BN + batch grids", "batch BN + calibrated grids", "population BN + calibrated grids", "integer (CpuReference)"];
var sums = new double[columns.Length];
var specs = ArchSpace.Sample(ArchSplit.Id, nets, 1);
foreach (var spec in specs)
{
    var network = ghn.Predict(spec);
    var calibrated = Calibrator.CalibrateFor(network, scheme, calibration, calibrationSet.Count, BatchSize);
    var row = new[]
    {
        FloatAccuracy(network, calibrated, populationBn: false, calibratedGrids: false),
        FloatAccuracy(network, calibrated, populationBn: true, calibratedGrids: false),
        FloatAccuracy(network, calibrated, populationBn: false, calibratedGrids: true),
        FloatAccuracy(network, calibrated, populationBn: true, calibratedGrids: true),
        IntegerAccuracy(Quantizer.Quantize(network, calibrated, scheme)),
    };
    for (int i = 0; i < row.Length; i++) sums[i] += row[i];
    Console.WriteLine($"{spec.Name}: {string.Join("  ", row.Select(a => a.ToString("F1")))}");
}
Console.WriteLine($"mean top-1 % over {nets} id nets × {testCount} test images, {scheme.Name}, GHN {args[0]}:");
for (int i = 0; i < columns.Length; i++) Console.WriteLine($"  {columns[i],-34} {sums[i] / nets:F1}");
return 0;

// Weights quantized as deployed; every planned tensor snapped to a grid from this batch's range or the calibrated one.
double FloatAccuracy(FloatNetwork network, CalibrationResult calibrated, bool populationBn, bool calibratedGrids)
{
    var plan = QuantPlan.Build(network.Spec, scheme);
    var tensors = plan.Tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
    var executor = new FloatExecutor(Quantizer.WithQuantizedWeights(network, scheme));
    int correct = 0, perImage = (int)network.Spec.Input.ElementCount;
    for (int start = 0; start < testCount; start += BatchSize)
    {
        int n = Math.Min(BatchSize, testCount - start);
        var batch = images.AsSpan(start * perImage, n * perImage);
        var maxima = new Dictionary<string, double>(StringComparer.Ordinal) { [ArchNode.InputId] = Calibrator.BatchMax(batch, isSigned: true) };
        var result = executor.Forward(batch, n, populationBn ? calibrated.BatchNorm : null,
            observer: (node, output) =>
            {
                if (tensors.TryGetValue(node.Id, out var t)) maxima[node.Id] = Calibrator.BatchMax(output, t.IsSigned);
            },
            quantizer: (id, values) =>
            {
                if (!tensors.TryGetValue(id, out var t)) return;
                double range = calibratedGrids ? calibrated.Ranges[t.ScaleSource] : (float)maxima[t.ScaleSource];
                ActivationGrid.For(t, range).Apply(values);
            });
        var predicted = result.ArgMax();
        for (int i = 0; i < n; i++) if (predicted[i] == labels[start + i]) correct++;
    }
    return 100.0 * correct / testCount;
}

double IntegerAccuracy(QuantizedNetwork network)
{
    var logits = new CpuReference(network).Run(images, testCount).Logits;
    int classes = logits.Length / testCount, correct = 0;
    for (int i = 0; i < testCount; i++)
    {
        var row = logits.AsSpan(i * classes, classes);
        if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row) == labels[i]) correct++;
    }
    return 100.0 * correct / testCount;
}
