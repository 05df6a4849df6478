// Fashion-MNIST loading from generated folders, its errors, and (when installed) the real data.
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Tests.IO;

namespace GhnQat.Runtime.Tests.Data;

[TestFixture]
public sealed class FashionMnistTests
{
    [TestCase(DatasetSplit.Train, "train", true)]
    [TestCase(DatasetSplit.Test, "t10k", true)]
    [TestCase(DatasetSplit.Test, "t10k", false)]
    public void Load_GeneratedFolder_ReturnsImagesAndLabels(DatasetSplit split, string prefix, bool gzip)
    {
        var rng = new Random(10);
        using var temp = new TempFolder();
        var (pixels, labels) = DatasetFiles.WriteFashionSplit(temp.Path, prefix, 20, rng, gzip);

        var data = FashionMnist.Load(split, temp.Path);

        Assert.That((data.Count, data.Channels, data.Height, data.Width), Is.EqualTo((20, 1, 28, 28)));
        Assert.That(data.Pixels.ToArray(), Is.EqualTo(pixels));
        Assert.That(data.Labels.ToArray(), Is.EqualTo(labels));
        Assert.That(data.ClassNames, Has.Count.EqualTo(10));
        Assert.That(data.Mean, Is.EqualTo(new[] { 0.2860f }));
        Assert.That(data.Name, Does.StartWith("fashion-mnist/"));
    }

    [Test]
    public void Load_MissingFile_ThrowsWithPathAndInstallHint()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<GhnQatException>(() => FashionMnist.Load(DatasetSplit.Test, temp.Path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidDataset));
        Assert.That(e.Message, Does.Contain(Path.Combine(temp.Path, "t10k-images-idx3-ubyte.gz")));
        Assert.That(e.Message, Does.Contain("apt-get install dataset-fashion-mnist"));
    }

    [Test]
    public void Load_CountMismatch_ThrowsNamingBothFiles()
    {
        var rng = new Random(11);
        using var temp = new TempFolder();
        DatasetFiles.WriteFashionSplit(temp.Path, "t10k", 5, rng);
        string labelsPath = Path.Combine(temp.Path, "t10k-labels-idx1-ubyte.gz");
        DatasetFiles.WriteLabels(labelsPath, [1, 2, 3, 4]);

        var e = Assert.Throws<GhnQatException>(() => FashionMnist.Load(DatasetSplit.Test, temp.Path));
        Assert.That(e!.Message, Does.Contain("holds 5 images").And.Contain(labelsPath).And.Contain("holds 4 labels"));
    }

    [Test]
    public void Load_WrongImageSize_Throws()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteImages(Path.Combine(temp.Path, "t10k-images-idx3-ubyte.gz"), 2, 32, 32, new byte[2048]);
        DatasetFiles.WriteLabels(Path.Combine(temp.Path, "t10k-labels-idx1-ubyte.gz"), [0, 1]);
        var e = Assert.Throws<GhnQatException>(() => FashionMnist.Load(DatasetSplit.Test, temp.Path));
        Assert.That(e!.Message, Does.Contain("images are 32×32"));
    }

    [Test]
    public void Load_LabelsSwappedWithImages_ThrowsWrongMagic()
    {
        var rng = new Random(12);
        using var temp = new TempFolder();
        DatasetFiles.WriteFashionSplit(temp.Path, "t10k", 3, rng);
        string images = Path.Combine(temp.Path, "t10k-images-idx3-ubyte.gz");
        string labels = Path.Combine(temp.Path, "t10k-labels-idx1-ubyte.gz");
        File.Move(images, images + ".tmp");
        File.Move(labels, images);
        File.Move(images + ".tmp", labels);
        var e = Assert.Throws<GhnQatException>(() => FashionMnist.Load(DatasetSplit.Test, temp.Path));
        Assert.That(e!.Message, Does.StartWith(images).And.Contain("wrong IDX magic"));
    }

    [Test]
    [Category("Data")]
    public void Load_InstalledTestSplit_Has10000BalancedImages()
    {
        RequireInstalledData();
        var data = FashionMnist.Load(DatasetSplit.Test);
        Assert.That((data.Count, data.Channels, data.Height, data.Width), Is.EqualTo((10_000, 1, 28, 28)));
        Assert.That(data.ClassCount, Is.EqualTo(10));
        Assert.That(data.CountPerClass(), Is.All.EqualTo(1000));
    }

    [Test]
    [Category("Data")]
    public void Load_InstalledTrainSplit_StatisticsMatchPublishedMeanAndStd()
    {
        RequireInstalledData();
        var data = FashionMnist.Load(DatasetSplit.Train);
        var (mean, std) = data.ComputeChannelStatistics();
        Assert.That(data.Count, Is.EqualTo(60_000));
        Assert.That(data.CountPerClass(), Is.All.EqualTo(6000));
        // The published values are rounded to 4 decimals.
        Assert.That(mean[0], Is.EqualTo(FashionMnist.Mean[0]).Within(5e-5));
        Assert.That(std[0], Is.EqualTo(FashionMnist.Std[0]).Within(5e-5));
        Assert.That(data.CalibrationSubset().Count, Is.EqualTo(ImageDataset.DefaultCalibrationCount));
    }

    // The data is optional on a developer machine, mandatory in CI (GHNQAT_REQUIRE_DATA=1): never a silent skip there.
    private static void RequireInstalledData()
    {
        if (Directory.Exists(FashionMnist.DefaultFolder))
        {
            return;
        }
        string message = $"{FashionMnist.DefaultFolder} is absent; install with `sudo apt-get install dataset-fashion-mnist`";
        if (Environment.GetEnvironmentVariable("GHNQAT_REQUIRE_DATA") == "1")
        {
            Assert.Fail(message + " (GHNQAT_REQUIRE_DATA=1 makes this a failure)");
        }
        Assert.Ignore(message);
    }
}
