// One validated header entry of a safetensors file: name, dtype, shape and its byte range in the data buffer.
namespace GhnQat.Runtime.IO;

/// <summary>
/// A tensor described by a safetensors header. Instances come from the reader only after the whole header
/// was validated, so <see cref="ByteLength"/> = element size × <see cref="ElementCount"/> always holds.
/// </summary>
public sealed class SafetensorsTensorInfo
{
    private readonly long[] _shape;

    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, long[] shape, long elementCount,
        long dataBegin, long dataEnd)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        DataBegin = dataBegin;
        DataEnd = dataEnd;
    }

    /// <summary>The tensor's key in the header.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Dimensions, outermost first (row-major, C order). Empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Product of the dimensions (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Start of the tensor's bytes, relative to the start of the data buffer (after the header).</summary>
    public long DataBegin { get; }

    /// <summary>End (exclusive) of the tensor's bytes, relative to the start of the data buffer.</summary>
    public long DataEnd { get; }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>A copy of <see cref="Shape"/> as an array.</summary>
    public long[] GetShapeArray() => (long[])_shape.Clone();

    /// <summary>Formats as <c>name F32[2,3]</c> for messages and logs.</summary>
    public override string ToString() =>
        $"{Name} {SafetensorsDTypes.HeaderName(DType)}[{string.Join(",", _shape)}]";
}
