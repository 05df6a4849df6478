// IDX parsing: valid raw and gzipped files, and every hostile variant the loader must reject with a clear message.
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Tests.IO;

namespace GhnQat.Runtime.Tests.Data;

[TestFixture]
public sealed class IdxReaderTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void ReadImages_ValidFile_ReturnsDimsAndPixels(bool gzip)
    {
        var rng = new Random(1);
        using var temp = new TempFolder();
        string path = temp.File("img");
        byte[] pixels = DatasetFiles.RandomBytes(rng, 5 * 3 * 4);
        DatasetFiles.WriteImages(path, 5, 3, 4, pixels, gzip);

        var images = IdxReader.ReadImages(path);

        Assert.That((images.Count, images.Rows, images.Columns), Is.EqualTo((5, 3, 4)));
        Assert.That(images.Pixels.ToArray(), Is.EqualTo(pixels));
    }

    [Test]
    public void ReadLabels_GzippedFile_ReturnsLabels()
    {
        var rng = new Random(2);
        using var temp = new TempFolder();
        string path = temp.File("lbl.gz");
        byte[] labels = DatasetFiles.RandomBytes(rng, 100, 10);
        DatasetFiles.WriteLabels(path, labels);
        Assert.That(IdxReader.ReadLabels(path, 10), Is.EqualTo(labels));
    }

    [Test]
    public void ReadImages_LabelFile_ThrowsWrongMagicExpectedVsFound()
    {
        using var temp = new TempFolder();
        string path = temp.File("labels.gz");
        DatasetFiles.WriteLabels(path, [1, 2, 3]);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidDataset));
        Assert.That(e.Message, Does.StartWith(path).And.Contain("expected 0x00000803").And.Contain("found 0x00000801"));
    }

    [Test]
    public void ReadLabels_ImageFile_ThrowsWrongMagic()
    {
        using var temp = new TempFolder();
        string path = temp.File("images.gz");
        DatasetFiles.WriteImages(path, 1, 2, 2, new byte[4]);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadLabels(path, 10));
        Assert.That(e!.Message, Does.Contain("expected 0x00000801").And.Contain("found 0x00000803"));
    }

    [Test]
    public void ReadImages_TruncatedHeader_Throws()
    {
        using var temp = new TempFolder();
        string path = temp.File("short.gz");
        DatasetFiles.Write(path, DatasetFiles.Idx(0x803, [7], []), gzip: true);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain("truncated header: expected 16 bytes, found 8"));
    }

    [Test]
    public void ReadImages_TruncatedData_ThrowsExpectedVsFound()
    {
        using var temp = new TempFolder();
        string path = temp.File("cut.gz");
        DatasetFiles.Write(path, DatasetFiles.Idx(0x803, [10, 28, 28], new byte[1000]), gzip: true);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidDataset));
        Assert.That(e.Message, Does.Contain("need 7840 bytes after the header, found 1000"));
    }

    [Test]
    public void ReadImages_TruncatedGzipStream_ThrowsInvalidDataset()
    {
        var rng = new Random(3);
        using var temp = new TempFolder();
        string path = temp.File("cut-gzip.gz");
        byte[] gz = DatasetFiles.Gzip(DatasetFiles.Idx(0x803, [50, 28, 28], DatasetFiles.RandomBytes(rng, 50 * 784)));
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidDataset));
        Assert.That(e.Message, Does.StartWith(path));
    }

    [Test]
    public void ReadImages_GzipMagicThenGarbage_ThrowsCorruptGzip()
    {
        using var temp = new TempFolder();
        string path = temp.File("garbage.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidDataset));
    }

    [TestCase(1u, 0u, 28u, "absurd")]
    [TestCase(1u, 28u, 5000u, "absurd")]
    [TestCase(0xFFFFFFFFu, 4096u, 4096u, "the cap is")]
    public void ReadImages_AbsurdDims_Throws(uint count, uint rows, uint cols, string expected)
    {
        using var temp = new TempFolder();
        string path = temp.File("dims");
        DatasetFiles.Write(path, DatasetFiles.Idx(0x803, [count, rows, cols], []), gzip: false);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void ReadImages_HeaderClaimsFarMoreThanPresent_AllocatesLittle()
    {
        using var temp = new TempFolder();
        string path = temp.File("liar.gz");
        // Claims 1 000 000 × 28 × 28 = 784 MB (under the cap) but holds 100 bytes.
        DatasetFiles.Write(path, DatasetFiles.Idx(0x803, [1_000_000, 28, 28], new byte[100]), gzip: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(8L << 20), "allocation must follow the real data, not the header");
    }

    [Test]
    public void ReadImages_TrailingBytes_Throws()
    {
        using var temp = new TempFolder();
        string path = temp.File("long");
        DatasetFiles.Write(path, DatasetFiles.Idx(0x803, [1, 2, 2], new byte[5]), gzip: false);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain("trailing bytes"));
    }

    [Test]
    public void ReadLabels_LabelOutOfRange_ThrowsNamingIndex()
    {
        using var temp = new TempFolder();
        string path = temp.File("lbl.gz");
        DatasetFiles.WriteLabels(path, [0, 9, 10, 3]);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadLabels(path, 10));
        Assert.That(e!.Message, Does.Contain("label 10 at index 2 is out of range; expected 0..9"));
    }

    [Test]
    public void ReadImages_MissingFile_ThrowsNamingPath()
    {
        using var temp = new TempFolder();
        string path = temp.File("absent.gz");
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidDataset));
        Assert.That(e.Message, Does.StartWith(path));
    }

    [Test]
    public void ReadImages_EmptyFile_ThrowsTruncatedHeader()
    {
        using var temp = new TempFolder();
        string path = temp.File("empty");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<GhnQatException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain("found 0"));
    }
}
