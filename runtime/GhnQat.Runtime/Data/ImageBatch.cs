// One mini-batch: normalized float32 NCHW images, their labels and which dataset rows they came from.
namespace GhnQat.Runtime.Data;

/// <summary>
/// A mini-batch produced by <see cref="ImageDataset.Batches"/>. Each batch owns fresh arrays (safe to keep
/// or hand to another thread); use <see cref="ImageDataset.FillBatch"/> to fill caller-owned buffers instead.
/// </summary>
public sealed class ImageBatch
{
    internal ImageBatch(int[] indices, float[] images, int[] labels, int channels, int height, int width)
    {
        Indices = indices;
        Images = images;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of images in this batch (the last batch may be smaller).</summary>
    public int Count => Indices.Count;

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Dataset rows of the images, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Normalized pixels, float32, layout [Count, Channels, Height, Width] (NCHW).</summary>
    public ReadOnlyMemory<float> Images { get; }

    /// <summary>Class index of each image, in batch order.</summary>
    public IReadOnlyList<int> Labels { get; }
}
