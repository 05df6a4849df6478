// Loads Fashion-MNIST (Zalando, 28×28 grey, 10 classes) from the gzipped IDX files of Debian's dataset package.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Data;

/// <summary>
/// Fashion-MNIST loader. The default folder is where Debian's <c>dataset-fashion-mnist</c> package installs
/// the four files; any folder with the same file names (gzipped or not) works.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Image side in pixels.</summary>
    public const int ImageSide = 28;

    private static readonly string[] Names =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The ten class names, indexed by label (from the dataset's README).</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    /// <summary>
    /// Mean of all training pixels in [0, 1] units (0.2860), the commonly used value; it is recomputed from the
    /// training split and checked by a test when the data is installed.
    /// </summary>
    public static IReadOnlyList<float> Mean { get; } = [0.2860f];

    /// <summary>Population standard deviation of all training pixels in [0, 1] units (0.3530); see <see cref="Mean"/>.</summary>
    public static IReadOnlyList<float> Std { get; } = [0.3530f];

    /// <summary>File name of the images of <paramref name="split"/>, e.g. "train-images-idx3-ubyte.gz".</summary>
    public static string ImagesFileName(DatasetSplit split) => $"{Prefix(split)}-images-idx3-ubyte.gz";

    /// <summary>File name of the labels of <paramref name="split"/>, e.g. "t10k-labels-idx1-ubyte.gz".</summary>
    public static string LabelsFileName(DatasetSplit split) => $"{Prefix(split)}-labels-idx1-ubyte.gz";

    /// <summary>
    /// Loads one split (train: 60 000 images, test: 10 000) from <paramref name="folder"/>, default
    /// <see cref="DefaultFolder"/>. A file without ".gz" is used when the gzipped one is absent.
    /// Errors (<see cref="GhnQatErrorCode.InvalidDataset"/>) name the file; a missing file says how to install it.
    /// </summary>
    public static ImageDataset Load(DatasetSplit split, string? folder = null)
    {
        folder ??= DefaultFolder;
        string imagesPath = Locate(folder, ImagesFileName(split));
        string labelsPath = Locate(folder, LabelsFileName(split));
        var images = IdxReader.ReadImages(imagesPath);
        if (images.Rows != ImageSide || images.Columns != ImageSide)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                $"{imagesPath}: images are {images.Rows}×{images.Columns}; Fashion-MNIST images are {ImageSide}×{ImageSide}");
        }
        byte[] labels = IdxReader.ReadLabels(labelsPath, Names.Length);
        if (labels.Length != images.Count)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
                $"{imagesPath} holds {images.Count} images but {labelsPath} holds {labels.Length} labels; expected equal counts");
        }
        string name = split == DatasetSplit.Train ? "fashion-mnist/train" : "fashion-mnist/test";
        return new ImageDataset(name, 1, ImageSide, ImageSide, images.PixelArray, labels, Names, Mean, Std);
    }

    private static string Prefix(DatasetSplit split) => split switch
    {
        DatasetSplit.Train => "train",
        DatasetSplit.Test => "t10k",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
    };

    private static string Locate(string folder, string gzName)
    {
        string gz = Path.Combine(folder, gzName);
        if (File.Exists(gz))
        {
            return gz;
        }
        string raw = gz[..^3];
        if (File.Exists(raw))
        {
            return raw;
        }
        throw new GhnQatException(GhnQatErrorCode.InvalidDataset,
            $"{gz}: Fashion-MNIST file not found. Install the data with `sudo apt-get install dataset-fashion-mnist` " +
            $"(or `./ghnqat setup`), or pass the folder that holds the four IDX files.");
    }
}
