// 2-bit packing of the contract: bit-planes. Elements go in groups of 32; each group is 2 uint32 words,
// word0 = bit 0 of every element's code, word1 = bit 1 (element j of the group at bit j). Tail lanes are zero.
namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>
/// Packs and unpacks 2-bit codes as bit-planes (the layout the AND+popcount kernels read).
/// Signed codes are two's complement, value = b0 − 2·b1 in [−2, 1] (the contract uses [−1, 1]);
/// unsigned codes are b0 + 2·b1 in [0, 3].
/// </summary>
public static class TwoBitPlanePacking
{
    private const int Bits = 2;
    private const int Group = PackedLayout.BitPlaneGroupElements;

    /// <summary>
    /// Packs <paramref name="codes"/> into the first <c>2·ceil(n/32)</c> words of <paramref name="destination"/>
    /// (caller-owned; words past that count are left untouched). Allocates nothing.
    /// </summary>
    /// <param name="codes">Codes in [−2, 1] when <paramref name="isSigned"/>, else [0, 3].</param>
    /// <param name="isSigned">Whether the codes are signed (two's complement) or unsigned.</param>
    /// <param name="destination">At least <see cref="PackedLayout.WordCount"/>(2, n) words.</param>
    /// <exception cref="Errors.GhnQatException">InvalidArgument for a code out of range or a short destination.</exception>
    public static void Pack(ReadOnlySpan<int> codes, bool isSigned, Span<uint> destination)
    {
        PackingGuard.CheckPackedLength(Bits, codes.Length, destination.Length);
        int min = PackedLayout.MinCode(Bits, isSigned);
        int max = PackedLayout.MaxCode(Bits, isSigned);
        int groups = PackedLayout.WordCount(Bits, codes.Length) / PackedLayout.BitPlaneGroupWords;
        for (int g = 0; g < groups; g++)
        {
            int first = g * Group;
            int count = Math.Min(Group, codes.Length - first);
            uint plane0 = 0;
            uint plane1 = 0;
            for (int j = 0; j < count; j++)
            {
                int code = codes[first + j];
                if (code < min || code > max)
                {
                    throw PackingGuard.OutOfRange(Bits, isSigned, first + j, code);
                }

                plane0 |= ((uint)code & 1u) << j;
                plane1 |= (((uint)code >> 1) & 1u) << j;
            }

            destination[2 * g] = plane0;
            destination[(2 * g) + 1] = plane1;
        }
    }

    /// <summary>
    /// Unpacks <c>destination.Length</c> codes from the bit-planes in <paramref name="packed"/> into the caller-owned
    /// <paramref name="destination"/>. Padding lanes are ignored.
    /// </summary>
    /// <exception cref="Errors.GhnQatException">InvalidArgument when <paramref name="packed"/> is too short.</exception>
    public static void Unpack(ReadOnlySpan<uint> packed, bool isSigned, Span<int> destination)
    {
        PackingGuard.CheckPackedLength(Bits, destination.Length, packed.Length);
        for (int i = 0; i < destination.Length; i++)
        {
            int g = i / Group;
            int j = i % Group;
            int b0 = (int)((packed[2 * g] >> j) & 1u);
            int b1 = (int)((packed[(2 * g) + 1] >> j) & 1u);
            // Two's complement of a 2-bit field: the top bit weighs −2.
            destination[i] = isSigned ? b0 - (2 * b1) : b0 + (2 * b1);
        }
    }
}
