// Entry point that picks the contract's packer by bit width, for callers that carry the width as data
// (model files, kernel tests). The per-width classes hold the layouts.
namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>Packs and unpacks codes of 8, 4 or 2 bits by dispatching to the layout of that width.</summary>
public static class CodePacking
{
    /// <summary>Packs <paramref name="codes"/> into caller-owned <paramref name="destination"/> words.</summary>
    /// <param name="bits">8, 4 or 2.</param>
    /// <param name="isSigned">Whether the codes are signed (two's complement) or unsigned.</param>
    /// <param name="codes">The row to pack; each code must be representable in the width and signedness.</param>
    /// <param name="destination">At least <see cref="PackedLayout.WordCount"/>(bits, n) words; exactly that many are written.</param>
    /// <exception cref="Errors.GhnQatException">InvalidArgument for a bad width, a code out of range or a short span.</exception>
    public static void Pack(int bits, bool isSigned, ReadOnlySpan<int> codes, Span<uint> destination)
    {
        PackedLayout.ValidateBits(bits);
        switch (bits)
        {
            case 8 or 4: LanePacking.Pack(bits, codes, isSigned, destination); break;
            default: TwoBitPlanePacking.Pack(codes, isSigned, destination); break;
        }
    }

    /// <summary>Unpacks <c>destination.Length</c> codes from <paramref name="packed"/> into caller-owned <paramref name="destination"/>.</summary>
    /// <param name="bits">8, 4 or 2.</param>
    /// <param name="isSigned">Whether to sign-extend the fields.</param>
    /// <param name="packed">At least <see cref="PackedLayout.WordCount"/>(bits, destination.Length) words.</param>
    /// <param name="destination">Receives the codes; its length is the element count.</param>
    /// <exception cref="Errors.GhnQatException">InvalidArgument for a bad width or a short packed span.</exception>
    public static void Unpack(int bits, bool isSigned, ReadOnlySpan<uint> packed, Span<int> destination)
    {
        PackedLayout.ValidateBits(bits);
        switch (bits)
        {
            case 8 or 4: LanePacking.Unpack(bits, packed, isSigned, destination); break;
            default: TwoBitPlanePacking.Unpack(packed, isSigned, destination); break;
        }
    }
}
