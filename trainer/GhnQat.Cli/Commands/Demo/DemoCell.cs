// One measured (net, bit width) of the demo: the runtime's accuracy and speed, its checks, and the trainer's number.
namespace GhnQat.Cli.Demo;

/// <summary>What the demo measured for one net at one bit width.</summary>
/// <param name="Split">Test split of the net.</param>
/// <param name="Net">The net's name (its ArchSpec).</param>
/// <param name="Bits">fp32 or a scheme name.</param>
/// <param name="Backend">Where the runtime ran it: vulkan, cpu reference, or cpu float (fp32).</param>
/// <param name="Images">Test images scored.</param>
/// <param name="RuntimeTop1">Top-1 (0..1) of the runtime on <paramref name="Backend"/>.</param>
/// <param name="CpuTop1">Top-1 (0..1) of the CPU reference on the same images (equal to RuntimeTop1 when bit-exact).</param>
/// <param name="TrainerTop1">Top-1 (0..1) of the trainer's own prediction (TorchSharp GHN) deployed by the same protocol; null when skipped.</param>
/// <param name="CpuValues">Activation codes and logits compared between the backend and the CPU reference (0 on the CPU itself).</param>
/// <param name="CpuMismatches">Of those, how many differ.</param>
/// <param name="OrtImages">Images also checked against ONNX Runtime.</param>
/// <param name="OrtValues">Codes and logits compared with ONNX Runtime.</param>
/// <param name="OrtMismatches">Of those, how many differ.</param>
/// <param name="GhnMs">On-device GHN forward (graph, GHN, decode) in milliseconds.</param>
/// <param name="CalibrateMs">Calibration over the 512 calibration images, ms.</param>
/// <param name="QuantizeAndPackMs">Quantize and pack, ms.</param>
/// <param name="ImagesPerSecond">Steady-state throughput of the backend at batch 64.</param>
internal sealed record DemoCell(string Split, string Net, string Bits, string Backend, int Images,
    double RuntimeTop1, double CpuTop1, double? TrainerTop1,
    long CpuValues, long CpuMismatches, int OrtImages, long OrtValues, long OrtMismatches,
    double GhnMs, double CalibrateMs, double QuantizeAndPackMs, double ImagesPerSecond)
{
    /// <summary>GHN + calibrate + quantize + pack: the time from an ArchSpec to a deployable net.</summary>
    public double PredictMs => GhnMs + CalibrateMs + QuantizeAndPackMs;
}
