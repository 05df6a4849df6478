// Hostile safetensors files opened from disk. Complements IO/SafetensorsHostileInputTests (in-memory, one rule
// each): these add nesting bombs, encodings, sparse files beyond the cap, terabyte claims and oversized echoes.
using System.Text;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Tests.IO;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>The safetensors part of the corpus; every case goes through <see cref="SafetensorsFile.Open"/>.</summary>
internal static class SafetensorsCorpus
{
    private const string U8One = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";

    public static IEnumerable<HostileCase> Cases()
    {
        // Sizes claimed by the header, never backed by bytes.
        yield return Json("TensorClaimsOneTebibyte",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[262144,1048576],\"data_offsets\":[0,1099511627776]}}", 0,
            "outside the data buffer of 0 bytes");
        yield return Json("OffsetsAtInt64Max",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[9223372036854775807],\"data_offsets\":[0,9223372036854775807]}}", 4,
            "outside the data buffer");
        yield return Json("OffsetsBeyondInt64", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}}", 1,
            "non-negative integers; found 18446744073709551616");
        yield return Json("ShapeProductOverflowsAtLastDim",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[2147483648,2147483648,4],\"data_offsets\":[0,0]}}", 0, "overflows");
        yield return Raw("HeaderLengthSignBitSet", SafetensorsBytes.WithPrefix(0x8000_0000_0000_0000UL, new byte[32]), "at most");
        yield return new HostileCase("HeaderLengthOneByteOverCapSparseFile", folder =>
        {
            // A real file of 100 MB + 9 bytes (sparse, so it costs no disk): only the cap can reject it.
            string path = Path.Combine(folder, "over-cap.safetensors");
            using (var stream = new FileStream(path, FileMode.CreateNew))
            {
                stream.Write(SafetensorsBytes.WithPrefix(SafetensorsHeader.MaxHeaderBytes + 1, []));
                stream.SetLength(8 + SafetensorsHeader.MaxHeaderBytes + 1);
            }
            return Open(path);
        }, GhnQatErrorCode.InvalidFile, "expected at most 100000000");

        // Nesting bombs: structure is checked token by token, so depth is never reached, let alone recursed.
        yield return Json("ArrayNestingBombAsTensor", "{\"w\":" + new string('[', 1_000_000), 0, "tensor \"w\" must be an object");
        yield return Json("ObjectNestingBombInTensor", "{\"w\":" + Repeat("{\"dtype\":", 100_000), 0, "dtype must be a string");
        yield return Json("ArrayNestingBombInShape", "{\"w\":{\"dtype\":\"U8\",\"shape\":" + new string('[', 100_000), 0,
            "shape entries must be non-negative integers; found StartArray");
        yield return Json("ArrayNestingBombInMetadata", "{\"__metadata__\":{\"k\":" + new string('[', 100_000), 0,
            "\"k\" must be a string; found StartArray");
        yield return Json("TopLevelNestingBomb", new string('[', 1_000_000), 0, "must be a JSON object");

        // Encodings and JSON dialects the header must not accept.
        yield return Bytes("Utf8BomBeforeHeader", [0xEF, 0xBB, 0xBF, .. "{}"u8], "not valid JSON");
        yield return Bytes("OverlongUtf8Slash", [.. "{\""u8, 0xC0, 0xAF, .. "\":"u8, .. Encoding.UTF8.GetBytes(U8One), .. "}"u8],
            "not valid UTF-8");
        yield return Bytes("Utf8EncodedSurrogate", [.. "{\"__metadata__\":{\"k\":\""u8, 0xED, 0xA0, 0x80, .. "\"}}"u8], "not valid UTF-8");
        yield return Bytes("Utf8SequenceCutAtEnd", [.. "{}  "u8, 0xE2, 0x82], "not valid UTF-8");
        yield return Bytes("Utf16Header", Encoding.Unicode.GetBytes("{}"), "not valid JSON");
        yield return Bytes("NulPaddingAfterHeader", [.. "{}"u8, 0, 0, 0, 0, 0, 0], "not valid JSON");
        yield return Json("CommentInHeader", "{/* x */}", 0, "not valid JSON");
        yield return Json("TrailingCommaInHeader", "{\"w\":" + U8One + ",}", 1, "not valid JSON");
        yield return Json("SingleQuotedKey", "{'w':" + U8One + "}", 1, "not valid JSON");

        // Wrong types where the format allows exactly one.
        yield return Json("OffsetsAsStrings", "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[\"0\",\"1\"]}}", 1,
            "data_offsets entries must be non-negative integers; found String");
        yield return Json("ShapeHoldsNull", "{\"w\":{\"dtype\":\"U8\",\"shape\":[null],\"data_offsets\":[0,1]}}", 1, "found Null");
        yield return Json("DTypeNull", "{\"w\":{\"dtype\":null,\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "dtype must be a string; found Null");
        yield return Json("MetadataBooleanValue", "{\"__metadata__\":{\"trained\":true}}", 0, "\"trained\" must be a string; found True");
        yield return Json("MetadataArrayValue", "{\"__metadata__\":{\"k\":[\"v\"]}}", 0, "must be a string; found StartArray");
        yield return Json("MetadataShapedLikeTensor", "{\"__metadata__\":" + U8One + "}", 1, "\"shape\" must be a string");
        yield return Json("SecondTensorPastBuffer",
            "{\"a\":" + U8One + ",\"b\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[1,9]}}", 4, "tensor \"b\"");

        // Messages quote names and shapes; a megabyte name or a million dimensions must not come back in the error.
        string longName = new('n', 1_000_000);
        yield return Json("MegabyteTensorNameDuplicated",
            $"{{\"{longName}\":{U8One},\"{longName}\":{U8One}}}", 2, "duplicate key \"nnnn");
        yield return Json("MegabyteTensorNameUnknownDType",
            $"{{\"{longName}\":{{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,1]}}}}", 1, "unknown dtype \"Q4\"");
        yield return Json("MillionDimensionShapeMismatch",
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[" + string.Join(",", Enumerable.Repeat("1", 1_000_000)) + "],\"data_offsets\":[0,2]}}", 2,
            "needs 1 bytes but data_offsets [0, 2] span 2",
            allocationLimitBytes: 32L << 20); // the 2 MB header really holds 10⁶ numbers: a list of longs and its growth
        yield return Json("MegabyteMetadataKeyNotString", $"{{\"__metadata__\":{{\"{longName}\":1}}}}", 0, "must be a string; found Number");

        // Paths that are not regular files.
        yield return new HostileCase("PathIsDirectory", folder =>
        {
            string path = Path.Combine(folder, "dir.safetensors");
            Directory.CreateDirectory(path);
            return Open(path);
        }, GhnQatErrorCode.InvalidFile, "cannot open");
    }

    private static HostileParse Open(string path) => new(() => SafetensorsFile.Open(path).Dispose(), path);

    private static HostileCase Raw(string name, byte[] file, string fragment,
        long allocationLimitBytes = HostileRunner.DefaultAllocationLimitBytes) => new(name, folder =>
    {
        string path = Path.Combine(folder, name + ".safetensors");
        File.WriteAllBytes(path, file);
        return Open(path);
    }, GhnQatErrorCode.InvalidFile, fragment, allocationLimitBytes);

    private static HostileCase Bytes(string name, byte[] header, string fragment) =>
        Raw(name, SafetensorsBytes.Build(header, []), fragment);

    private static HostileCase Json(string name, string header, int bufferBytes, string fragment,
        long allocationLimitBytes = HostileRunner.DefaultAllocationLimitBytes) =>
        Raw(name, SafetensorsBytes.Build(header, bufferBytes), fragment, allocationLimitBytes);

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();
}
