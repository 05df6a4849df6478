// CpuReference: integer conv of one image (zero padding, stride, dilation, groups) with the contract's requant.
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>
/// acc[o, oy, ox] = Σ_{ci in o's group, ky, kx} x[ci, iy, ix]·w[o, ci − group start, ky, kx] over in-bounds taps
/// (padding reads 0), with iy = oy·stride − pad + ky·dilation and ix likewise; then
/// y = clamp(roundEven(float32(acc) × M[o] + bias[o]), lo, hi) (bias in output-code units). The quantizer bounds
/// |acc| below 2^31, so int32 arithmetic is exact. Loop order: one tap at a time over the whole output plane (the sum is exact, so
/// the order cannot change the result).
/// </summary>
internal static class QConvKernel
{
    public static void Run(QConvLayer layer, int height, int width, ReadOnlySpan<int> x, Span<int> y)
    {
        var g = new ConvGeometry(layer.InChannels, height, width, layer.OutChannels, layer.Kernel, layer.Stride,
            layer.Padding, layer.Dilation, layer.Groups);
        int oh = g.OutHeight, ow = g.OutWidth, k = layer.Kernel, stride = layer.Stride;
        int inPerGroup = layer.InChannels / layer.Groups, outPerGroup = layer.OutChannels / layer.Groups;
        var w = layer.Weights.AsSpan();
        var acc = new int[oh * ow];
        for (int o = 0; o < layer.OutChannels; o++)
        {
            Array.Clear(acc);
            int firstIn = o / outPerGroup * inPerGroup;
            for (int ci = 0; ci < inPerGroup; ci++)
            {
                var plane = x.Slice((firstIn + ci) * height * width, height * width);
                for (int ky = 0; ky < k; ky++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        int weight = w[(((((o * inPerGroup) + ci) * k) + ky) * k) + kx];
                        if (weight == 0) continue;
                        int x0 = (kx * layer.Dilation) - layer.Padding;
                        var (first, end) = ConvGeometry.ValidColumns(x0, stride, width, ow);
                        for (int oy = 0; oy < oh; oy++)
                        {
                            int iy = (oy * stride) - layer.Padding + (ky * layer.Dilation);
                            if ((uint)iy >= (uint)height) continue;
                            var row = plane.Slice(iy * width, width);
                            for (int ox = first; ox < end; ox++) acc[(oy * ow) + ox] += weight * row[(ox * stride) + x0];
                        }
                    }
                }
            }
            var yo = y.Slice(o * oh * ow, oh * ow);
            for (int p = 0; p < acc.Length; p++)
                yo[p] = QuantContract.Requantize(acc[p], layer.Multipliers[o], layer.Bias[o], layer.Lo, layer.Hi);
        }
    }
}
