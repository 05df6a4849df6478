// Writer → reader round trips (fixed cases and random property tests) and the typed read helpers.
using System.Buffers.Binary;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Tests.IO;

[TestFixture]
public sealed class SafetensorsRoundTripTests
{
    private static readonly SafetensorsDType[] AllDTypes = Enum.GetValues<SafetensorsDType>();

    [Test]
    public void WriteThenRead_RandomTensorsAndMetadata_Identical()
    {
        var rng = new Random(20240601);
        for (int trial = 0; trial < 200; trial++)
        {
            var expected = RandomTensors(rng);
            var metadata = RandomMetadata(rng);
            var writer = new SafetensorsWriter();
            foreach (var (name, (dtype, shape, data)) in expected)
            {
                writer.Add(name, dtype, shape, data);
            }
            foreach (var (k, v) in metadata)
            {
                writer.SetMetadata(k, v);
            }

            using var file = SafetensorsFile.FromMemory(writer.ToArray());

            Assert.That(file.Metadata, Is.EquivalentTo(metadata), $"trial {trial}");
            Assert.That(file.Tensors.Select(t => t.Name), Is.EquivalentTo(expected.Keys), $"trial {trial}");
            foreach (var t in file.Tensors)
            {
                var (dtype, shape, data) = expected[t.Name];
                Assert.That(t.DType, Is.EqualTo(dtype));
                Assert.That(t.Shape, Is.EqualTo(shape));
                Assert.That(file.ReadBytes(t.Name), Is.EqualTo(data), $"trial {trial}, tensor {t.Name}");
            }
        }
    }

    [Test]
    public void Save_ThenOpen_ReadsLazilyFromFile()
    {
        var rng = new Random(7);
        using var temp = new TempFolder();
        string path = temp.File("model.safetensors");
        var values = Enumerable.Range(0, 1000).Select(_ => (float)rng.NextDouble()).ToArray();
        var codes = Enumerable.Range(0, 77).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
        new SafetensorsWriter()
            .AddFloat32("conv.weight", [10, 10, 10], values)
            .AddInt8("conv.codes", [7, 11], codes)
            .SetMetadata(SafetensorsMetadataKeys.Format, "ghnqat.test/1")
            .Save(path);

        using var file = SafetensorsFile.Open(path);
        var readValues = new float[1000];
        file.ReadFloat32("conv.weight", readValues);
        var readCodes = new sbyte[77];
        file.ReadInt8("conv.codes", readCodes);

        Assert.That(readValues, Is.EqualTo(values));
        Assert.That(readCodes, Is.EqualTo(codes));
        Assert.That(file.Metadata[SafetensorsMetadataKeys.Format], Is.EqualTo("ghnqat.test/1"));
        Assert.That(file.Source, Is.EqualTo(path));
    }

    [Test]
    public void FromStream_WrittenFile_MatchesFromMemory()
    {
        byte[] bytes = new SafetensorsWriter().AddUInt32("p", [3], [1u, 2u, 0xFFFFFFFFu]).ToArray();
        using var stream = new MemoryStream(bytes);
        using var file = SafetensorsFile.FromStream(stream);
        var words = new uint[3];
        file.ReadUInt32("p", words);
        Assert.That(words, Is.EqualTo(new[] { 1u, 2u, 0xFFFFFFFFu }));
    }

    [Test]
    public void ToArray_DifferentInsertionOrder_SameBytes()
    {
        var a = new SafetensorsWriter().AddUInt8("z", [1], [1]).AddFloat32("b", [2], [1f, 2f])
            .AddInt32("a", [1], [5]).SetMetadata("y", "2").SetMetadata("x", "1").ToArray();
        var b = new SafetensorsWriter().SetMetadata("x", "1").AddInt32("a", [1], [5]).SetMetadata("y", "2")
            .AddUInt8("z", [1], [1]).AddFloat32("b", [2], [1f, 2f]).ToArray();
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void ToArray_MixedDTypes_HeaderPaddedAndTensorsAligned()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 50; trial++)
        {
            var writer = new SafetensorsWriter();
            foreach (var (name, (dtype, shape, data)) in RandomTensors(rng))
            {
                writer.Add(name, dtype, shape, data);
            }
            byte[] bytes = writer.ToArray();
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            using var file = SafetensorsFile.FromMemory(bytes);
            Assert.That((8 + headerLength) % 8, Is.Zero, "data buffer must start 8-aligned");
            Assert.That(bytes[8 + (int)headerLength - 1], Is.EqualTo((byte)'}').Or.EqualTo((byte)' '));
            foreach (var t in file.Tensors)
            {
                Assert.That(t.DataBegin % SafetensorsDTypes.ElementSize(t.DType), Is.Zero, t.ToString());
            }
        }
    }

    [Test]
    public void ReadFloat32_F16AndBF16_WidenExactly()
    {
        // 1.0, -2.5, 65504 (F16 max), 2^-24 (smallest F16 subnormal); BF16: 1.0, -2.5, 3.0e38-ish, 2^-126.
        ushort[] f16 = [0x3C00, 0xC100, 0x7BFF, 0x0001];
        ushort[] bf16 = [0x3F80, 0xC020, 0x7F61, 0x0080];
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter()
            .Add("h", SafetensorsDType.F16, [4], LittleEndian(f16))
            .Add("b", SafetensorsDType.BF16, [2, 2], LittleEndian(bf16))
            .ToArray());

        Assert.That(file.ReadFloat32("h"), Is.EqualTo(new[] { 1f, -2.5f, 65504f, MathF.Pow(2, -24) }));
        Assert.That(file.ReadFloat32("b"),
            Is.EqualTo(new[] { 1f, -2.5f, BitConverter.Int32BitsToSingle(0x7F610000), MathF.Pow(2, -126) }));
    }

    [Test]
    public void ReadFloat32_LargeF16Tensor_ConvertsEveryChunk()
    {
        var rng = new Random(11);
        var halves = Enumerable.Range(0, 20000).Select(_ => (Half)(float)(rng.NextDouble() * 100 - 50)).ToArray();
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter()
            .Add("h", SafetensorsDType.F16, [20000], LittleEndian(halves.Select(BitConverter.HalfToUInt16Bits).ToArray()))
            .ToArray());
        Assert.That(file.ReadFloat32("h"), Is.EqualTo(halves.Select(h => (float)h).ToArray()));
    }

    [Test]
    public void ReadInt8_TensorIsF32_ThrowsNamingDTypes()
    {
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter().AddFloat32("w", [2], [1f, 2f]).ToArray(), "m.st");
        var e = Assert.Throws<GhnQatException>(() => file.ReadInt8("w", new sbyte[2]));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Is.EqualTo("m.st: tensor \"w\" is F32; expected I8"));
    }

    [Test]
    public void ReadBytes_WrongDestinationLength_ThrowsInvalidArgument()
    {
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter().AddUInt8("u", [4], [1, 2, 3, 4]).ToArray());
        var e = Assert.Throws<GhnQatException>(() => file.ReadBytes("u", new byte[3]));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("has 4 bytes; the destination holds 3"));
    }

    [Test]
    public void GetTensor_UnknownName_ThrowsInvalidFile()
    {
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter().AddUInt8("u", [1], [1]).ToArray(), "x.st");
        var e = Assert.Throws<GhnQatException>(() => file.GetTensor("v"));
        Assert.That(e!.Message, Does.Contain("no tensor named \"v\""));
        Assert.That(file.TryGetTensor("u", out var info), Is.True);
        Assert.That(info.ElementCount, Is.EqualTo(1));
    }

    [Test]
    public void WriteThenRead_ScalarAndEmptyTensors_RoundTrip()
    {
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter()
            .AddFloat32("scalar", [], [3.5f])
            .AddFloat32("empty", [0, 4], [])
            .AddUInt8("bytes", [3], [7, 8, 9])
            .ToArray());
        Assert.That(file.GetTensor("scalar").Shape, Is.Empty);
        Assert.That(file.ReadFloat32("scalar"), Is.EqualTo(new[] { 3.5f }));
        Assert.That(file.GetTensor("empty").ByteLength, Is.Zero);
        Assert.That(file.ReadBytes("bytes"), Is.EqualTo(new byte[] { 7, 8, 9 }));
    }

    [Test]
    public void FromMemory_NoTensorsNoMetadata_Accepted()
    {
        using var file = SafetensorsFile.FromMemory(new SafetensorsWriter().ToArray());
        Assert.That(file.Tensors, Is.Empty);
        Assert.That(file.Metadata, Is.Empty);
    }

    internal static Dictionary<string, (SafetensorsDType DType, long[] Shape, byte[] Data)> RandomTensors(Random rng)
    {
        var tensors = new Dictionary<string, (SafetensorsDType, long[], byte[])>(StringComparer.Ordinal);
        int count = rng.Next(0, 8);
        for (int i = 0; i < count; i++)
        {
            string name = RandomText(rng, 1) + "." + i;
            var dtype = AllDTypes[rng.Next(AllDTypes.Length)];
            var shape = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => (long)rng.Next(0, 6)).ToArray();
            long elements = shape.Aggregate(1L, (a, d) => a * d);
            var data = new byte[elements * SafetensorsDTypes.ElementSize(dtype)];
            rng.NextBytes(data);
            tensors[name] = (dtype, shape, data);
        }
        return tensors;
    }

    private static Dictionary<string, string> RandomMetadata(Random rng)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        int count = rng.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            metadata[RandomText(rng, 0) + i] = RandomText(rng, 0);
        }
        return metadata;
    }

    // Mixes ASCII, JSON-special characters, control characters and non-ASCII (including a surrogate pair).
    private static string RandomText(Random rng, int minLength)
    {
        string[] pieces = ["a", "Z", "0", ".", "\"", "\\", "/", "\n", "\u0001", "é", "中", "😀", " ", "__metadata__"];
        int n = rng.Next(minLength, 6);
        return string.Concat(Enumerable.Range(0, n).Select(_ => pieces[rng.Next(pieces.Length)]));
    }

    private static byte[] LittleEndian(ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }
        return bytes;
    }
}
