// Callback that may rewrite a tensor in place during a float forward pass: quantization-aware calibration uses it to
// put the deployed activation grid (fake quantization) into the float net.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// Called with the image batch (id "input") before the first node, and with every node's output after the
/// observer saw it, layout [count, C, H, W]; it may change the values in place (readers of the tensor then see the
/// changed values). The span is valid only during the call.
/// </summary>
public delegate void FloatActivationQuantizer(string tensorId, Span<float> values);
