// 8-bit and 4-bit packing of the contract: 32/bits codes per uint32, element i of a word in bits [b(i%p), b(i%p)+b−1]
// (b = bits, p = 32/b; for 8 bits that is byte i%4, little-endian). Signed codes are two's complement fields;
// unsigned codes plain. The tail fields of the last word are zero.
namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>Packs and unpacks 8-bit (4 per word) and 4-bit (8 per word) codes into uint32 lanes.</summary>
public static class LanePacking
{
    /// <summary>
    /// Packs <paramref name="codes"/> into the first <c>ceil(n·bits/32)</c> words of <paramref name="destination"/>
    /// (caller-owned; nothing is allocated). Padding fields of the last word are written as zero.
    /// </summary>
    /// <param name="bits">8 or 4.</param>
    /// <param name="codes">Codes in [−2^(bits−1), 2^(bits−1)−1] when <paramref name="isSigned"/>, else [0, 2^bits−1].</param>
    /// <param name="isSigned">Whether the codes are signed (two's complement fields) or unsigned.</param>
    /// <param name="destination">At least <see cref="PackedLayout.WordCount"/>(bits, n) words.</param>
    /// <exception cref="Errors.GhnQatException">InvalidArgument for a bad width, a code out of range or a short destination.</exception>
    public static void Pack(int bits, ReadOnlySpan<int> codes, bool isSigned, Span<uint> destination)
    {
        int perWord = LanesPerWord(bits);
        PackingGuard.CheckPackedLength(bits, codes.Length, destination.Length);
        int min = PackedLayout.MinCode(bits, isSigned);
        int max = PackedLayout.MaxCode(bits, isSigned);
        uint mask = (1u << bits) - 1u;
        int words = PackedLayout.WordCount(bits, codes.Length);
        for (int w = 0; w < words; w++)
        {
            int first = w * perWord;
            int count = Math.Min(perWord, codes.Length - first);
            uint word = 0;
            for (int k = 0; k < count; k++)
            {
                int code = codes[first + k];
                if (code < min || code > max)
                {
                    throw PackingGuard.OutOfRange(bits, isSigned, first + k, code);
                }

                word |= ((uint)code & mask) << (bits * k);
            }

            destination[w] = word;
        }
    }

    /// <summary>
    /// Unpacks <c>destination.Length</c> codes from <paramref name="packed"/> into the caller-owned
    /// <paramref name="destination"/>, sign-extending each field when <paramref name="isSigned"/>. Padding is ignored.
    /// </summary>
    /// <exception cref="Errors.GhnQatException">InvalidArgument for a bad width or a short packed span.</exception>
    public static void Unpack(int bits, ReadOnlySpan<uint> packed, bool isSigned, Span<int> destination)
    {
        int perWord = LanesPerWord(bits);
        PackingGuard.CheckPackedLength(bits, destination.Length, packed.Length);
        int top = 32 - bits;
        for (int i = 0; i < destination.Length; i++)
        {
            int shift = bits * (i % perWord);
            uint word = packed[i / perWord];
            // Move the field to the top of the word; an arithmetic (signed) or logical shift brings it back down.
            uint atTop = word << (top - shift);
            destination[i] = isSigned ? (int)atTop >> top : (int)(atTop >> top);
        }
    }

    private static int LanesPerWord(int bits)
    {
        if (bits is not (8 or 4))
        {
            throw new Errors.GhnQatException(Errors.GhnQatErrorCode.InvalidArgument,
                $"lane packing takes 8 or 4 bits; got {bits} (2-bit codes use {nameof(TwoBitPlanePacking)})");
        }

        return 32 / bits;
    }
}
