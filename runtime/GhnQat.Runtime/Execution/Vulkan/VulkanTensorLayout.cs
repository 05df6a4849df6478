// Where one quantized tensor lives in the worker's activation buffer and how its codes are packed there
// (shaders/tensor.glsl): channel-blocked planar words per image, images one after another.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// Packed device layout of a tensor C×H×W at <see cref="Bits"/> bits: 8-bit = 4 channels per word, 4-bit = 8 per
/// word (lane i of block b = channel b·P + i, two's complement fields), 2-bit = blocks of 32 channels stored as two
/// bit-plane words per pixel. Word of (block, pixel): block·H·W + pixel (8/4-bit) or (block·H·W + pixel)·2 + plane.
/// </summary>
internal readonly record struct VulkanTensorLayout(int Bits, bool IsSigned, int Channels, int Height, int Width, uint BaseWord)
{
    /// <summary>Channels per block (per word at 8/4 bits, per plane pair at 2 bits).</summary>
    public int BlockChannels => Bits == 2 ? 32 : 32 / Bits;

    /// <summary>Words per (block, pixel): 2 bit-planes at 2 bits, else 1.</summary>
    public int WordsPerBlock => Bits == 2 ? 2 : 1;

    /// <summary>Channel blocks (the last may be partly padding, whose fields are zero).</summary>
    public int Blocks => (Channels + BlockChannels - 1) / BlockChannels;

    /// <summary>Pixels per channel plane.</summary>
    public int Pixels => Height * Width;

    /// <summary>Words of one image.</summary>
    public int ImageWords => Blocks * Pixels * WordsPerBlock;

    /// <summary>Codes of one image, C·H·W.</summary>
    public int ImageCodes => Channels * Pixels;

    /// <summary>The layout of <paramref name="tensor"/> placed at <paramref name="baseWord"/>.</summary>
    public static VulkanTensorLayout For(QuantTensorInfo tensor, uint baseWord) =>
        new(tensor.Bits, tensor.IsSigned, tensor.Shape.Channels, tensor.Shape.Height, tensor.Shape.Width, baseWord);

    /// <summary>Unpacks one image's words into codes laid out C×H×W (the CpuReference layout).</summary>
    public void Unpack(ReadOnlySpan<uint> imageWords, Span<int> codes)
    {
        int pixels = Pixels, p = BlockChannels;
        for (int c = 0; c < Channels; c++)
        {
            int block = c / p, lane = c % p;
            for (int i = 0; i < pixels; i++)
            {
                int word = ((block * pixels) + i) * WordsPerBlock;
                codes[(c * pixels) + i] = Bits == 2 ? PlaneCode(imageWords[word], imageWords[word + 1], lane) : LaneCode(imageWords[word], lane);
            }
        }
    }

    private int LaneCode(uint word, int lane)
    {
        int field = (int)(word >> (Bits * lane)) & ((1 << Bits) - 1);
        return IsSigned && field >= 1 << (Bits - 1) ? field - (1 << Bits) : field;
    }

    private int PlaneCode(uint plane0, uint plane1, int lane)
    {
        int b0 = (int)(plane0 >> lane) & 1, b1 = (int)(plane1 >> lane) & 1;
        return IsSigned ? b0 - (2 * b1) : b0 + (2 * b1);
    }
}
