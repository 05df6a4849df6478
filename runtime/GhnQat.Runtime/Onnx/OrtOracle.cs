// The ORT oracle of a QuantizedNetwork: exports it once (integer graph), keeps one session, runs image batches.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// Runs a <see cref="QuantizedNetwork"/> through ONNX Runtime as an independent bit-exact check of the CPU
/// reference and the Vulkan backend (design §4). Creation exports the network and builds the session (seconds for
/// large nets): create once, run many batches. The caller disposes it; it owns the native session.
/// </summary>
public sealed class OrtOracle : IDisposable
{
    private readonly OnnxRunner _runner;
    private readonly byte[] _model;

    /// <summary>Exports <paramref name="network"/> and loads it; options default to ORT_DISABLE_ALL, one thread.</summary>
    public OrtOracle(QuantizedNetwork network, OnnxRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        _model = QuantizedOnnxExporter.Export(network);
        _runner = new OnnxRunner(_model, options);
    }

    /// <summary>The network checked.</summary>
    public QuantizedNetwork Network { get; }

    /// <summary>The exported ONNX model (e.g. to save next to a report); valid while the oracle lives.</summary>
    public ReadOnlySpan<byte> Model => _model;

    /// <summary>
    /// Runs <paramref name="batch"/> float images (N×C×H×W, the network's input shape) and returns the logits and
    /// every tensor's codes. The result is the caller's (managed copies).
    /// </summary>
    public OrtOracleResult Run(ReadOnlySpan<float> images, int batch)
    {
        var outputs = _runner.Run(images, batch);
        return new OrtOracleResult(Network, batch, outputs);
    }

    /// <summary>Releases the native session.</summary>
    public void Dispose() => _runner.Dispose();
}
