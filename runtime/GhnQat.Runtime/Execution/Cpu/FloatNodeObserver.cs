// Callback that sees every node's float output during a forward pass (used by calibration to collect ranges).
using GhnQat.Runtime.Architectures;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// Called once per node, in topological order, with the node's output for the whole batch, layout
/// [count, C, H, W]. The span is valid only during the call.
/// </summary>
public delegate void FloatNodeObserver(ArchNode node, ReadOnlySpan<float> output);
