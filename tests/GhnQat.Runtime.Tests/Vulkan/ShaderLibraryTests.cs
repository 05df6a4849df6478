// The build embeds every declared shader variant as valid SPIR-V under its predictable name (no driver needed).
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
public sealed class ShaderLibraryTests
{
    [Test]
    public void Variants_PackShaders_EmbeddedForEveryWidthAndDirection()
    {
        Assert.That(ShaderLibrary.Variants,
            Is.SupersetOf(new[] { "pack_b8", "pack_b4", "pack_b2", "unpack_b8", "unpack_b4", "unpack_b2" }));
    }

    [Test]
    public void LoadWords_EmbeddedVariant_StartsWithSpirvMagic()
    {
        uint[] words = ShaderLibrary.LoadWords("GhnQat.Shaders.pack_b4.spv");

        Assert.That(words[0], Is.EqualTo(0x07230203u));
    }

    [Test]
    public void LoadWords_UnknownVariant_ThrowsListingAvailable()
    {
        var e = Assert.Throws<GhnQatException>(() => ShaderLibrary.LoadWords("pack_b3"));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("pack_b3").And.Contain("pack_b2"));
    }
}
