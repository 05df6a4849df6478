// Element types a safetensors file may declare; the reader rejects every other dtype string.
namespace GhnQat.Runtime.IO;

/// <summary>The element type of a safetensors tensor (the header's <c>dtype</c> string).</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 binary64, 8 bytes, little-endian ("F64").</summary>
    F64,
    /// <summary>IEEE 754 binary32, 4 bytes, little-endian ("F32").</summary>
    F32,
    /// <summary>IEEE 754 binary16, 2 bytes, little-endian ("F16").</summary>
    F16,
    /// <summary>bfloat16 (the upper half of a binary32), 2 bytes, little-endian ("BF16").</summary>
    BF16,
    /// <summary>Signed 64-bit integer ("I64").</summary>
    I64,
    /// <summary>Signed 32-bit integer ("I32").</summary>
    I32,
    /// <summary>Signed 16-bit integer ("I16").</summary>
    I16,
    /// <summary>Signed 8-bit integer ("I8").</summary>
    I8,
    /// <summary>Unsigned 64-bit integer ("U64").</summary>
    U64,
    /// <summary>Unsigned 32-bit integer ("U32"); packed low-bit weights use it.</summary>
    U32,
    /// <summary>Unsigned 16-bit integer ("U16").</summary>
    U16,
    /// <summary>Unsigned 8-bit integer ("U8"); packed low-bit weights may use it.</summary>
    U8,
    /// <summary>Boolean, one byte per element, 0 or 1 ("BOOL").</summary>
    Bool,
}
