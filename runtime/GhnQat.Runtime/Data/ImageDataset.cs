// An in-memory labelled image set (bytes, NCHW) with normalization, seeded batching, augmentation and subsets.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Data;

/// <summary>
/// Images as unsigned bytes in NCHW order (image, channel, row, column) with one class label per image, plus the
/// per-channel mean and standard deviation (in [0, 1] pixel units) used to normalize them:
/// <c>x = (byte / 255 − mean[c]) / std[c]</c>. Immutable after construction.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Size of the default calibration subset: the first 512 training images (design §4).</summary>
    public const int DefaultCalibrationCount = 512;

    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly string[] _classNames;
    private readonly float[] _mean;
    private readonly float[] _std;
    // Per channel, the normalized value of each of the 256 byte values: exact same float as the formula, and fast.
    private readonly float[] _lookup;

    /// <summary>
    /// Wraps pixel and label arrays; they are taken over, not copied, so do not modify them afterwards.
    /// Throws <see cref="GhnQatErrorCode.InvalidArgument"/> when sizes disagree or a label is out of range.
    /// </summary>
    public ImageDataset(string name, int channels, int height, int width, byte[] pixels, byte[] labels,
        IReadOnlyList<string> classNames, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (channels <= 0 || height <= 0 || width <= 0)
        {
            throw Bad(name, $"image shape {channels}×{height}×{width} must be positive");
        }
        long imageElements = (long)channels * height * width;
        if (imageElements > int.MaxValue || pixels.LongLength != labels.LongLength * imageElements)
        {
            throw Bad(name, $"{pixels.LongLength} pixel bytes do not hold {labels.Length} images of {channels}×{height}×{width}");
        }
        if (mean.Count != channels || std.Count != channels || std.Any(s => !(s > 0)))
        {
            throw Bad(name, $"mean and std need {channels} values each, std > 0; found {mean.Count} and {std.Count}");
        }
        if (classNames.Count is 0 or > 256)
        {
            throw Bad(name, $"class count {classNames.Count} must be in 1..256 (labels are bytes)");
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classNames.Count)
            {
                throw Bad(name, $"label {labels[i]} of image {i} is out of range 0..{classNames.Count - 1}");
            }
        }
        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        ImageElements = (int)imageElements;
        _pixels = pixels;
        _labels = labels;
        _classNames = [.. classNames];
        _mean = [.. mean];
        _std = [.. std];
        _lookup = new float[channels * 256];
        for (int c = 0; c < channels; c++)
        {
            for (int v = 0; v < 256; v++)
            {
                _lookup[(c * 256) + v] = ((v / 255f) - _mean[c]) / _std[c];
            }
        }
    }

    /// <summary>Short identifier, e.g. "fashion-mnist/train"; shows up in messages and artifact metadata.</summary>
    public string Name { get; }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Channels per image (1 for Fashion-MNIST, 3 for CIFAR-10).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Bytes (and normalized floats) per image: Channels × Height × Width.</summary>
    public int ImageElements { get; }

    /// <summary>Class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>Number of classes.</summary>
    public int ClassCount => _classNames.Length;

    /// <summary>Per-channel mean in [0, 1] pixel units used by normalization.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviation in [0, 1] pixel units used by normalization.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>All pixels, bytes 0..255, layout [Count, Channels, Height, Width].</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>All labels, one byte per image.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The bytes of image <paramref name="index"/>, layout [Channels, Height, Width].</summary>
    public ReadOnlySpan<byte> GetImage(int index) =>
        _pixels.AsSpan(checked(CheckIndex(index) * ImageElements), ImageElements);

    /// <summary>The class of image <paramref name="index"/>.</summary>
    public int GetLabel(int index) => _labels[CheckIndex(index)];

    /// <summary>
    /// Writes images [<paramref name="start"/>, start + <paramref name="count"/>) normalized to float32 NCHW into
    /// <paramref name="destination"/> (exactly count × <see cref="ImageElements"/> values).
    /// </summary>
    public void Normalize(int start, int count, Span<float> destination)
    {
        if (start < 0 || count < 0 || start > Count - count)
        {
            throw Bad(Name, $"range [{start}, {start + count}) is outside 0..{Count}");
        }
        CheckDestination(destination.Length, (long)count * ImageElements);
        for (int i = 0; i < count; i++)
        {
            WriteImage(start + i, destination.Slice(i * ImageElements, ImageElements), 0, 0, false);
        }
    }

    /// <summary>
    /// Fills caller-owned buffers with the images at <paramref name="indices"/>: normalized float32 NCHW into
    /// <paramref name="images"/> (indices.Length × <see cref="ImageElements"/>) and classes into
    /// <paramref name="labels"/> (indices.Length). With <paramref name="augmentation"/>, each image gets its own
    /// crop offset and flip, drawn in order from <c>SplitMix64(seed)</c>. Allocates nothing.
    /// </summary>
    public void FillBatch(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels,
        ImageAugmentation? augmentation = null, ulong seed = 0)
    {
        CheckDestination(images.Length, (long)indices.Length * ImageElements);
        if (labels.Length != indices.Length)
        {
            throw Bad(Name, $"labels buffer holds {labels.Length} values; expected {indices.Length}");
        }
        var aug = augmentation ?? ImageAugmentation.None;
        if (aug.Padding < 0 || aug.Padding >= Math.Min(Height, Width))
        {
            throw Bad(Name, $"augmentation padding {aug.Padding} must be in 0..{Math.Min(Height, Width) - 1}");
        }
        var rng = aug.IsIdentity ? null : new SplitMix64(seed);
        for (int i = 0; i < indices.Length; i++)
        {
            int index = CheckIndex(indices[i]);
            int dy = 0, dx = 0;
            bool flip = false;
            if (rng is not null)
            {
                // Offsets in the padded image, 0..2p; the crop's top-left in original coordinates is (dy−p, dx−p).
                dy = aug.Padding == 0 ? 0 : rng.NextInt32((2 * aug.Padding) + 1) - aug.Padding;
                dx = aug.Padding == 0 ? 0 : rng.NextInt32((2 * aug.Padding) + 1) - aug.Padding;
                flip = aug.HorizontalFlip && rng.NextBool();
            }
            WriteImage(index, images.Slice(i * ImageElements, ImageElements), dy, dx, flip);
            labels[i] = _labels[index];
        }
    }

    /// <summary>A permutation of 0..Count−1 by Fisher–Yates driven by <c>SplitMix64(seed)</c>.</summary>
    public int[] ShuffledIndices(ulong seed)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        var rng = new SplitMix64(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// Mini-batches over the whole set. Order: <see cref="ShuffledIndices"/>(seed) when <paramref name="shuffle"/>,
    /// else 0..Count−1. Batch k is augmented with seed <c>SplitMix64.Mix(seed, k)</c>. Pass a different seed per
    /// epoch (e.g. <c>SplitMix64.Mix(runSeed, epoch)</c>). Each batch owns new arrays.
    /// </summary>
    public IEnumerable<ImageBatch> Batches(int batchSize, ulong seed, bool shuffle = true,
        ImageAugmentation? augmentation = null, bool dropLast = false)
    {
        if (batchSize <= 0)
        {
            throw Bad(Name, $"batch size {batchSize} must be positive");
        }
        return Iterate(batchSize, seed, shuffle, augmentation, dropLast);
    }

    /// <summary>A new dataset with images [<paramref name="start"/>, start + <paramref name="count"/>) (copied).</summary>
    public ImageDataset Subset(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
        {
            throw Bad(Name, $"subset [{start}, {start + count}) is outside 0..{Count}");
        }
        return new ImageDataset(Name, Channels, Height, Width,
            _pixels.AsSpan(start * ImageElements, count * ImageElements).ToArray(),
            _labels.AsSpan(start, count).ToArray(), _classNames, _mean, _std);
    }

    /// <summary>The first <paramref name="count"/> images (all of them when fewer exist).</summary>
    public ImageDataset Take(int count) => Subset(0, Math.Min(Math.Max(count, 0), Count));

    /// <summary>
    /// The deterministic calibration set: the first <paramref name="count"/> images of this (training) set, no
    /// shuffling, no augmentation (design §4). Throws when fewer images exist, so a short file cannot silently
    /// shrink the calibration.
    /// </summary>
    public ImageDataset CalibrationSubset(int count = DefaultCalibrationCount)
    {
        if (count <= 0 || count > Count)
        {
            throw Bad(Name, $"calibration needs {count} images; the set has {Count}");
        }
        return Subset(0, count);
    }

    /// <summary>Number of images of each class, indexed by label.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (byte label in _labels)
        {
            counts[label]++;
        }
        return counts;
    }

    /// <summary>
    /// Per-channel mean and population standard deviation of all pixels in [0, 1] units, accumulated exactly in
    /// integers (sum and sum of squares of bytes) so the result does not depend on summation order.
    /// </summary>
    public (double[] Mean, double[] Std) ComputeChannelStatistics()
    {
        var mean = new double[Channels];
        var std = new double[Channels];
        int plane = Height * Width;
        for (int c = 0; c < Channels; c++)
        {
            long sum = 0, sumSquares = 0;
            for (int i = 0; i < Count; i++)
            {
                foreach (byte v in _pixels.AsSpan((i * ImageElements) + (c * plane), plane))
                {
                    sum += v;
                    sumSquares += v * v;
                }
            }
            double n = (double)Count * plane;
            double m = sum / n;
            mean[c] = m / 255.0;
            std[c] = Math.Sqrt(Math.Max(0, (sumSquares / n) - (m * m))) / 255.0;
        }
        return (mean, std);
    }

    private IEnumerable<ImageBatch> Iterate(int batchSize, ulong seed, bool shuffle, ImageAugmentation? augmentation,
        bool dropLast)
    {
        int[] order = shuffle ? ShuffledIndices(seed) : Enumerable.Range(0, Count).ToArray();
        int batchNumber = 0;
        for (int start = 0; start < order.Length; start += batchSize, batchNumber++)
        {
            int n = Math.Min(batchSize, order.Length - start);
            if (n < batchSize && dropLast)
            {
                yield break;
            }
            int[] indices = order.AsSpan(start, n).ToArray();
            var images = new float[n * ImageElements];
            var labels = new int[n];
            FillBatch(indices, images, labels, augmentation, SplitMix64.Mix(seed, (ulong)batchNumber));
            yield return new ImageBatch(indices, images, labels, Channels, Height, Width);
        }
    }

    // Writes one normalized image; (dy, dx) shifts the crop window, out-of-image pixels read as byte 0.
    private void WriteImage(int index, Span<float> destination, int dy, int dx, bool flip)
    {
        var source = _pixels.AsSpan(index * ImageElements, ImageElements);
        for (int c = 0; c < Channels; c++)
        {
            var table = _lookup.AsSpan(c * 256, 256);
            var plane = source.Slice(c * Height * Width, Height * Width);
            var output = destination.Slice(c * Height * Width, Height * Width);
            for (int y = 0; y < Height; y++)
            {
                int sy = y + dy;
                for (int x = 0; x < Width; x++)
                {
                    int sx = (flip ? Width - 1 - x : x) + dx;
                    byte v = sy >= 0 && sy < Height && sx >= 0 && sx < Width ? plane[(sy * Width) + sx] : (byte)0;
                    output[(y * Width) + x] = table[v];
                }
            }
        }
    }

    private int CheckIndex(int index) =>
        (uint)index < (uint)Count ? index : throw Bad(Name, $"image index {index} is outside 0..{Count - 1}");

    private void CheckDestination(int actual, long expected)
    {
        if (actual != expected)
        {
            throw Bad(Name, $"destination holds {actual} floats; expected {expected}");
        }
    }

    private static GhnQatException Bad(string name, string problem) =>
        new(GhnQatErrorCode.InvalidArgument, $"dataset {name}: {problem}");
}
