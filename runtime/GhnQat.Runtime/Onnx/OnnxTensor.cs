// One output tensor copied out of an ORT run: element type, shape and a managed array the caller owns.
using GhnQat.Runtime.Errors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GhnQat.Runtime.Onnx;

/// <summary>A row-major tensor read back from ONNX Runtime (float32, int8, uint8 or int32). Immutable; owns its copy.</summary>
public sealed class OnnxTensor
{
    private readonly Array _data;

    internal OnnxTensor(string name, TensorElementType elementType, long[] shape, Array data)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        _data = data;
    }

    /// <summary>The graph output name.</summary>
    public string Name { get; }
    /// <summary>ORT's element type of the data.</summary>
    public TensorElementType ElementType { get; }
    /// <summary>Dimensions, batch first.</summary>
    public IReadOnlyList<long> Shape { get; }
    /// <summary>Number of elements.</summary>
    public int Length => _data.Length;

    /// <summary>The values as <typeparamref name="T"/>; throws when the tensor holds another element type.</summary>
    public ReadOnlySpan<T> Data<T>() where T : unmanaged => _data.GetType().GetElementType() == typeof(T)
        ? (T[])_data
        : throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"ONNX output '{Name}' holds {ElementType}, not {typeof(T).Name}");

    /// <summary>Element <paramref name="index"/> widened to double, whatever the element type (for reports).</summary>
    public double ValueAt(int index) => ElementType switch
    {
        // Switch on the ORT type, not the array type: the CLR lets a byte[] pass "is sbyte[]" (and vice versa).
        TensorElementType.Float => ((float[])_data)[index],
        TensorElementType.Int8 => ((sbyte[])_data)[index],
        TensorElementType.UInt8 => ((byte[])_data)[index],
        TensorElementType.Int32 => ((int[])_data)[index],
        _ => throw new InvalidOperationException($"unexpected element type {ElementType}"),
    };
}
