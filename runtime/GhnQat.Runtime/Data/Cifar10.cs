// Loads CIFAR-10 from the standard binary batches in a user-given folder (it cannot be downloaded here).
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Data;

/// <summary>
/// CIFAR-10 loader for the "binary version" batches: <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> (train)
/// and <c>test_batch.bin</c> (test). Each record is 3073 bytes: one label byte (0..9), then 1024 red, 1024 green
/// and 1024 blue bytes, each plane 32×32 row-major — already the CHW layout the dataset stores.
/// </summary>
public static class Cifar10
{
    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 32;

    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordBytes = 1 + (3 * ImageSide * ImageSide);

    /// <summary>Largest batch file accepted (a real one is 30 730 000 bytes).</summary>
    public const long MaxFileBytes = 1L << 30;

    private static readonly string[] Names =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The ten class names, indexed by label (batches.meta.txt order).</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    /// <summary>Per-channel (R, G, B) mean of the training pixels in [0, 1] units, the commonly used values.</summary>
    public static IReadOnlyList<float> Mean { get; } = [0.4914f, 0.4822f, 0.4465f];

    /// <summary>Per-channel population standard deviation of the training pixels in [0, 1] units.</summary>
    public static IReadOnlyList<float> Std { get; } = [0.2470f, 0.2435f, 0.2616f];

    /// <summary>The batch file names of <paramref name="split"/>, in load order.</summary>
    public static IReadOnlyList<string> BatchFileNames(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"],
        DatasetSplit.Test => ["test_batch.bin"],
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    /// <summary>
    /// Loads one split from <paramref name="folder"/> (train: all five batches in order; test: the test batch).
    /// Errors (<see cref="GhnQatErrorCode.InvalidDataset"/>) name the file: missing, empty, size not a multiple of
    /// 3073, a label above 9.
    /// </summary>
    public static ImageDataset Load(DatasetSplit split, string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var paths = BatchFileNames(split).Select(f => Path.Combine(folder, f)).ToArray();
        var recordCounts = new int[paths.Length];
        long totalRecords = 0;
        for (int i = 0; i < paths.Length; i++)
        {
            recordCounts[i] = CountRecords(paths[i]);
            totalRecords += recordCounts[i];
        }
        if (totalRecords * (RecordBytes - 1) > int.MaxValue)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                $"{folder}: {totalRecords} CIFAR-10 records exceed what one dataset can hold");
        }
        var pixels = new byte[totalRecords * (RecordBytes - 1)];
        var labels = new byte[totalRecords];
        int image = 0;
        var record = new byte[RecordBytes];
        for (int f = 0; f < paths.Length; f++)
        {
            using var stream = new FileStream(paths[f], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            for (int r = 0; r < recordCounts[f]; r++, image++)
            {
                if (stream.ReadAtLeast(record, RecordBytes, throwOnEndOfStream: false) < RecordBytes)
                {
                    throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                        $"{paths[f]}: file shrank while reading record {r}");
                }
                if (record[0] >= Names.Length)
                {
                    throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                        $"{paths[f]}: label {record[0]} of record {r} is out of range; expected 0..{Names.Length - 1}");
                }
                labels[image] = record[0];
                record.AsSpan(1).CopyTo(pixels.AsSpan(image * (RecordBytes - 1), RecordBytes - 1));
            }
        }
        string name = split == DatasetSplit.Train ? "cifar-10/train" : "cifar-10/test";
        return new ImageDataset(name, 3, ImageSide, ImageSide, pixels, labels, Names, Mean, Std);
    }

    // Validates a batch file's size from the file system (the real length) before anything is allocated.
    private static int CountRecords(string path)
    {
        if (Directory.Exists(path))
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                $"{path}: is a directory; expected a CIFAR-10 binary batch file");
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                $"{path}: CIFAR-10 batch not found. CIFAR-10 cannot be downloaded here: copy the binary version " +
                "(cifar-10-binary.tar.gz, folder cifar-10-batches-bin) and pass that folder.");
        }
        long length = info.Length;
        if (length == 0 || length % RecordBytes != 0 || length > MaxFileBytes)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                $"{path}: size {length} bytes is not a positive multiple of the {RecordBytes}-byte record " +
                $"(1 label + 3072 pixels) up to {MaxFileBytes} bytes; truncated or not a CIFAR-10 binary batch");
        }
        return (int)(length / RecordBytes);
    }
}
