// Fuzz target: IdxReader on a tmpfs file, raw or gzipped; gzipped seeds are often mutated inside the compression.
using System.Buffers.Binary;
using System.IO.Compression;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;

namespace GhnQat.Fuzz.Targets;

/// <summary>The IDX image and label readers (gzip detection, header, dimension caps, data, trailing bytes).</summary>
internal sealed class IdxTarget(string scratchFolder) : IFuzzTarget
{
    private readonly string _path = Path.Combine(scratchFolder, "data.idx");

    public string Name => "idx";

    public IReadOnlyList<byte[]> Seeds()
    {
        byte[] images = Idx(IdxReader.ImagesMagic, [3, 4, 5], 60);
        byte[] labels = Idx(IdxReader.LabelsMagic, [6], 6);
        return [images, labels, Gzip(images), Gzip(labels), Gzip(Idx(IdxReader.ImagesMagic, [2, 28, 28], 2 * 784))];
    }

    public byte[] Mutate(byte[] input, Mutator mutator)
    {
        // Mutating compressed bytes mostly yields corrupt-gzip errors; mutate the inflated IDX bytes half the time.
        if (input.Length > 2 && input[0] == 0x1F && input[1] == 0x8B && mutator.Random.Next(2) == 0
            && TryGunzip(input, out byte[] raw))
        {
            return Gzip(mutator.MutateBytes(raw));
        }
        return mutator.MutateBytes(input);
    }

    public void Run(byte[] input)
    {
        File.WriteAllBytes(_path, input);
        try
        {
            _ = IdxReader.ReadImages(_path);
        }
        catch (GhnQatException)
        {
            // Expected for most inputs; the same bytes still go through the label reader below.
        }
        _ = IdxReader.ReadLabels(_path, 10);
    }

    private static byte[] Idx(uint magic, uint[] dims, int dataBytes)
    {
        var bytes = new byte[4 + (4 * dims.Length) + dataBytes];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        for (int i = 4 + (4 * dims.Length); i < bytes.Length; i++) bytes[i] = (byte)(i % 10);
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest)) gz.Write(raw);
        return memory.ToArray();
    }

    // Inflates at most 1 MiB: mutants stay small, and a seed that became a bomb is simply mutated as bytes.
    private static bool TryGunzip(byte[] input, out byte[] raw)
    {
        try
        {
            using var gz = new GZipStream(new MemoryStream(input), CompressionMode.Decompress);
            var buffer = new byte[1 << 20];
            int n = gz.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            raw = buffer[..n];
            return n < buffer.Length;
        }
        catch (InvalidDataException)
        {
            raw = [];
            return false;
        }
    }
}
