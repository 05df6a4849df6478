// Float conv of one image (same padding, stride, dilation, groups) by im2col + GEMM; 1×1 stride-1 convs skip im2col,
// depthwise convs (one channel per group) take a direct kernel.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Float conv forward for one image; <c>columns</c> is caller scratch of Reduction × Ho·Wo floats.</summary>
internal static class FloatConv
{
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output, Span<float> columns)
    {
        int pixels = g.OutHeight * g.OutWidth;
        int inPerGroup = g.InChannels / g.Groups;
        int outPerGroup = g.OutChannels / g.Groups;
        int reduction = g.Reduction;
        if (inPerGroup == 1 && outPerGroup == 1)
        {
            FloatDepthwiseConv.Forward(g, input, weights, output);
        }
        else
        {
            for (int group = 0; group < g.Groups; group++)
            {
                var groupInput = input.Slice(group * inPerGroup * g.Height * g.Width, inPerGroup * g.Height * g.Width);
                ReadOnlySpan<float> matrix = groupInput;
                if (!g.IsPointwise)
                {
                    g.Im2Col(groupInput, inPerGroup, columns, pixels, 0);
                    matrix = columns[..(reduction * pixels)];
                }
                FloatGemm.Multiply(weights.Slice(group * outPerGroup * reduction, outPerGroup * reduction), matrix,
                    output.Slice(group * outPerGroup * pixels, outPerGroup * pixels), outPerGroup, reduction, pixels);
            }
        }
        if (!bias.IsEmpty)
        {
            for (int o = 0; o < g.OutChannels; o++)
                System.Numerics.Tensors.TensorPrimitives.Add(output.Slice(o * pixels, pixels), bias[o], output.Slice(o * pixels, pixels));
        }
    }
}
