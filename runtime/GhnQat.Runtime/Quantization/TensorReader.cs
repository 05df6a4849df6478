// Typed, shape-checked reads of named tensors from a quantized-network file, tracking which were used so that
// unexpected extra tensors (hidden or stale data) are rejected.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Quantization;

/// <summary>Reads tensors of an exact dtype and shape; every mismatch is InvalidFile naming the tensor.</summary>
internal sealed class TensorReader
{
    private readonly SafetensorsFile _file;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public TensorReader(SafetensorsFile file) => _file = file;

    public float[] Float32(string name, params long[] shape)
    {
        Check(name, SafetensorsDType.F32, shape);
        var values = _file.ReadFloat32(name);
        return values;
    }

    public int[] Int32(string name, params long[] shape)
    {
        var info = Check(name, SafetensorsDType.I32, shape);
        var values = new int[info.ElementCount];
        _file.ReadInt32(name, values);
        return values;
    }

    public uint[] UInt32(string name, params long[] shape)
    {
        var info = Check(name, SafetensorsDType.U32, shape);
        var values = new uint[info.ElementCount];
        _file.ReadUInt32(name, values);
        return values;
    }

    /// <summary>Throws when the file holds a tensor no layer read.</summary>
    public void CheckAllUsed()
    {
        foreach (var t in _file.Tensors)
        {
            if (!_used.Contains(t.Name)) throw Invalid($"tensor '{t.Name}' is not part of this network");
        }
    }

    public GhnQatException Invalid(string message) => QuantizedNetworkFile.Invalid(_file, message);

    private SafetensorsTensorInfo Check(string name, SafetensorsDType dtype, long[] shape)
    {
        if (!_file.TryGetTensor(name, out var info)) throw Invalid($"tensor '{name}' is missing");
        if (info.DType != dtype || !info.Shape.SequenceEqual(shape))
            throw Invalid($"tensor '{name}' is {info.DType}[{string.Join(",", info.Shape)}]; expected {dtype}[{string.Join(",", shape)}]");
        _used.Add(name);
        return info;
    }
}
