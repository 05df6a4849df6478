// 8-bit packing of the contract: 4 codes per uint32, element i of a word in byte i%4 (little-endian byte order).
// Signed codes are stored two's complement; the tail bytes of the last word are zero.
namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>Packs and unpacks 8-bit codes, 4 per uint32 word (element i in bits [8(i%4), 8(i%4)+7]).</summary>
public static class EightBitPacking
{
    private const int Bits = 8;
    private const int PerWord = 4;

    /// <summary>
    /// Packs <paramref name="codes"/> into the first <c>ceil(n/4)</c> words of <paramref name="destination"/>
    /// (caller-owned; words past that count are left untouched). Allocates nothing.
    /// </summary>
    /// <param name="codes">Codes in [−128, 127] when <paramref name="isSigned"/>, else [0, 255].</param>
    /// <param name="isSigned">Whether the codes are signed (two's complement bytes) or unsigned.</param>
    /// <param name="destination">At least <see cref="PackedLayout.WordCount"/>(8, n) words.</param>
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

                word |= ((uint)code & 0xFFu) << (Bits * k);
            }

            destination[w] = word;
        }
    }

    /// <summary>
    /// Unpacks <c>destination.Length</c> codes from <paramref name="packed"/> into the caller-owned
    /// <paramref name="destination"/>, sign-extending each byte when <paramref name="isSigned"/>. Padding is ignored.
    /// </summary>
    /// <exception cref="Errors.GhnQatException">InvalidArgument when <paramref name="packed"/> is too short.</exception>
    public static void Unpack(ReadOnlySpan<uint> packed, bool isSigned, Span<int> destination)
    {
        PackingGuard.CheckPackedLength(Bits, destination.Length, packed.Length);
        for (int i = 0; i < destination.Length; i++)
        {
            uint field = packed[i / PerWord] >> (Bits * (i % PerWord));
            destination[i] = isSigned ? (sbyte)(byte)field : (byte)field;
        }
    }
}
