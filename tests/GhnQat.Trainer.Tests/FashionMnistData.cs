// The dataset requirement every data-reading trainer test shares: fail when CI asks for the data, else skip.
using GhnQat.Runtime.Data;

namespace GhnQat.Trainer.Tests;

/// <summary>Whether the Debian Fashion-MNIST package is installed, as a test precondition.</summary>
internal static class FashionMnistData
{
    /// <summary>
    /// Fails the test when <paramref name="split"/>'s images are missing and GHNQAT_REQUIRE_DATA=1 (CI, `./ghnqat
    /// test`), skips it when missing otherwise.
    /// </summary>
    public static void Require(DatasetSplit split = DatasetSplit.Test)
    {
        bool present = File.Exists(Path.Combine(FashionMnist.DefaultFolder, FashionMnist.ImagesFileName(split)));
        if (!present && Environment.GetEnvironmentVariable("GHNQAT_REQUIRE_DATA") == "1")
            Assert.Fail($"Fashion-MNIST is missing from {FashionMnist.DefaultFolder} (run ./ghnqat setup)");
        if (!present) Assert.Ignore("Fashion-MNIST not installed");
    }
}
