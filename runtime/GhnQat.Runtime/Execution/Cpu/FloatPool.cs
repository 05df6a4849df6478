// Float max/avg pooling (padding (k−1)/2; max pads with −∞, avg divides by k² counting padded zeros) and global
// average pooling, over one C×H×W image at a time.
namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Pooling kernels of the float executor.</summary>
internal static class FloatPool
{
    public static void Forward(bool isMax, int channels, int height, int width, int kernel, int stride,
        ReadOnlySpan<float> input, Span<float> output)
    {
        int pad = (kernel - 1) / 2;
        int oh = ((height + (2 * pad) - kernel) / stride) + 1;
        int ow = ((width + (2 * pad) - kernel) / stride) + 1;
        float divisor = kernel * kernel;
        for (int c = 0; c < channels; c++)
        {
            var plane = input.Slice(c * height * width, height * width);
            var dst = output.Slice(c * oh * ow, oh * ow);
            for (int y = 0; y < oh; y++)
            {
                for (int x = 0; x < ow; x++)
                {
                    float max = float.NegativeInfinity, sum = 0;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        int iy = (y * stride) - pad + ky;
                        if ((uint)iy >= (uint)height) continue;
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            int ix = (x * stride) - pad + kx;
                            if ((uint)ix >= (uint)width) continue;
                            float v = plane[(iy * width) + ix];
                            max = MathF.Max(max, v);
                            sum += v;
                        }
                    }
                    dst[(y * ow) + x] = isMax ? max : sum / divisor;
                }
            }
        }
    }

    public static void GlobalAverage(int channels, int pixels, ReadOnlySpan<float> input, Span<float> output)
    {
        for (int c = 0; c < channels; c++)
            output[c] = System.Numerics.Tensors.TensorPrimitives.Sum(input.Slice(c * pixels, pixels)) / pixels;
    }
}
