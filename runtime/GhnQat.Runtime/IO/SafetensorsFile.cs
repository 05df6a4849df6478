// Reads a safetensors file treated as hostile: the header is validated in full at open, tensor bytes are read lazily.
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using GhnQat.Runtime.Errors;
using Microsoft.Win32.SafeHandles;

namespace GhnQat.Runtime.IO;

/// <summary>
/// An open safetensors file (8-byte little-endian header length, UTF-8 JSON header, one data buffer).
/// Opening validates the whole header against the real file length (see docs/formats.md); tensor data is read
/// on demand from the file (positional reads, safe from several threads) or from memory.
/// Dispose to close the file handle.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    // Elements converted per chunk when widening F16/BF16, so conversion never allocates per tensor.
    private const int ConvertChunkElements = 8192;

    private readonly SafeFileHandle? _handle;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly long _dataStart;
    private readonly SafetensorsHeader _header;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;

    private SafetensorsFile(string source, SafeFileHandle? handle, ReadOnlyMemory<byte> memory, long dataStart,
        SafetensorsHeader header)
    {
        Source = source;
        _handle = handle;
        _memory = memory;
        _dataStart = dataStart;
        _header = header;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path, or the name given for in-memory data; every error message starts with it.</summary>
    public string Source { get; }

    /// <summary>All tensors in data-buffer order (ascending offsets).</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => _header.Tensors;

    /// <summary>The header's <c>__metadata__</c> (string → string; empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _header.Metadata;

    /// <summary>
    /// Opens <paramref name="path"/>, reads and validates the header, and keeps the file open for tensor reads.
    /// Throws <see cref="GhnQatException"/> with <see cref="GhnQatErrorCode.InvalidFile"/> on any violation.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{path}: cannot open ({e.Message})", e);
        }
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> prefix = stackalloc byte[8];
            if (length >= 8)
            {
                ReadExactly(handle, 0, prefix, path);
            }
            int headerLength = SafetensorsHeader.CheckHeaderLength(prefix, length, path);
            // Safe to allocate: CheckHeaderLength bounded it by the cap and by the bytes really present.
            var json = new byte[headerLength];
            ReadExactly(handle, 8, json, path);
            var header = SafetensorsHeader.Parse(json, length - 8 - headerLength, path);
            return new SafetensorsFile(path, handle, ReadOnlyMemory<byte>.Empty, 8 + headerLength, header);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Validates a whole safetensors file held in memory. The memory is not copied: keep it unchanged while
    /// this object is used.
    /// </summary>
    public static SafetensorsFile FromMemory(ReadOnlyMemory<byte> bytes, string sourceName = "<memory>")
    {
        var span = bytes.Span;
        int headerLength = SafetensorsHeader.CheckHeaderLength(span.Length >= 8 ? span[..8] : default,
            span.Length, sourceName);
        var header = SafetensorsHeader.Parse(span.Slice(8, headerLength), span.Length - 8L - headerLength, sourceName);
        return new SafetensorsFile(sourceName, null, bytes, 8 + headerLength, header);
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end into memory (memory grows with the bytes really delivered,
    /// never with what the header claims) and validates it like <see cref="FromMemory"/>.
    /// The stream is not disposed.
    /// </summary>
    public static SafetensorsFile FromStream(Stream stream, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return FromMemory(copy.ToArray(), sourceName);
    }

    /// <summary>True when a tensor named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, out SafetensorsTensorInfo info) =>
        _byName.TryGetValue(name, out info!);

    /// <summary>The tensor named <paramref name="name"/>; throws <see cref="GhnQatErrorCode.InvalidFile"/> when absent.</summary>
    public SafetensorsTensorInfo GetTensor(string name) =>
        _byName.TryGetValue(name, out var info)
            ? info
            : throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                $"{Source}: no tensor named \"{name}\" (the file has {_byName.Count} tensors)");

    /// <summary>
    /// Copies the tensor's raw little-endian bytes into <paramref name="destination"/>, which must be exactly
    /// <see cref="SafetensorsTensorInfo.ByteLength"/> bytes long.
    /// </summary>
    public void ReadBytes(string name, Span<byte> destination)
    {
        var info = GetTensor(name);
        CheckLength(info, destination.Length, info.ByteLength, "bytes");
        ReadRange(info.DataBegin, destination);
    }

    /// <summary>The tensor's raw little-endian bytes in a new array (caller owns it).</summary>
    public byte[] ReadBytes(string name)
    {
        var info = GetTensor(name);
        var bytes = new byte[checked((int)info.ByteLength)];
        ReadRange(info.DataBegin, bytes);
        return bytes;
    }

    /// <summary>
    /// Reads an F32, F16 or BF16 tensor as float32 into <paramref name="destination"/> (exactly
    /// <see cref="SafetensorsTensorInfo.ElementCount"/> values). F16 and BF16 widen exactly.
    /// </summary>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var info = GetTensor(name);
        CheckLength(info, destination.Length, info.ElementCount, "float32 values");
        switch (info.DType)
        {
            case SafetensorsDType.F32:
                ReadRange(info.DataBegin, MemoryMarshal.AsBytes(destination));
                if (!BitConverter.IsLittleEndian)
                {
                    var bits = MemoryMarshal.Cast<float, uint>(destination);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
                break;
            case SafetensorsDType.F16:
            case SafetensorsDType.BF16:
                WidenHalf(info, destination);
                break;
            default:
                throw WrongDType(info, "F32, F16 or BF16");
        }
    }

    /// <summary>Reads an F32, F16 or BF16 tensor as a new float32 array (caller owns it).</summary>
    public float[] ReadFloat32(string name)
    {
        var values = new float[checked((int)GetTensor(name).ElementCount)];
        ReadFloat32(name, values);
        return values;
    }

    /// <summary>Reads an I8 tensor (exact dtype required) into <paramref name="destination"/>.</summary>
    public void ReadInt8(string name, Span<sbyte> destination) => ReadExact(name, destination, SafetensorsDType.I8);

    /// <summary>Reads a U8 tensor (exact dtype required) into <paramref name="destination"/>.</summary>
    public void ReadUInt8(string name, Span<byte> destination) => ReadExact(name, destination, SafetensorsDType.U8);

    /// <summary>Reads an I32 tensor (exact dtype required) into <paramref name="destination"/>.</summary>
    public void ReadInt32(string name, Span<int> destination) => ReadExact(name, destination, SafetensorsDType.I32);

    /// <summary>Reads a U32 tensor (exact dtype required) into <paramref name="destination"/>.</summary>
    public void ReadUInt32(string name, Span<uint> destination) => ReadExact(name, destination, SafetensorsDType.U32);

    /// <summary>Closes the file handle (no-op for in-memory files).</summary>
    public void Dispose() => _handle?.Dispose();

    private void ReadExact<T>(string name, Span<T> destination, SafetensorsDType expected)
        where T : unmanaged
    {
        var info = GetTensor(name);
        if (info.DType != expected)
        {
            throw WrongDType(info, SafetensorsDTypes.HeaderName(expected));
        }
        CheckLength(info, destination.Length, info.ElementCount, "elements");
        var bytes = MemoryMarshal.AsBytes(destination);
        ReadRange(info.DataBegin, bytes);
        if (!BitConverter.IsLittleEndian && SafetensorsDTypes.ElementSize(expected) == 4)
        {
            var words = MemoryMarshal.Cast<byte, uint>(bytes);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private void WidenHalf(SafetensorsTensorInfo info, Span<float> destination)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ConvertChunkElements * 2);
        try
        {
            bool brain = info.DType == SafetensorsDType.BF16;
            for (int start = 0; start < destination.Length; start += ConvertChunkElements)
            {
                int n = Math.Min(ConvertChunkElements, destination.Length - start);
                var raw = chunk.AsSpan(0, n * 2);
                ReadRange(info.DataBegin + (2L * start), raw);
                for (int i = 0; i < n; i++)
                {
                    ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
                    // BF16 is the top half of a binary32; F16 widens exactly through System.Half.
                    destination[start + i] = brain
                        ? BitConverter.Int32BitsToSingle(bits << 16)
                        : (float)BitConverter.UInt16BitsToHalf(bits);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private void ReadRange(long offsetInBuffer, Span<byte> destination)
    {
        long absolute = _dataStart + offsetInBuffer;
        if (_handle is null)
        {
            _memory.Span.Slice(checked((int)absolute), destination.Length).CopyTo(destination);
        }
        else
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            ReadExactly(_handle, absolute, destination, Source);
        }
    }

    private static void ReadExactly(SafeFileHandle handle, long offset, Span<byte> destination, string source)
    {
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(handle, destination, offset);
            if (n == 0)
            {
                throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                    $"{source}: file ended at byte {offset}, {destination.Length} bytes short (was it truncated while open?)");
            }
            destination = destination[n..];
            offset += n;
        }
    }

    private void CheckLength(SafetensorsTensorInfo info, long actual, long expected, string unit)
    {
        if (actual != expected)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"{Source}: tensor \"{SafetensorsHeader.Shown(info.Name)}\" has {expected} {unit}; the destination holds {actual}");
        }
    }

    private GhnQatException WrongDType(SafetensorsTensorInfo info, string expected) =>
        new(GhnQatErrorCode.InvalidFile,
            $"{Source}: tensor \"{SafetensorsHeader.Shown(info.Name)}\" is {SafetensorsDTypes.HeaderName(info.DType)}; expected {expected}");
}
