// Argument checks shared by the packers, so every packer reports a bad length or code in the same words.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Quantization.Packing;

/// <summary>Range and length checks for packing; every failure is a <see cref="GhnQatException"/> (InvalidArgument).</summary>
internal static class PackingGuard
{
    public static void CheckPackedLength(int bits, int count, int available)
    {
        int needed = PackedLayout.WordCount(bits, count);
        if (available < needed)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"{count} {bits}-bit codes need {needed} packed words, but the span holds only {available}");
        }
    }

    public static GhnQatException OutOfRange(int bits, bool isSigned, int index, int value) =>
        new(GhnQatErrorCode.InvalidArgument,
            $"code {value} at index {index} is out of range for {(isSigned ? "signed" : "unsigned")} {bits}-bit codes " +
            $"[{PackedLayout.MinCode(bits, isSigned)}, {PackedLayout.MaxCode(bits, isSigned)}]");
}
