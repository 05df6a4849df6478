// Word counts and code ranges of the packing contract (design §4): 8-bit, 4-bit and 2-bit bit-plane rows.
// Shared by the C# reference packers and the host side of the Vulkan kernels (shaders/packing.glsl mirrors it).
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>
/// Sizes and ranges of packed rows. A row of <c>n</c> codes packs into <c>ceil(n/4)</c> words at 8 bits,
/// <c>ceil(n/8)</c> at 4 bits and <c>2·ceil(n/32)</c> at 2 bits (bit-planes); tail padding bits are zero.
/// </summary>
public static class PackedLayout
{
    /// <summary>Elements per 2-bit bit-plane group; each group occupies <see cref="BitPlaneGroupWords"/> words.</summary>
    public const int BitPlaneGroupElements = 32;

    /// <summary>Words per 2-bit group: plane 0 (bit 0 of every element), then plane 1 (bit 1).</summary>
    public const int BitPlaneGroupWords = 2;

    /// <summary>Throws unless <paramref name="bits"/> is a packed width of the contract (8, 4 or 2).</summary>
    /// <exception cref="GhnQatException">InvalidArgument when the width is not 8, 4 or 2.</exception>
    public static void ValidateBits(int bits)
    {
        if (bits is not (8 or 4 or 2))
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"packed code width {bits} bits is not supported: the contract packs 8, 4 or 2 bits");
        }
    }

    /// <summary>Number of uint32 words that hold <paramref name="count"/> codes of <paramref name="bits"/> bits.</summary>
    /// <exception cref="GhnQatException">InvalidArgument for an unsupported width or a negative count.</exception>
    public static int WordCount(int bits, int count)
    {
        ValidateBits(bits);
        if (count < 0)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"code count must be ≥ 0, got {count}");
        }

        // long arithmetic: count + 31 must not overflow for counts near int.MaxValue.
        long words = bits == 2
            ? BitPlaneGroupWords * (((long)count + BitPlaneGroupElements - 1) / BitPlaneGroupElements)
            : ((long)count + ValuesPerWord(bits) - 1) / ValuesPerWord(bits);
        return checked((int)words);
    }

    /// <summary>Codes per uint32 word for 8-bit (4) and 4-bit (8) packing; 2-bit uses bit-plane groups instead.</summary>
    /// <exception cref="GhnQatException">InvalidArgument unless <paramref name="bits"/> is 8 or 4.</exception>
    public static int ValuesPerWord(int bits) => bits switch
    {
        8 => 4,
        4 => 8,
        _ => throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"{bits}-bit codes have no values-per-word: 8-bit and 4-bit pack per word, 2-bit packs in bit-plane groups"),
    };

    /// <summary>Smallest code representable: −2^(bits−1) when signed (two's complement), else 0.</summary>
    public static int MinCode(int bits, bool isSigned)
    {
        ValidateBits(bits);
        return isSigned ? -(1 << (bits - 1)) : 0;
    }

    /// <summary>Largest code representable: 2^(bits−1) − 1 when signed, else 2^bits − 1.</summary>
    public static int MaxCode(int bits, bool isSigned)
    {
        ValidateBits(bits);
        return isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /// <summary>
    /// True when every bit of <paramref name="words"/> that does not belong to one of the first
    /// <paramref name="count"/> codes is zero (the contract's padding rule; also used to reject hostile files).
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument when <paramref name="words"/> is shorter than the row.</exception>
    public static bool IsPaddingZero(int bits, int count, ReadOnlySpan<uint> words)
    {
        int wordCount = WordCount(bits, count);
        PackingGuard.CheckPackedLength(bits, count, words.Length);
        for (int w = 0; w < wordCount; w++)
        {
            if ((words[w] & ~UsedBitsMask(bits, count, w)) != 0)
            {
                return false;
            }
        }

        return true;
    }

    // Bits of word w that hold one of the first `count` codes.
    private static uint UsedBitsMask(int bits, int count, int w)
    {
        // Elements covered by word w: a run of values for 8/4-bit, one lane per element of the group for 2-bit.
        int first = bits == 2 ? (w / BitPlaneGroupWords) * BitPlaneGroupElements : w * ValuesPerWord(bits);
        int perWord = bits == 2 ? BitPlaneGroupElements : ValuesPerWord(bits);
        int lanes = Math.Clamp(count - first, 0, perWord);
        int usedBits = bits == 2 ? lanes : lanes * bits;
        return usedBits >= 32 ? uint.MaxValue : (1u << usedBits) - 1u;
    }
}
