// Builds a safetensors file from named tensors and metadata; deterministic bytes, atomic save.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.IO;

/// <summary>
/// Collects tensors and metadata, then writes one safetensors file. Output bytes depend only on the content,
/// never on insertion order: tensors are laid out by element size (8, 4, 2, 1 bytes) and then by ordinal name,
/// so every tensor starts at a multiple of its element size (zero-copy views stay aligned); metadata keys are
/// sorted ordinally; the header is padded with spaces so the data buffer starts at a multiple of 8.
/// Tensor data is copied when added.
/// </summary>
public sealed class SafetensorsWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, Entry> _tensors = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Number of tensors added so far.</summary>
    public int Count => _tensors.Count;

    /// <summary>
    /// Adds a tensor from its raw little-endian bytes. <paramref name="data"/> must be exactly
    /// element size × product(<paramref name="shape"/>) bytes. Names are unique, non-empty and not "__metadata__".
    /// </summary>
    public SafetensorsWriter Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        CheckText(name, "tensor name");
        if (name.Length == 0 || name == SafetensorsHeader.MetadataKey)
        {
            throw Bad($"tensor name \"{name}\" is not allowed (empty or reserved)");
        }
        if (_tensors.ContainsKey(name))
        {
            throw Bad($"tensor \"{name}\" was already added");
        }
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw Bad($"tensor \"{name}\": shape [{string.Join(",", shape.ToArray())}] has a negative dimension");
            }
            count = checked(count * d);
        }
        long bytes = checked(count * SafetensorsDTypes.ElementSize(dtype));
        if (bytes != data.Length)
        {
            throw Bad($"tensor \"{name}\": {SafetensorsDTypes.HeaderName(dtype)}[{string.Join(",", shape.ToArray())}] needs {bytes} bytes; got {data.Length}");
        }
        _tensors.Add(name, new Entry(name, dtype, shape.ToArray(), data.ToArray()));
        return this;
    }

    /// <summary>Adds an F32 tensor (values copied, stored little-endian).</summary>
    public SafetensorsWriter AddFloat32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) =>
        AddWords(name, SafetensorsDType.F32, shape, MemoryMarshal.Cast<float, uint>(values));

    /// <summary>Adds an I8 tensor.</summary>
    public SafetensorsWriter AddInt8(string name, ReadOnlySpan<long> shape, ReadOnlySpan<sbyte> values) =>
        Add(name, SafetensorsDType.I8, shape, MemoryMarshal.AsBytes(values));

    /// <summary>Adds a U8 tensor.</summary>
    public SafetensorsWriter AddUInt8(string name, ReadOnlySpan<long> shape, ReadOnlySpan<byte> values) =>
        Add(name, SafetensorsDType.U8, shape, values);

    /// <summary>Adds an I32 tensor (stored little-endian).</summary>
    public SafetensorsWriter AddInt32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<int> values) =>
        AddWords(name, SafetensorsDType.I32, shape, MemoryMarshal.Cast<int, uint>(values));

    /// <summary>Adds a U32 tensor (stored little-endian); packed low-bit weights use this.</summary>
    public SafetensorsWriter AddUInt32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<uint> values) =>
        AddWords(name, SafetensorsDType.U32, shape, values);

    /// <summary>Sets one <c>__metadata__</c> entry, replacing an earlier value for the same key.</summary>
    public SafetensorsWriter SetMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        CheckText(key, "metadata key");
        CheckText(value, $"metadata value of \"{key}\"");
        _metadata[key] = value;
        return this;
    }

    /// <summary>Writes the whole file to <paramref name="stream"/> (not disposed, not flushed to disk).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var ordered = Ordered();
        byte[] header = BuildHeader(ordered);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var e in ordered)
        {
            stream.Write(e.Data);
        }
    }

    /// <summary>The whole file as a new byte array.</summary>
    public byte[] ToArray()
    {
        using var memory = new MemoryStream();
        WriteTo(memory);
        return memory.ToArray();
    }

    /// <summary>
    /// Saves atomically: writes a temp file in the same folder, flushes it to disk and renames it over
    /// <paramref name="path"/>. On failure nothing half-written remains and an existing file is unchanged; a
    /// missing or read-only folder throws <see cref="GhnQatException"/> (<see cref="GhnQatErrorCode.InvalidArgument"/>).
    /// </summary>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    private SafetensorsWriter AddWords(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<uint> words)
    {
        if (BitConverter.IsLittleEndian)
        {
            return Add(name, dtype, shape, MemoryMarshal.AsBytes(words));
        }
        var swapped = new uint[words.Length];
        BinaryPrimitives.ReverseEndianness(words, swapped);
        return Add(name, dtype, shape, MemoryMarshal.AsBytes(swapped.AsSpan()));
    }

    private List<Entry> Ordered()
    {
        var list = _tensors.Values.ToList();
        list.Sort(static (a, b) =>
        {
            int bySize = SafetensorsDTypes.ElementSize(b.DType).CompareTo(SafetensorsDTypes.ElementSize(a.DType));
            return bySize != 0 ? bySize : string.CompareOrdinal(a.Name, b.Name);
        });
        return list;
    }

    private byte[] BuildHeader(List<Entry> ordered)
    {
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (_metadata.Count > 0)
            {
                w.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in _metadata)
                {
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in ordered)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", SafetensorsDTypes.HeaderName(e.DType));
                w.WriteStartArray("shape");
                foreach (long d in e.Shape)
                {
                    w.WriteNumberValue(d);
                }
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + e.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += e.Data.Length;
            }
            w.WriteEndObject();
        }
        // Pad with spaces (JSON whitespace) so 8 + header length is a multiple of 8.
        int padding = (int)((8 - (json.Length % 8)) % 8);
        for (int i = 0; i < padding; i++)
        {
            json.WriteByte((byte)' ');
        }
        if (json.Length > SafetensorsHeader.MaxHeaderBytes)
        {
            throw Bad($"header would be {json.Length} bytes; the format allows at most {SafetensorsHeader.MaxHeaderBytes}");
        }
        return json.ToArray();
    }

    private static void CheckText(string text, string what)
    {
        try
        {
            _ = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"safetensors writer: {what} is not valid Unicode (lone surrogate)", e);
        }
    }

    private static GhnQatException Bad(string problem) =>
        new(GhnQatErrorCode.InvalidArgument, $"safetensors writer: {problem}");

    private sealed record Entry(string Name, SafetensorsDType DType, long[] Shape, byte[] Data);
}
