// Fixed names of the exported graphs' inputs and outputs, shared by the exporters, the runner and the CLI.
namespace GhnQat.Runtime.Onnx;

/// <summary>Input and output names every exported model uses.</summary>
public static class OnnxNames
{
    /// <summary>The float32 image batch, N×C×H×W (N symbolic).</summary>
    public const string Images = "images";
    /// <summary>The float32 logits, N×classes.</summary>
    public const string Logits = "logits";
    /// <summary>The default-domain opset the exporters target (ConvInteger 10, Round 11, Clip 13 on int types).</summary>
    public const long Opset = 17;
}
