// Repacks a layer's weights, biases and multipliers into the word layouts the kernels read from binding 1
// (shaders/conv.comp, dwconv.comp, add.comp). Runs once at load; the words are uploaded in one buffer.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Appends one layer's parameter words to the network's parameter list and returns its word offset.</summary>
internal static class VulkanLayerParameters
{
    /// <summary>
    /// Dense conv / classifier: weights [O_PAD][K·K][inBlocks][wordsPerBlock], then bias[O_PAD], M[O_PAD], where
    /// O_PAD rounds the output channels up to <paramref name="outPerInvocation"/>. Weights of input channels outside
    /// an output channel's group (grouped conv) and of padding channels are zero. <paramref name="popcount"/>: two
    /// bit-plane words per 32 input channels (2-bit codes); otherwise int8 lanes, 4 input channels per word.
    /// </summary>
    public static uint AppendDense(List<uint> words, ReadOnlySpan<sbyte> weights, int outChannels, int inChannels, int groups,
        int kernel, ReadOnlySpan<float> bias, ReadOnlySpan<float> multipliers, VulkanTensorLayout input, int outPerInvocation, bool popcount)
    {
        uint offset = (uint)words.Count;
        int taps = kernel * kernel, inPerGroup = inChannels / groups, outPerGroup = outChannels / groups;
        int blockChannels = input.BlockChannels, blocks = input.Blocks;
        int wordsPerBlock = popcount ? 2 : blockChannels / 4;
        int outPadded = RoundUp(outChannels, outPerInvocation);
        Span<uint> block = stackalloc uint[wordsPerBlock];
        for (int o = 0; o < outPadded; o++)
        {
            int first = o < outChannels ? o / outPerGroup * inPerGroup : 0;
            for (int t = 0; t < taps; t++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    block.Clear();
                    for (int l = 0; l < blockChannels; l++)
                    {
                        int ci = (b * blockChannels) + l - first;
                        if (o >= outChannels || ci < 0 || ci >= inPerGroup || ci + first >= inChannels) continue;
                        uint code = (uint)weights[(((o * inPerGroup) + ci) * taps) + t];
                        if (popcount)
                        {
                            block[0] |= (code & 1u) << l;
                            block[1] |= ((code >> 1) & 1u) << l;
                        }
                        else
                        {
                            block[l / 4] |= (code & 0xFFu) << (8 * (l % 4));
                        }
                    }
                    foreach (uint w in block) words.Add(w);
                }
            }
        }
        AppendEpilogue(words, bias, multipliers, outPadded);
        return offset;
    }

    /// <summary>
    /// Depthwise conv: weights [O_PAD/P][K·K][P/4] words of int8 lanes (channel block·P + 4q + l in lane l of word q),
    /// then bias[O_PAD], M[O_PAD]. Dense lanes: on lavapipe every weight load is a gather, so 4 weights per load.
    /// </summary>
    public static uint AppendDepthwise(List<uint> words, QConvLayer conv, int outPerInvocation)
    {
        uint offset = (uint)words.Count;
        int taps = conv.Kernel * conv.Kernel, outPadded = RoundUp(conv.OutChannels, outPerInvocation);
        for (int block = 0; block < outPadded / outPerInvocation; block++)
        {
            for (int t = 0; t < taps; t++)
            {
                for (int q = 0; q < outPerInvocation / 4; q++)
                {
                    uint word = 0;
                    for (int l = 0; l < 4; l++)
                    {
                        int c = (block * outPerInvocation) + (4 * q) + l;
                        if (c < conv.OutChannels) word |= ((uint)conv.Weights[(c * taps) + t] & 0xFFu) << (8 * l);
                    }
                    words.Add(word);
                }
            }
        }
        AppendEpilogue(words, conv.Bias.AsSpan(), conv.Multipliers.AsSpan(), outPadded);
        return offset;
    }

    /// <summary>Add: per input [word offset of the tensor, 1 if signed, M_i float bits], in input order.</summary>
    public static uint AppendAdd(List<uint> words, QAddLayer add, IReadOnlyDictionary<string, VulkanTensorLayout> layouts)
    {
        uint offset = (uint)words.Count;
        for (int i = 0; i < add.Inputs.Length; i++)
        {
            VulkanTensorLayout input = layouts[add.Inputs[i]];
            words.Add(input.BaseWord);
            words.Add(input.IsSigned ? 1u : 0u);
            words.Add(BitConverter.SingleToUInt32Bits(add.Multipliers[i]));
        }
        return offset;
    }

    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="unit"/>.</summary>
    public static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;

    private static void AppendEpilogue(List<uint> words, ReadOnlySpan<float> bias, ReadOnlySpan<float> multipliers, int outPadded)
    {
        for (int o = 0; o < outPadded; o++) words.Add(o < bias.Length ? BitConverter.SingleToUInt32Bits(bias[o]) : 0u);
        for (int o = 0; o < outPadded; o++) words.Add(o < multipliers.Length ? BitConverter.SingleToUInt32Bits(multipliers[o]) : 0u);
    }
}
