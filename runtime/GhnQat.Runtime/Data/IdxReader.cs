// Reads IDX files (the MNIST family's format), raw or gzipped, treating them as hostile.
using System.Buffers.Binary;
using System.IO.Compression;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Data;

/// <summary>
/// IDX reader: a big-endian header (magic 0x0000TTNN: type TT = 0x08 unsigned byte, NN dimensions, then NN
/// uint32 sizes) followed by the data. Gzip is detected by its magic bytes 1f 8b, not by the file name.
/// Memory grows only with bytes the stream really delivers, and dimensions are capped before any allocation.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic of unsigned-byte, 3-dimensional data (images N×rows×cols).</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>Magic of unsigned-byte, 1-dimensional data (labels N).</summary>
    public const uint LabelsMagic = 0x00000801;

    /// <summary>Largest data section accepted, in bytes (1 GiB; Fashion-MNIST's training images are 47 MB).</summary>
    public const long MaxDataBytes = 1L << 30;

    /// <summary>Largest image side accepted, in pixels.</summary>
    public const int MaxImageSide = 4096;

    /// <summary>
    /// Most a gzipped file may inflate (data bytes the header claims ÷ compressed file bytes) once the claim passes
    /// <see cref="GzipClaimFloorBytes"/>. Real IDX files compress 2–5:1; DEFLATE reaches about 1000:1, so without
    /// this a 1 MB gzip bomb could make the reader allocate the whole 1 GiB cap.
    /// </summary>
    public const long MaxGzipExpansion = 64;

    /// <summary>Claims up to this many data bytes are read whatever the gzip ratio (small generated test files).</summary>
    public const long GzipClaimFloorBytes = 16L << 20;

    private const int InitialChunk = 1 << 20;

    /// <summary>Reads an image file (magic 0x00000803). Errors: <see cref="GhnQatErrorCode.InvalidDataset"/>.</summary>
    public static IdxImages ReadImages(string path)
    {
        using var stream = OpenMaybeGzip(path);
        try
        {
            Span<byte> header = stackalloc byte[16];
            ReadHeader(stream, header, ImagesMagic, "unsigned-byte images with 3 dimensions", path);
            uint count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            uint rows = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
            uint cols = BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
            if (rows is 0 or > MaxImageSide || cols is 0 or > MaxImageSide)
            {
                throw Fail(path, $"image size {rows}×{cols} is absurd; expected 1..{MaxImageSide} per side");
            }
            long total = (long)count * rows * cols; // < 2^56: no overflow
            if (total > MaxDataBytes)
            {
                throw Fail(path, $"{count} images of {rows}×{cols} need {total} bytes; the cap is {MaxDataBytes}");
            }
            byte[] pixels = ReadData(stream, total, $"{count} images × {rows} × {cols}", path);
            return new IdxImages((int)count, (int)rows, (int)cols, pixels);
        }
        catch (InvalidDataException e)
        {
            throw Fail(path, $"corrupt gzip stream ({e.Message})", e);
        }
    }

    /// <summary>
    /// Reads a label file (magic 0x00000801) and checks every label is below <paramref name="classCount"/>.
    /// Errors: <see cref="GhnQatErrorCode.InvalidDataset"/>.
    /// </summary>
    public static byte[] ReadLabels(string path, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        using var stream = OpenMaybeGzip(path);
        try
        {
            Span<byte> header = stackalloc byte[8];
            ReadHeader(stream, header, LabelsMagic, "unsigned-byte labels with 1 dimension", path);
            uint count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            if (count > MaxDataBytes)
            {
                throw Fail(path, $"label count {count} is absurd; the cap is {MaxDataBytes}");
            }
            byte[] labels = ReadData(stream, count, $"{count} labels", path);
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] >= classCount)
                {
                    throw Fail(path, $"label {labels[i]} at index {i} is out of range; expected 0..{classCount - 1}");
                }
            }
            return labels;
        }
        catch (InvalidDataException e)
        {
            throw Fail(path, $"corrupt gzip stream ({e.Message})", e);
        }
    }

    private static Stream OpenMaybeGzip(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(path, $"cannot open ({e.Message})", e);
        }
        Span<byte> magic = stackalloc byte[2];
        int n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false)
            : file;
    }

    // The magic is checked as soon as its 4 bytes are in, so a swapped file reports the wrong magic rather than
    // a header of the wrong length.
    private static void ReadHeader(Stream stream, Span<byte> header, uint magic, string meaning, string path)
    {
        int n = stream.ReadAtLeast(header[..4], 4, throwOnEndOfStream: false);
        if (n == 4)
        {
            CheckMagic(header, magic, meaning, path);
            n += stream.ReadAtLeast(header[4..], header.Length - 4, throwOnEndOfStream: false);
        }
        if (n < header.Length)
        {
            throw Fail(path, $"truncated header: expected {header.Length} bytes, found {n}");
        }
    }

    private static void CheckMagic(ReadOnlySpan<byte> header, uint expected, string meaning, string path)
    {
        uint found = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (found != expected)
        {
            string hint = found switch
            {
                ImagesMagic => " (an image file)",
                LabelsMagic => " (a label file)",
                _ => "",
            };
            throw Fail(path, $"wrong IDX magic: expected 0x{expected:X8} ({meaning}), found 0x{found:X8}{hint}");
        }
    }

    // Grows the buffer by doubling as bytes arrive, so a header that lies about its size costs at most
    // twice the bytes really present (and never more than the cap).
    private static byte[] ReadData(Stream stream, long expected, string what, string path)
    {
        if (stream is GZipStream { BaseStream: FileStream file } && expected > GzipClaimFloorBytes
            && expected > MaxGzipExpansion * file.Length)
        {
            throw Fail(path, $"{what} need {expected} bytes, but the gzip file holds {file.Length}: it would have to " +
                $"inflate more than {MaxGzipExpansion}:1 (real IDX files compress 2–5:1); a gzip bomb or a corrupt header");
        }
        var buffer = new byte[Math.Min(expected, InitialChunk)];
        long filled = 0;
        while (filled < expected)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            }
            int n = stream.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (n == 0)
            {
                throw Fail(path, $"truncated data: {what} need {expected} bytes after the header, found {filled}");
            }
            filled += n;
        }
        if (stream.ReadByte() >= 0)
        {
            throw Fail(path, $"trailing bytes after the {expected} data bytes of {what}");
        }
        return buffer;
    }

    private static GhnQatException Fail(string path, string problem, Exception? inner = null) =>
        new(GhnQatErrorCode.InvalidDataset, $"{path}: {problem}", inner);
}
