// Every way a safetensors file can lie must end in GhnQatException(InvalidFile) naming the problem, never a crash.
using System.Text;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Tests.IO;

[TestFixture]
public sealed class SafetensorsHostileInputTests
{
    private const string Source = "hostile.safetensors";

    private static IEnumerable<TestCaseData> HostileCases()
    {
        static TestCaseData Case(string name, byte[] bytes, string expected) =>
            new TestCaseData(bytes, expected).SetName($"FromMemory_{name}_ThrowsInvalidFile");
        static TestCaseData Json(string name, string header, int buffer, string expected) =>
            Case(name, SafetensorsBytes.Build(header, buffer), expected);

        yield return Case("EmptyFile", [], "expected at least 8");
        yield return Case("ShorterThan8Bytes", [1, 0, 0], "expected at least 8");
        yield return Case("HeaderLengthBeyondFile", SafetensorsBytes.WithPrefix(1000, new byte[20]), "only 20 bytes follow");
        yield return Case("TruncatedHeader",
            SafetensorsBytes.WithPrefix(40, Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F32\"")), "only 19 bytes follow");
        yield return Case("HeaderOverCap", SafetensorsBytes.WithPrefix(200UL << 20, new byte[16]), "at most");
        yield return Case("HeaderLengthHuge", SafetensorsBytes.WithPrefix(ulong.MaxValue, new byte[16]), "at most");
        yield return Json("EmptyHeader", "", 0, "JSON");
        yield return Json("HeaderNotJson", "hello!!!", 0, "not valid JSON");
        yield return Json("IncompleteJson", "{\"a\":{\"dtype\":\"F32\"", 0, "not valid JSON");
        yield return Json("HeaderNotObject", "[1, 2]  ", 0, "must be a JSON object");
        yield return Json("TrailingGarbage", "{} xyz", 0, "not valid JSON");
        yield return Case("InvalidUtf8",
            SafetensorsBytes.Build([.. "{\""u8, 0xff, 0xfe, .. "\":{}}"u8], []), "not valid UTF-8");
        yield return Json("LoneSurrogateEscape", "{\"__metadata__\":{\"\\ud800\":\"x\"}}", 0, "not valid Unicode");
        yield return Json("DuplicateTensorKey",
            "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}",
            2, "duplicate key \"a\"");
        yield return Json("DuplicateMetadataKey", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "duplicate key \"k\"");
        yield return Json("DuplicateField", "{\"a\":{\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
            1, "duplicate field \"dtype\"");
        yield return Json("UnknownDType", "{\"a\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "unknown dtype \"F8\"");
        yield return Json("LowercaseDType", "{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "unknown dtype");
        yield return Json("DTypeNotString", "{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype must be a string");
        yield return Json("NegativeShape", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0, "non-negative integers; found -1");
        yield return Json("FractionalShape", "{\"a\":{\"dtype\":\"U8\",\"shape\":[2.5],\"data_offsets\":[0,2]}}", 2, "found 2.5");
        yield return Json("ExponentShape", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1e3],\"data_offsets\":[0,1000]}}", 1000, "found 1e3");
        yield return Json("ShapeBeyondInt64", "{\"a\":{\"dtype\":\"U8\",\"shape\":[99999999999999999999],\"data_offsets\":[0,0]}}", 0, "non-negative integers");
        yield return Json("ShapeNotArray", "{\"a\":{\"dtype\":\"U8\",\"shape\":3,\"data_offsets\":[0,3]}}", 3, "must be an array");
        yield return Json("ShapeProductOverflow", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1099511627776,1099511627776],\"data_offsets\":[0,0]}}", 0, "overflows");
        yield return Json("ByteCountOverflow", "{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", 0, "overflows");
        yield return Json("DTypeShapeMismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "needs 8 bytes");
        yield return Json("EndBeforeBegin", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[8,4]}}", 8, "before begin");
        yield return Json("OffsetsNotTwo", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4,8]}}", 4, "2 integers");
        yield return Json("NegativeOffset", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]}}", 4, "non-negative integers");
        yield return Json("OutOfBounds", "{\"a\":{\"dtype\":\"U8\",\"shape\":[16],\"data_offsets\":[0,16]}}", 8, "outside the data buffer of 8 bytes");
        yield return Json("OverlappingRanges",
            "{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[4,12]}}",
            12, "overlaps");
        yield return Json("IdenticalRanges",
            "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}",
            4, "overlaps");
        yield return Json("HoleBetweenRanges",
            "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[8,12]}}",
            12, "hole of 4 bytes");
        yield return Json("HoleAtStart", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8, "hole of 4 bytes");
        yield return Json("TrailingBytes", "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 8, "4 trailing bytes");
        yield return Json("TrailingBytesNoTensors", "{}", 3, "3 trailing bytes");
        yield return Json("MetadataNumberValue", "{\"__metadata__\":{\"k\":1}}", 0, "\"k\" must be a string");
        yield return Json("MetadataNullValue", "{\"__metadata__\":{\"k\":null}}", 0, "must be a string");
        yield return Json("MetadataNestedValue", "{\"__metadata__\":{\"k\":{\"x\":\"y\"}}}", 0, "must be a string");
        yield return Json("MetadataNotObject", "{\"__metadata__\":\"v\"}", 0, "must be an object of string values");
        yield return Json("MissingDType", "{\"a\":{\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "missing field \"dtype\"");
        yield return Json("MissingShape", "{\"a\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}", 1, "missing field \"shape\"");
        yield return Json("MissingOffsets", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1, "missing field \"data_offsets\"");
        yield return Json("UnknownField", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1, "unknown field \"x\"");
        yield return Json("EntryNotObject", "{\"a\":5}", 0, "tensor \"a\" must be an object");
        yield return Json("EntryIsArray", "{\"a\":[1]}", 0, "tensor \"a\" must be an object");
        yield return Json("EmptyTensorName", "{\"\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "empty name");
    }

    [TestCaseSource(nameof(HostileCases))]
    public void FromMemory_HostileInput_ThrowsInvalidFileNamingProblem(byte[] bytes, string expected)
    {
        var e = Assert.Throws<GhnQatException>(() => SafetensorsFile.FromMemory(bytes, Source).Dispose());
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Does.StartWith(Source + ":"));
        Assert.That(e.Message, Does.Contain(expected));
    }

    [Test]
    public void Open_EmptyFile_ThrowsInvalidFileNamingPath()
    {
        using var temp = new TempFolder();
        string path = temp.File("empty.safetensors");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<GhnQatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Does.StartWith(path).And.Contain("file is 0 bytes"));
    }

    [Test]
    public void Open_HeaderLengthBeyondFile_ThrowsWithoutLargeAllocation()
    {
        using var temp = new TempFolder();
        string path = temp.File("liar.safetensors");
        // Claims a header just under the cap; the file holds 64 bytes.
        File.WriteAllBytes(path, SafetensorsBytes.WithPrefix(99_000_000, new byte[56]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<GhnQatException>(() => SafetensorsFile.Open(path).Dispose());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(allocated, Is.LessThan(1 << 20), "the reader allocated in proportion to the claimed header length");
    }

    [Test]
    public void Open_TruncatedAfterWrite_ThrowsInvalidFile()
    {
        using var temp = new TempFolder();
        string path = temp.File("cut.safetensors");
        var full = new SafetensorsWriter().AddFloat32("w", [16], new float[16]).ToArray();
        File.WriteAllBytes(path, full[..^5]);
        var e = Assert.Throws<GhnQatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Does.Contain("tensor \"w\"").And.Contain("outside the data buffer"));
    }

    [Test]
    public void Open_MissingFile_ThrowsInvalidFileNamingPath()
    {
        using var temp = new TempFolder();
        string path = temp.File("absent.safetensors");
        var e = Assert.Throws<GhnQatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Does.StartWith(path).And.Contain("cannot open"));
    }

    [Test]
    public void FromMemory_RandomBytes_NeverThrowsAnythingElse()
    {
        // Fuzz: random bodies behind a plausible prefix; only GhnQatException(InvalidFile) may come out.
        var rng = new Random(1234);
        int rejected = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var body = new byte[rng.Next(0, 96)];
            rng.NextBytes(body);
            byte[] bytes = SafetensorsBytes.WithPrefix((ulong)rng.Next(0, body.Length + 4), body);
            try
            {
                SafetensorsFile.FromMemory(bytes).Dispose();
            }
            catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidFile)
            {
                rejected++; // expected for almost every random input
            }
        }
        // Any other exception type would have failed the test above; most random bodies must be rejected.
        Assert.That(rejected, Is.GreaterThan(1900));
    }

    [Test]
    public void FromMemory_MutatedValidFile_OnlyInvalidFileOrSuccess()
    {
        // Fuzz: flip single bytes of a valid file's header; the reader must accept or reject cleanly.
        var rng = new Random(99);
        byte[] valid = new SafetensorsWriter()
            .AddFloat32("a", [2, 3], new float[6]).AddInt8("b", [5], new sbyte[5])
            .SetMetadata("k", "v").ToArray();
        int accepted = 0, rejected = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var bytes = (byte[])valid.Clone();
            int at = rng.Next(0, Math.Min(bytes.Length, 120));
            bytes[at] = (byte)rng.Next(256);
            try
            {
                using var file = SafetensorsFile.FromMemory(bytes);
                foreach (var t in file.Tensors)
                {
                    _ = file.ReadBytes(t.Name);
                }
                accepted++;
            }
            catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidFile)
            {
                rejected++;
            }
        }
        // Both outcomes occur (e.g. a changed name or padding byte is still valid), so both paths were exercised.
        Assert.That(accepted, Is.GreaterThan(0));
        Assert.That(rejected, Is.GreaterThan(0));
    }
}
