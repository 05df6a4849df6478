// Validates a safetensors JSON header against the real data-buffer length; every rule that protects the reader.
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.IO;

/// <summary>
/// The parsed, validated header. Parsing scans with <see cref="Utf8JsonReader"/> (not JsonDocument, which keeps
/// the last of duplicate keys silently) and allocates only in proportion to the header bytes, never to what the
/// header claims about the data.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>Largest header accepted, in bytes: 100 MB, the reference implementation's limit, so every file
    /// our writer accepts also opens elsewhere.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Key of the optional string→string metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(IReadOnlyList<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors in data-buffer order (ascending <see cref="SafetensorsTensorInfo.DataBegin"/>).</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Checks the 8-byte length prefix against the cap and the file length; returns the header length in bytes.
    /// </summary>
    public static int CheckHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        if (fileLength < 8)
        {
            throw Invalid(source, $"file is {fileLength} bytes; expected at least 8 (the little-endian header length)");
        }
        ulong n = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > (ulong)MaxHeaderBytes)
        {
            throw Invalid(source, $"header length is {n} bytes; expected at most {MaxHeaderBytes} (100 MB)");
        }
        if (n > (ulong)(fileLength - 8))
        {
            throw Invalid(source, $"header length is {n} bytes but only {fileLength - 8} bytes follow the length prefix (truncated file or corrupt header length)");
        }
        return (int)n;
    }

    /// <summary>Parses and validates <paramref name="json"/>; <paramref name="bufferLength"/> is the real byte count after the header.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long bufferLength, string source)
    {
        if (!Utf8.IsValid(json))
        {
            throw Invalid(source, "header is not valid UTF-8");
        }
        var tensors = new List<SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid(source, $"header must be a JSON object; found {(json.Length == 0 ? "an empty header" : reader.TokenType.ToString())}");
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                if (!names.Add(key))
                {
                    throw Invalid(source, $"duplicate key \"{Shown(key)}\" in the header");
                }
                reader.Read();
                if (key == MetadataKey)
                {
                    ReadMetadata(ref reader, metadata, source);
                }
                else
                {
                    tensors.Add(ReadTensor(ref reader, key, bufferLength, source));
                }
            }
            // Anything after the closing brace other than whitespace (the padding) is an error.
            if (reader.Read())
            {
                throw Invalid(source, $"unexpected {reader.TokenType} after the header object");
            }
        }
        catch (JsonException e)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                $"{source}: header is not valid JSON ({Shown(e.Message, 200)})", e);
        }
        catch (InvalidOperationException e)
        {
            // GetString throws this for escapes that decode to invalid UTF-16 (a lone surrogate such as \ud800).
            throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                $"{source}: header holds a string that is not valid Unicode ({e.Message})", e);
        }
        CheckCoverage(tensors, bufferLength, source);
        return new SafetensorsHeader(tensors, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(source, $"\"{MetadataKey}\" must be an object of string values; found {reader.TokenType}");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Invalid(source, $"\"{MetadataKey}\".\"{Shown(key)}\" must be a string; found {reader.TokenType}");
            }
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Invalid(source, $"duplicate key \"{Shown(key)}\" in \"{MetadataKey}\"");
            }
        }
    }

    private static SafetensorsTensorInfo ReadTensor(ref Utf8JsonReader reader, string name, long bufferLength, string source)
    {
        string where = $"tensor \"{Shown(name)}\"";
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid(source, $"{where} must be an object with dtype, shape and data_offsets; found {reader.TokenType}");
        }
        if (name.Length == 0)
        {
            throw Invalid(source, "a tensor has an empty name");
        }
        string? dtypeName = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype" when dtypeName is null:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Invalid(source, $"{where}: dtype must be a string; found {reader.TokenType}");
                    }
                    dtypeName = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegerArray(ref reader, where, "shape", source);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegerArray(ref reader, where, "data_offsets", source);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Invalid(source, $"{where}: duplicate field \"{field}\"");
                default:
                    throw Invalid(source, $"{where}: unknown field \"{Shown(field)}\"; expected only dtype, shape, data_offsets");
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
        {
            string missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Invalid(source, $"{where}: missing field \"{missing}\"");
        }
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw Invalid(source, $"{where}: unknown dtype \"{Shown(dtypeName)}\"; expected one of F64 F32 F16 BF16 I64 I32 I16 I8 U64 U32 U16 U8 BOOL");
        }
        if (offsets.Length != 2)
        {
            throw Invalid(source, $"{where}: data_offsets must hold 2 integers [begin, end]; found {offsets.Length}");
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw Invalid(source, $"{where}: data_offsets end {end} is before begin {begin}");
        }
        if (end > bufferLength)
        {
            throw Invalid(source, $"{where}: data_offsets [{begin}, {end}] lie outside the data buffer of {bufferLength} bytes");
        }
        long count, bytes;
        try
        {
            count = 1;
            foreach (long d in shape)
            {
                count = checked(count * d);
            }
            bytes = checked(count * SafetensorsDTypes.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw Invalid(source, $"{where}: shape {ShownShape(shape)} × {dtypeName} overflows a 64-bit byte count");
        }
        if (bytes != end - begin)
        {
            throw Invalid(source, $"{where}: {dtypeName}{ShownShape(shape)} needs {bytes} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        }
        return new SafetensorsTensorInfo(name, dtype, shape, count, begin, end);
    }

    private static long[] ReadIntegerArray(ref Utf8JsonReader reader, string where, string field, string source)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Invalid(source, $"{where}: {field} must be an array of non-negative integers; found {reader.TokenType}");
        }
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // TryGetInt64 rejects fractions and exponents ("2.0", "1e3") as well as values beyond 64 bits.
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
            {
                string found = reader.TokenType == JsonTokenType.Number
                    ? Encoding.UTF8.GetString(reader.ValueSpan)
                    : reader.TokenType.ToString();
                throw Invalid(source, $"{where}: {field} entries must be non-negative integers; found {Shown(found)}");
            }
            values.Add(v);
        }
        return [.. values];
    }

    /// <summary>
    /// Sorted by begin, the ranges must tile [0, bufferLength) exactly: no overlap, no hole, no trailing bytes.
    /// Zero-length tensors may sit at any boundary.
    /// </summary>
    private static void CheckCoverage(List<SafetensorsTensorInfo> tensors, long bufferLength, string source)
    {
        tensors.Sort(static (a, b) => a.DataBegin != b.DataBegin
            ? a.DataBegin.CompareTo(b.DataBegin)
            : a.DataEnd.CompareTo(b.DataEnd));
        long expected = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var t in tensors)
        {
            if (t.DataBegin < expected)
            {
                throw Invalid(source, $"tensor \"{Shown(t.Name)}\" [{t.DataBegin}, {t.DataEnd}] overlaps tensor \"{Shown(previous!.Name)}\" [{previous.DataBegin}, {previous.DataEnd}]");
            }
            if (t.DataBegin > expected)
            {
                throw Invalid(source, $"hole of {t.DataBegin - expected} bytes in the data buffer before tensor \"{Shown(t.Name)}\" (expected it to begin at {expected}, found {t.DataBegin})");
            }
            expected = t.DataEnd;
            previous = t;
        }
        if (expected != bufferLength)
        {
            throw Invalid(source, $"{bufferLength - expected} trailing bytes after the last tensor (tensors cover {expected} of {bufferLength} data bytes)");
        }
    }

    /// <summary>
    /// A name or value from the header as quoted in messages: at most <paramref name="max"/> characters, then the
    /// full length, so a megabyte name cannot turn one error line into a megabyte (the header may hold 100 MB).
    /// System.Text.Json's own messages need it too: an invalid literal is quoted up to the end of the input.
    /// </summary>
    internal static string Shown(string text, int max = 64) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $"…({text.Length} chars)");

    // A shape as quoted in messages: [2,3,4], or the first 8 dimensions and the count for longer ones.
    private static string ShownShape(long[] shape) => shape.Length <= 8
        ? $"[{string.Join(",", shape)}]"
        : $"[{string.Join(",", shape.Take(8))},…] ({shape.Length} dims)";

    private static GhnQatException Invalid(string source, string problem) =>
        new(GhnQatErrorCode.InvalidFile, $"{source}: {problem}");
}
