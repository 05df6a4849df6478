// The content of an IDX image file: count, rows, columns and the raw bytes.
namespace GhnQat.Runtime.Data;

/// <summary>Unsigned-byte images read from an IDX file (magic 0x00000803), row-major, one channel.</summary>
public sealed class IdxImages
{
    internal IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        Count = count;
        Rows = rows;
        Columns = columns;
        PixelArray = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Rows (height) of each image.</summary>
    public int Rows { get; }

    /// <summary>Columns (width) of each image.</summary>
    public int Columns { get; }

    /// <summary>All pixels, layout [Count, Rows, Columns].</summary>
    public ReadOnlyMemory<byte> Pixels => PixelArray;

    // Handed to ImageDataset without a copy.
    internal byte[] PixelArray { get; }
}
