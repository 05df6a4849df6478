// Hostile dataset files: IDX (raw and gzipped) and CIFAR-10 binary batches. Complements Data/IdxReaderTests and
// Data/Cifar10Tests with other magics, terabyte claims, gzip bombs, corrupt gzip and sparse files beyond the caps.
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Tests.Data;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>The dataset part of the corpus: <see cref="IdxReader"/> and <see cref="Cifar10.Load"/>.</summary>
internal static class DatasetCorpus
{
    private const GhnQatErrorCode Bad = GhnQatErrorCode.InvalidDataset;

    public static IEnumerable<HostileCase> IdxCases()
    {
        // Magics of other formats and other IDX types.
        yield return Images("ZipFileMagic", [0x50, 0x4B, 0x03, 0x04, .. new byte[60]], "wrong IDX magic: expected 0x00000803");
        yield return Images("FloatIdxMagic", DatasetFiles.Idx(0x00000D03, [1, 2, 2], new byte[16]), "found 0x00000D03");
        yield return Images("FourDimensionMagic", DatasetFiles.Idx(0x00000804, [1, 1, 2, 2], new byte[4]), "found 0x00000804");
        yield return Labels("ImageMagicInLabelsGzipOfZeros", DatasetFiles.Gzip(new byte[64]), "found 0x00000000");

        // Truncated at every level: magic, dims, data.
        yield return Images("CutInsideMagic", [0x00, 0x00], "truncated header: expected 16 bytes, found 2");
        yield return Images("CutInsideDims", DatasetFiles.Idx(0x803, [3, 28], []), "truncated header: expected 16 bytes, found 12");
        yield return Labels("LabelsFewerThanCount", DatasetFiles.Idx(0x801, [100], new byte[10]), "need 100 bytes after the header, found 10");

        // Dims that claim far more than the file holds.
        yield return Images("ImagesClaimThreeTerabytes", DatasetFiles.Idx(0x803, [uint.MaxValue, 28, 28], new byte[64]),
            "4294967295 images of 28×28 need 3367254359280 bytes; the cap is");
        yield return Labels("LabelsClaimFourGigabytes", DatasetFiles.Idx(0x801, [uint.MaxValue], new byte[64]), "label count 4294967295 is absurd");
        yield return Images("RawImagesClaimOneGigabyte", DatasetFiles.Idx(0x803, [1_369_000, 28, 28], new byte[100]),
            "need 1073296000 bytes after the header, found 100");
        yield return new HostileCase("GzipBombClaimsAndDeliversGigabyte", folder =>
        {
            // ~10 MB on disk that inflates to a header claiming 1.07 GB (under the data cap) and the zeros to back it.
            string path = Path.Combine(folder, "bomb.gz");
            WriteGzipBomb(path, DatasetFiles.Idx(0x803, [1_369_000, 28, 28], []), zeroMebibytes: 1024);
            return new HostileParse(() => IdxReader.ReadImages(path), path);
        }, Bad, "would have to inflate more than 64:1");
        yield return new HostileCase("GzipBombAfterSmallHeader", folder =>
        {
            // One 28×28 image followed by a gigabyte of zeros: rejected at the first trailing byte, not after inflating it.
            string path = Path.Combine(folder, "trailing-bomb.gz");
            WriteGzipBomb(path, DatasetFiles.Idx(0x803, [1, 28, 28], new byte[784]), zeroMebibytes: 1024);
            return new HostileParse(() => IdxReader.ReadImages(path), path);
        }, Bad, "trailing bytes after the 784 data bytes");

        // Corrupt gzip.
        yield return Images("GzipCrcFlipped", FlipByte(DatasetFiles.Gzip(DatasetFiles.Idx(0x803, [1, 2, 2], [1, 2, 3, 4])), ^8), "corrupt gzip");
        yield return Images("GzipLengthTrailerWrong", FlipByte(DatasetFiles.Gzip(DatasetFiles.Idx(0x803, [1, 2, 2], [1, 2, 3, 4])), ^4), "corrupt gzip");
        yield return Images("GzipMagicOnly", [0x1F, 0x8B], "");
        yield return Images("GzipUnknownCompressionMethod", [0x1F, 0x8B, 0x07, 0, 0, 0, 0, 0, 0, 0xFF, 1, 2, 3, 4], "corrupt gzip");
        yield return new HostileCase("PathIsDirectory", folder =>
        {
            string path = Path.Combine(folder, "train-images-idx3-ubyte.gz");
            Directory.CreateDirectory(path);
            return new HostileParse(() => IdxReader.ReadImages(path), path);
        }, Bad, "cannot open");
    }

    public static IEnumerable<HostileCase> CifarCases()
    {
        yield return Cifar("Cifar100RecordSize", 3074 * 10, "size 30740 bytes is not a positive multiple of the 3073-byte record");
        yield return Cifar("RecordWithoutLabelByte", 3072 * 3, "size 9216 bytes is not a positive multiple");
        yield return Cifar("OneByteShortOfTwoRecords", (2 * 3073) - 1, "size 6145 bytes");
        yield return Cifar("SparseBatchOverCap", 3073L * 350_000, "up to 1073741824 bytes");
        yield return new HostileCase("FiveSparseBatchesOverflowOneDataset", folder =>
        {
            // Each batch is under the per-file cap; together they exceed what one int-indexed dataset can hold.
            foreach (string name in Cifar10.BatchFileNames(DatasetSplit.Train)) Sparse(Path.Combine(folder, name), 3073L * 349_000);
            return new HostileParse(() => Cifar10.Load(DatasetSplit.Train, folder), folder);
        }, Bad, "1745000 CIFAR-10 records exceed what one dataset can hold");
        yield return new HostileCase("BatchIsDirectory", folder =>
        {
            string path = Path.Combine(folder, "test_batch.bin");
            Directory.CreateDirectory(path);
            return new HostileParse(() => Cifar10.Load(DatasetSplit.Test, folder), path);
        }, Bad, "is a directory");
    }

    private static HostileCase Images(string name, byte[] file, string fragment) => new(name, folder =>
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, file);
        return new HostileParse(() => IdxReader.ReadImages(path), path);
    }, Bad, fragment);

    private static HostileCase Labels(string name, byte[] file, string fragment) => new(name, folder =>
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, file);
        return new HostileParse(() => IdxReader.ReadLabels(path, 10), path);
    }, Bad, fragment);

    private static HostileCase Cifar(string name, long length, string fragment) => new(name, folder =>
    {
        string path = Path.Combine(folder, "test_batch.bin");
        Sparse(path, length);
        return new HostileParse(() => Cifar10.Load(DatasetSplit.Test, folder), path);
    }, Bad, fragment);

    // A file of the given length that takes no disk space (ftruncate leaves a hole on Linux file systems).
    private static void Sparse(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.SetLength(length);
    }

    private static byte[] FlipByte(byte[] bytes, Index at)
    {
        bytes[at] ^= 0xFF;
        return bytes;
    }

    // Gzip allows several members back to back; each 1 MiB member of zeros deflates to about 10 KB.
    private static void WriteGzipBomb(string path, byte[] head, int zeroMebibytes)
    {
        byte[] zeros = DatasetFiles.Gzip(new byte[1 << 20]);
        using var stream = new FileStream(path, FileMode.CreateNew);
        stream.Write(DatasetFiles.Gzip(head));
        for (int i = 0; i < zeroMebibytes; i++) stream.Write(zeros);
    }
}
