// Property and layout tests of the packing contract (design §4): round trips over odd lengths, zero padding,
// hand-computed words for each layout, and rejection of codes or spans that do not fit.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization.Packing;

namespace GhnQat.Runtime.Tests.Quantization;

[TestFixture]
public sealed class PackingTests
{
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 31, 32, 33, 100];

    [Test]
    public void PackThenUnpack_RandomCodes_ReturnsSameCodes(
        [Values(8, 4, 2)] int bits, [Values] bool isSigned, [ValueSource(nameof(Lengths))] int n)
    {
        var rng = new Random(7100 + (bits * 1000) + (isSigned ? 500 : 0) + n);
        int[] codes = RandomCodes(rng, bits, isSigned, n);
        var words = new uint[PackedLayout.WordCount(bits, n)];
        var back = new int[n];

        CodePacking.Pack(bits, isSigned, codes, words);
        CodePacking.Unpack(bits, isSigned, words, back);

        Assert.That(back, Is.EqualTo(codes));
    }

    [Test]
    public void Pack_RandomCodes_PaddingBitsAreZero(
        [Values(8, 4, 2)] int bits, [Values] bool isSigned, [ValueSource(nameof(Lengths))] int n)
    {
        var rng = new Random(7200 + (bits * 1000) + (isSigned ? 500 : 0) + n);
        // Extremes set every bit of a field (−1 signed, max unsigned), so leaking bits would show.
        int fill = isSigned ? -1 : PackedLayout.MaxCode(bits, isSigned);
        int[] codes = rng.Next(2) == 0 ? Enumerable.Repeat(fill, n).ToArray() : RandomCodes(rng, bits, isSigned, n);
        var words = Enumerable.Repeat(0xDEADBEEFu, PackedLayout.WordCount(bits, n)).ToArray();

        CodePacking.Pack(bits, isSigned, codes, words);

        Assert.That(PackedLayout.IsPaddingZero(bits, n, words), Is.True, $"words: {string.Join(", ", words.Select(w => w.ToString("X8")))}");
    }

    [Test]
    public void IsPaddingZero_TailBitSet_ReturnsFalse([Values(8, 4, 2)] int bits)
    {
        var words = new uint[PackedLayout.WordCount(bits, 3)];
        words[^1] = 1u << 31;   // bit 31 never belongs to element 0..2 in any layout

        Assert.That(PackedLayout.IsPaddingZero(bits, 3, words), Is.False);
    }

    [TestCase(8, 0, 0)]
    [TestCase(8, 4, 1)]
    [TestCase(8, 5, 2)]
    [TestCase(4, 8, 1)]
    [TestCase(4, 9, 2)]
    [TestCase(2, 1, 2)]
    [TestCase(2, 32, 2)]
    [TestCase(2, 33, 4)]
    [TestCase(2, 100, 8)]
    public void WordCount_KnownLengths_MatchesContract(int bits, int n, int expected)
    {
        Assert.That(PackedLayout.WordCount(bits, n), Is.EqualTo(expected));
    }

    [Test]
    public void Pack_EightBitSignedCodes_BytesInElementOrder()
    {
        var words = new uint[2];

        LanePacking.Pack(8, [1, -1, 127, -128, 5], isSigned: true, words);

        Assert.That(words, Is.EqualTo(new uint[] { 0x807FFF01u, 0x00000005u }));
    }

    [Test]
    public void Pack_FourBitSignedCodes_TwosComplementNibblesInElementOrder()
    {
        var words = new uint[2];

        LanePacking.Pack(4, [1, -1, 7, -8, 0, 2, -2, 3, -7], isSigned: true, words);

        // Element i at bits [4i, 4i+3]: 1, F, 7, 8, 0, 2, E, 3 | 9.
        Assert.That(words, Is.EqualTo(new uint[] { 0x3E2087F1u, 0x00000009u }));
    }

    [Test]
    public void Pack_FourBitUnsignedCodes_PlainNibbles()
    {
        var words = new uint[1];

        LanePacking.Pack(4, [15, 0, 9], isSigned: false, words);

        Assert.That(words[0], Is.EqualTo(0x0000090Fu));
    }

    [Test]
    public void Pack_TwoBitSignedCodes_BitPlanesPerGroupOf32()
    {
        // Element j of a group at bit j: codes 1 → (b0,b1)=(1,0), −1 → (1,1), 0 → (0,0), −2 → (0,1).
        int[] codes = new int[33];
        codes[0] = 1;
        codes[1] = -1;
        codes[2] = 0;
        codes[3] = -2;
        codes[31] = -1;
        codes[32] = 1;
        var words = new uint[4];

        TwoBitPlanePacking.Pack(codes, isSigned: true, words);

        Assert.That(words, Is.EqualTo(new uint[] { 0x80000003u, 0x8000000Au, 0x00000001u, 0x00000000u }));
    }

    [Test]
    public void Unpack_TwoBitUnsignedPlanes_ValueIsB0PlusTwiceB1()
    {
        var codes = new int[4];

        TwoBitPlanePacking.Unpack([0b0101u, 0b0011u], isSigned: false, codes);

        Assert.That(codes, Is.EqualTo(new[] { 3, 2, 1, 0 }));
    }

    [Test]
    public void Pack_CodeOutOfRange_ThrowsNamingRangeAndIndex(
        [Values(8, 4, 2)] int bits, [Values] bool isSigned, [Values] bool above)
    {
        int bad = above ? PackedLayout.MaxCode(bits, isSigned) + 1 : PackedLayout.MinCode(bits, isSigned) - 1;
        int[] codes = [0, 0, bad];
        var words = new uint[PackedLayout.WordCount(bits, codes.Length)];

        var e = Assert.Throws<GhnQatException>(() => CodePacking.Pack(bits, isSigned, codes, words));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain($"code {bad} at index 2").And.Contain($"{bits}-bit"));
    }

    [Test]
    public void Pack_DestinationTooShort_Throws([Values(8, 4, 2)] int bits)
    {
        var codes = new int[40];
        var words = new uint[PackedLayout.WordCount(bits, codes.Length) - 1];

        var e = Assert.Throws<GhnQatException>(() => CodePacking.Pack(bits, isSigned: true, codes, words));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Unpack_SourceTooShort_Throws([Values(8, 4, 2)] int bits)
    {
        var words = new uint[PackedLayout.WordCount(bits, 40) - 1];
        var codes = new int[40];

        var e = Assert.Throws<GhnQatException>(() => CodePacking.Unpack(bits, isSigned: false, words, codes));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void WordCount_UnsupportedBits_Throws([Values(0, 1, 3, 16)] int bits)
    {
        var e = Assert.Throws<GhnQatException>(() => PackedLayout.WordCount(bits, 4));

        Assert.That(e!.Message, Does.Contain("8, 4 or 2"));
    }

    [Test]
    public void MinMaxCode_AllWidths_MatchTwosComplementRanges()
    {
        Assert.Multiple(() =>
        {
            Assert.That((PackedLayout.MinCode(8, true), PackedLayout.MaxCode(8, true)), Is.EqualTo((-128, 127)));
            Assert.That((PackedLayout.MinCode(4, true), PackedLayout.MaxCode(4, true)), Is.EqualTo((-8, 7)));
            Assert.That((PackedLayout.MinCode(2, true), PackedLayout.MaxCode(2, true)), Is.EqualTo((-2, 1)));
            Assert.That((PackedLayout.MinCode(4, false), PackedLayout.MaxCode(4, false)), Is.EqualTo((0, 15)));
            Assert.That((PackedLayout.MinCode(2, false), PackedLayout.MaxCode(2, false)), Is.EqualTo((0, 3)));
        });
    }

    /// <summary>Uniform codes over the full representable range of the width and signedness.</summary>
    internal static int[] RandomCodes(Random rng, int bits, bool isSigned, int n)
    {
        int min = PackedLayout.MinCode(bits, isSigned);
        int max = PackedLayout.MaxCode(bits, isSigned);
        var codes = new int[n];
        for (int i = 0; i < n; i++)
        {
            codes[i] = rng.Next(min, max + 1);
        }

        return codes;
    }
}
