// Writes small IDX (raw or gzipped) and CIFAR-10 batch files for the loader tests.
using System.Buffers.Binary;
using System.IO.Compression;

namespace GhnQat.Runtime.Tests.Data;

/// <summary>Generators of dataset files in their on-disk formats, valid or deliberately broken.</summary>
internal static class DatasetFiles
{
    /// <summary>Big-endian IDX: magic, each dimension as uint32, then the data bytes.</summary>
    public static byte[] Idx(uint magic, uint[] dims, byte[] data)
    {
        var bytes = new byte[4 + (4 * dims.Length) + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }
        data.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest))
        {
            gz.Write(raw);
        }
        return memory.ToArray();
    }

    public static void WriteImages(string path, int count, int rows, int cols, byte[] pixels, bool gzip = true) =>
        Write(path, Idx(0x803, [(uint)count, (uint)rows, (uint)cols], pixels), gzip);

    public static void WriteLabels(string path, byte[] labels, bool gzip = true) =>
        Write(path, Idx(0x801, [(uint)labels.Length], labels), gzip);

    public static void Write(string path, byte[] raw, bool gzip) => File.WriteAllBytes(path, gzip ? Gzip(raw) : raw);

    public static byte[] RandomBytes(Random rng, int count, int exclusiveMax = 256)
    {
        var bytes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = (byte)rng.Next(exclusiveMax);
        }
        return bytes;
    }

    /// <summary>Writes a Fashion-MNIST-style split (28×28) into <paramref name="folder"/>; returns pixels and labels.</summary>
    public static (byte[] Pixels, byte[] Labels) WriteFashionSplit(string folder, string prefix, int count, Random rng,
        bool gzip = true)
    {
        byte[] pixels = RandomBytes(rng, count * 28 * 28);
        byte[] labels = RandomBytes(rng, count, 10);
        string suffix = gzip ? ".gz" : "";
        WriteImages(Path.Combine(folder, $"{prefix}-images-idx3-ubyte{suffix}"), count, 28, 28, pixels, gzip);
        WriteLabels(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte{suffix}"), labels, gzip);
        return (pixels, labels);
    }

    /// <summary>A CIFAR-10 binary batch: per record one label byte then 3072 pixel bytes (R, G, B planes).</summary>
    public static void WriteCifarBatch(string path, byte[] labels, byte[] pixels)
    {
        var bytes = new byte[labels.Length * 3073];
        for (int r = 0; r < labels.Length; r++)
        {
            bytes[r * 3073] = labels[r];
            pixels.AsSpan(r * 3072, 3072).CopyTo(bytes.AsSpan((r * 3073) + 1));
        }
        File.WriteAllBytes(path, bytes);
    }
}
