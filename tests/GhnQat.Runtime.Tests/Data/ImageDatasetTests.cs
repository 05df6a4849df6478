// Normalization, seeded shuffling and batching, augmentation against a naive reference, and subsets.
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Tests.Data;

[TestFixture]
public sealed class ImageDatasetTests
{
    private static ImageDataset Synthetic(int count, int channels, int side, int seed)
    {
        var rng = new Random(seed);
        var pixels = DatasetFiles.RandomBytes(rng, count * channels * side * side);
        var labels = DatasetFiles.RandomBytes(rng, count, 10);
        var mean = Enumerable.Range(0, channels).Select(c => 0.3f + (0.1f * c)).ToArray();
        var std = Enumerable.Range(0, channels).Select(c => 0.25f + (0.05f * c)).ToArray();
        string[] names = [.. Enumerable.Range(0, 10).Select(i => $"class{i}")];
        return new ImageDataset("synthetic", channels, side, side, pixels, labels, names, mean, std);
    }

    [Test]
    public void Normalize_Range_MatchesFormulaPerChannel()
    {
        var data = Synthetic(6, 3, 5, seed: 1);
        var output = new float[3 * data.ImageElements];
        data.Normalize(2, 3, output);
        for (int i = 0; i < output.Length; i++)
        {
            int c = i % data.ImageElements / 25;
            byte v = data.Pixels[(2 * data.ImageElements) + i];
            Assert.That(output[i], Is.EqualTo(((v / 255f) - data.Mean[c]) / data.Std[c]), $"element {i}");
        }
    }

    [Test]
    public void Normalize_WrongDestinationLength_ThrowsInvalidArgument()
    {
        var data = Synthetic(2, 1, 4, seed: 2);
        var e = Assert.Throws<GhnQatException>(() => data.Normalize(0, 2, new float[31]));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void ShuffledIndices_SameSeed_SamePermutation()
    {
        var data = Synthetic(100, 1, 2, seed: 3);
        var a = data.ShuffledIndices(42);
        Assert.That(data.ShuffledIndices(42), Is.EqualTo(a));
        Assert.That(a.Order(), Is.EqualTo(Enumerable.Range(0, 100)));
        Assert.That(data.ShuffledIndices(43), Is.Not.EqualTo(a));
    }

    [Test]
    public void ShuffledIndices_Seed7_MatchesPinnedOrder()
    {
        // Pinned so a change of PRNG or shuffle algorithm (which would change every run's batches) is noticed;
        // the order was cross-checked with an independent Python SplitMix64 + Lemire + Fisher–Yates.
        var data = Synthetic(10, 1, 2, seed: 4);
        Assert.That(data.ShuffledIndices(7), Is.EqualTo(new[] { 9, 5, 8, 6, 1, 2, 4, 7, 0, 3 }));
    }

    [Test]
    public void Batches_Shuffled_CoverEveryImageOnceWithLastBatchShort()
    {
        var data = Synthetic(23, 1, 4, seed: 5);
        var batches = data.Batches(5, seed: 9).ToList();
        Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 5, 5, 5, 5, 3 }));
        Assert.That(batches.SelectMany(b => b.Indices).Order(), Is.EqualTo(Enumerable.Range(0, 23)));
        foreach (var b in batches)
        {
            Assert.That(b.Labels, Is.EqualTo(b.Indices.Select(data.GetLabel)));
        }
    }

    [Test]
    public void Batches_DropLast_OmitsShortBatch()
    {
        var data = Synthetic(23, 1, 4, seed: 6);
        Assert.That(data.Batches(5, seed: 9, dropLast: true).Select(b => b.Count), Is.EqualTo(new[] { 5, 5, 5, 5 }));
    }

    [Test]
    public void Batches_SameSeedWithAugmentation_IdenticalBatches()
    {
        var data = Synthetic(17, 3, 8, seed: 7);
        var aug = new ImageAugmentation(2, true);
        var a = data.Batches(4, seed: 123, augmentation: aug).ToList();
        var b = data.Batches(4, seed: 123, augmentation: aug).ToList();
        var c = data.Batches(4, seed: 124, augmentation: aug).ToList();
        for (int i = 0; i < a.Count; i++)
        {
            Assert.That(a[i].Indices, Is.EqualTo(b[i].Indices));
            Assert.That(a[i].Images.ToArray(), Is.EqualTo(b[i].Images.ToArray()));
        }
        Assert.That(c.SelectMany(x => x.Images.ToArray()), Is.Not.EqualTo(a.SelectMany(x => x.Images.ToArray())));
    }

    [Test]
    public void Batches_Unshuffled_FollowDatasetOrder()
    {
        var data = Synthetic(7, 1, 3, seed: 8);
        var batch = data.Batches(7, seed: 0, shuffle: false).Single();
        var expected = new float[7 * 9];
        data.Normalize(0, 7, expected);
        Assert.That(batch.Indices, Is.EqualTo(Enumerable.Range(0, 7)));
        Assert.That(batch.Images.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void FillBatch_Augmentation_EachImageIsACropAndFlipOfItsSource()
    {
        var data = Synthetic(12, 3, 6, seed: 9);
        int[] indices = [3, 0, 11, 3, 7, 5, 5, 1];
        var images = new float[indices.Length * data.ImageElements];
        var labels = new int[indices.Length];
        var seen = new HashSet<(int, int, bool)>();

        data.FillBatch(indices, images, labels, new ImageAugmentation(2, true), seed: 77);

        for (int i = 0; i < indices.Length; i++)
        {
            var actual = images.AsSpan(i * data.ImageElements, data.ImageElements).ToArray();
            var match = Candidates(data, indices[i], 2).FirstOrDefault(c => c.Image.SequenceEqual(actual));
            Assert.That(match.Image, Is.Not.Null, $"image {i} is no crop/flip of source {indices[i]}");
            seen.Add(match.Key);
            Assert.That(labels[i], Is.EqualTo(data.GetLabel(indices[i])));
        }
        Assert.That(seen, Has.Count.GreaterThan(1), "augmentation never varied");
    }

    [Test]
    public void FillBatch_NoAugmentation_EqualsNormalize()
    {
        var data = Synthetic(4, 1, 5, seed: 10);
        var images = new float[2 * 25];
        data.FillBatch([2, 3], images, new int[2]);
        var expected = new float[2 * 25];
        data.Normalize(2, 2, expected);
        Assert.That(images, Is.EqualTo(expected));
    }

    [Test]
    public void FillBatch_PaddingAsLargeAsImage_ThrowsInvalidArgument()
    {
        var data = Synthetic(1, 1, 4, seed: 11);
        var e = Assert.Throws<GhnQatException>(() => data.FillBatch([0], new float[16], new int[1], new ImageAugmentation(4, false)));
        Assert.That(e!.Message, Does.Contain("padding 4"));
    }

    [Test]
    public void CalibrationSubset_Default_IsFirst512Images()
    {
        var data = Synthetic(600, 1, 3, seed: 12);
        var calibration = data.CalibrationSubset();
        Assert.That(calibration.Count, Is.EqualTo(512));
        Assert.That(calibration.Pixels.ToArray(), Is.EqualTo(data.Pixels[..(512 * 9)].ToArray()));
        Assert.That(calibration.Labels.ToArray(), Is.EqualTo(data.Labels[..512].ToArray()));
    }

    [Test]
    public void CalibrationSubset_TooFewImages_ThrowsInsteadOfShrinking()
    {
        var data = Synthetic(100, 1, 3, seed: 13);
        var e = Assert.Throws<GhnQatException>(() => data.CalibrationSubset());
        Assert.That(e!.Message, Does.Contain("calibration needs 512 images; the set has 100"));
    }

    [Test]
    public void Take_MoreThanCount_ReturnsAll()
    {
        var data = Synthetic(5, 1, 3, seed: 14);
        Assert.That(data.Take(10).Count, Is.EqualTo(5));
        Assert.That(data.Take(2).Labels.ToArray(), Is.EqualTo(data.Labels[..2].ToArray()));
    }

    [Test]
    public void Subset_Middle_CopiesImagesAndLabels()
    {
        var data = Synthetic(8, 3, 2, seed: 15);
        var sub = data.Subset(3, 4);
        Assert.That(sub.Count, Is.EqualTo(4));
        Assert.That(sub.GetImage(0).ToArray(), Is.EqualTo(data.GetImage(3).ToArray()));
        Assert.That(sub.GetLabel(3), Is.EqualTo(data.GetLabel(6)));
        Assert.That(sub.Mean, Is.EqualTo(data.Mean));
    }

    [Test]
    public void Constructor_LabelOutOfRange_ThrowsInvalidArgument()
    {
        var e = Assert.Throws<GhnQatException>(() =>
            new ImageDataset("bad", 1, 1, 1, [0, 0], [0, 2], ["a", "b"], [0.5f], [0.5f]));
        Assert.That(e!.Message, Does.Contain("label 2 of image 1"));
    }

    [Test]
    public void ComputeChannelStatistics_KnownPixels_Exact()
    {
        // Channel 0: bytes 0 and 255 → mean 0.5, std 0.5; channel 1: constant 51 → mean 0.2, std 0.
        var data = new ImageDataset("known", 2, 1, 1, [0, 51, 255, 51], [0, 0], ["a"], [0f, 0f], [1f, 1f]);
        var (mean, std) = data.ComputeChannelStatistics();
        Assert.That(mean, Is.EqualTo(new[] { 0.5, 0.2 }).Within(1e-12));
        Assert.That(std, Is.EqualTo(new[] { 0.5, 0.0 }).Within(1e-12));
    }

    // Every crop offset and flip of one source image, computed the naive way (pad, crop, mirror).
    private static IEnumerable<(float[] Image, (int, int, bool) Key)> Candidates(ImageDataset data, int index, int pad)
    {
        int h = data.Height, w = data.Width;
        var source = data.GetImage(index).ToArray();
        for (int oy = 0; oy <= 2 * pad; oy++)
        {
            for (int ox = 0; ox <= 2 * pad; ox++)
            {
                foreach (bool flip in new[] { false, true })
                {
                    var image = new float[data.ImageElements];
                    for (int c = 0; c < data.Channels; c++)
                    {
                        var padded = new byte[(h + (2 * pad)) * (w + (2 * pad))];
                        for (int y = 0; y < h; y++)
                        {
                            for (int x = 0; x < w; x++)
                            {
                                padded[((y + pad) * (w + (2 * pad))) + x + pad] = source[(c * h * w) + (y * w) + x];
                            }
                        }
                        for (int y = 0; y < h; y++)
                        {
                            for (int x = 0; x < w; x++)
                            {
                                int cx = flip ? w - 1 - x : x;
                                byte v = padded[((y + oy) * (w + (2 * pad))) + cx + ox];
                                image[(c * h * w) + (y * w) + x] = ((v / 255f) - data.Mean[c]) / data.Std[c];
                            }
                        }
                    }
                    yield return (image, (oy, ox, flip));
                }
            }
        }
    }
}
