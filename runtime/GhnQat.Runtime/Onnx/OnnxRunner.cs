// An ONNX Runtime session over in-memory model bytes: feeds a float image batch, copies every output out.
using GhnQat.Runtime.Errors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// Runs an exported model (input <see cref="OnnxNames.Images"/>) on ORT's CPU provider. Creating one is expensive
/// (graph load, kernel choice): create once per model and reuse. The caller disposes it; it owns the native
/// session. Call <see cref="Run"/> from one thread at a time (the oracle needs no more).
/// </summary>
public sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int[] _imageDims;
    private bool _disposed;

    /// <summary>Loads <paramref name="model"/> (the bytes are not kept).</summary>
    /// <exception cref="GhnQatException">ORT rejects the model (InvalidFile, with ORT's message).</exception>
    public OnnxRunner(byte[] model, OnnxRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxRunnerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.IntraOpThreads);
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.OptimizationLevel,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            _session = new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            _runOptions.Dispose();
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"ONNX model ({model.Length} bytes): ONNX Runtime cannot load it: {e.Message}", e);
        }
        if (!_session.InputMetadata.TryGetValue(OnnxNames.Images, out var input) || input.Dimensions.Length != 4)
        {
            Dispose();
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"ONNX model: expected one input '{OnnxNames.Images}' of rank 4 (N×C×H×W)");
        }
        _imageDims = input.Dimensions[1..];
        OutputNames = _session.OutputNames.ToArray();
    }

    /// <summary>Names of the graph outputs, in graph order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Values per image of the input (C·H·W).</summary>
    public int ImageLength => _imageDims[0] * _imageDims[1] * _imageDims[2];

    /// <summary>
    /// Runs a batch of <paramref name="batch"/> images (N×C×H×W, row-major) and returns the outputs by name
    /// (<paramref name="outputs"/>, or all). The returned tensors are managed copies the caller owns.
    /// </summary>
    /// <exception cref="GhnQatException">Wrong input length (InvalidArgument); an output of a type C# cannot read, e.g. int4 (InvalidFile).</exception>
    public IReadOnlyDictionary<string, OnnxTensor> Run(ReadOnlySpan<float> images, int batch, IReadOnlyList<string>? outputs = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if ((long)images.Length != (long)batch * ImageLength)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"ONNX run: {images.Length} input values for {batch} images of {_imageDims[0]}×{_imageDims[1]}×{_imageDims[2]} (expected {(long)batch * ImageLength})");
        var names = outputs ?? OutputNames;
        // ORT reads the input in place from pinned managed memory; an oracle copy per run costs nothing that matters.
        long[] shape = [batch, _imageDims[0], _imageDims[1], _imageDims[2]];
        using var input = OrtValue.CreateTensorValueFromMemory(images.ToArray(), shape);
        using var results = _session.Run(_runOptions, [OnnxNames.Images], [input], names);
        var byName = new Dictionary<string, OnnxTensor>(names.Count, StringComparer.Ordinal);
        int k = 0;
        foreach (var value in results)
        {
            string name = names[k++];
            byName[name] = Copy(name, value);
        }
        return byName;
    }

    private static OnnxTensor Copy(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        Array data = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
            TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
            TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
            var t => throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                $"ONNX output '{name}' is {t}; the runner reads float32, int8, uint8 and int32 only (ORT's C# API cannot read int4/int2 outputs)"),
        };
        return new OnnxTensor(name, info.ElementDataType, info.Shape, data);
    }

    /// <summary>Releases the native session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session?.Dispose();
        _runOptions.Dispose();
    }
}
