// 4-bit packing of the contract: 8 codes per uint32, element i of a word in bits [4(i%8), 4(i%8)+3].
// Signed codes are two's complement nibbles, unsigned codes plain nibbles; the tail nibbles of the last word are zero.
namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>Packs and unpacks 4-bit codes, 8 per uint32 word (element i in bits [4(i%8), 4(i%8)+3]).</summary>
public static class FourBitPacking
{
    private const int Bits = 4;
    private const int PerWord = 8;

    /// <summary>
    /// Packs <paramref name="codes"/> into the first <c>ceil(n/8)</c> words of <paramref name="destination"/>
    /// (caller-owned; words past that count are left untouched). Allocates nothing.
    /// </summary>
    /// <param name="codes">Codes in [−8, 7] when <paramref name="isSigned"/>, else [0, 15].</param>
    /// <param name="isSigned">Whether the codes are signed (two's complement nibbles) or unsigned.</param>
    /// <param name="destination">At least <see cref="PackedLayout.WordCount"/>(4, n) words.</param>
    /// <exception cref="Errors.GhnQatException">InvalidArgument for a code out of range or a short destination.</exception>
    public static void Pack(ReadOnlySpan<int> codes, bool isSigned, Span<uint> destination)
    {
        PackingGuard.CheckPackedLength(Bits, codes.Length, destination.Length);
        int min = PackedLayout.MinCode(Bits, isSigned);
        int max = PackedLayout.MaxCode(Bits, isSigned);
        int words = PackedLayout.WordCount(Bits, codes.Length);
        for (int w = 0; w < words; w++)
        {
            int first = w * PerWord;
            int count = Math.Min(PerWord, codes.Length - first);
            uint word = 0;
            for (int k = 0; k < count; k++)
            {
                int code = codes[first + k];
                if (code < min || code > max)
                {
                    throw PackingGuard.OutOfRange(Bits, isSigned, first + k, code);
                }

                word |= ((uint)code & 0xFu) << (Bits * k);
            }

            destination[w] = word;
        }
    }

    /// <summary>
    /// Unpacks <c>destination.Length</c> codes from <paramref name="packed"/> into the caller-owned
    /// <paramref name="destination"/>, sign-extending each nibble when <paramref name="isSigned"/>. Padding is ignored.
    /// </summary>
    /// <exception cref="Errors.GhnQatException">InvalidArgument when <paramref name="packed"/> is too short.</exception>
    public static void Unpack(ReadOnlySpan<uint> packed, bool isSigned, Span<int> destination)
    {
        PackingGuard.CheckPackedLength(Bits, destination.Length, packed.Length);
        for (int i = 0; i < destination.Length; i++)
        {
            int shift = Bits * (i % PerWord);
            uint word = packed[i / PerWord];
            // Signed: move the nibble to the top of an int, then an arithmetic shift brings the sign down with it.
            destination[i] = isSigned ? (int)(word << (28 - shift)) >> 28 : (int)((word >> shift) & 0xFu);
        }
    }
}
