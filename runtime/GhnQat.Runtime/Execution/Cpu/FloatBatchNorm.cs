// Float batch norm over an N×C×H×W batch: batch statistics (mean, biased variance over N·H·W, accumulated in
// double) or given statistics, then y = x·a + b per channel with a = γ/√(var + 1e-5), b = β − mean·a.
using System.Numerics;
using System.Numerics.Tensors;
using GhnQat.Runtime.Calibration;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>BN kernels of the float executor.</summary>
internal static class FloatBatchNorm
{
    /// <summary>Mean and biased variance per channel of a batch (two passes; plane sums in float, totals in double).</summary>
    public static BatchNormStatistics Statistics(ReadOnlySpan<float> x, int count, int channels, int pixels)
    {
        var mean = new float[channels];
        var variance = new float[channels];
        double n = (double)count * pixels;
        var centered = new float[pixels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int i = 0; i < count; i++) sum += TensorPrimitives.Sum(Plane(x, i, c, channels, pixels));
            double m = sum / n;
            double squares = 0;
            for (int i = 0; i < count; i++)
            {
                // Centered first, so the sum of squares does not cancel; float within a plane, double across planes.
                TensorPrimitives.Subtract(Plane(x, i, c, channels, pixels), (float)m, centered);
                squares += TensorPrimitives.SumOfSquares(centered);
            }
            mean[c] = (float)m;
            variance[c] = (float)(squares / n);
        }
        return new BatchNormStatistics(mean, variance);
    }

    public static void Apply(ReadOnlySpan<float> x, Span<float> y, int count, int channels, int pixels,
        BatchNormStatistics stats, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        for (int c = 0; c < channels; c++)
        {
            double a = gamma[c] / Math.Sqrt(stats.Variance[c] + BatchNormStatistics.Epsilon);
            float scale = (float)a;
            float shift = (float)(beta[c] - (stats.Mean[c] * a));
            for (int i = 0; i < count; i++)
            {
                int offset = ((i * channels) + c) * pixels;
                ScaleShift(x.Slice(offset, pixels), scale, shift, y.Slice(offset, pixels));
            }
        }
    }

    // y = x·scale + shift in one pass (TensorPrimitives has no span·scalar + scalar overload); x and y may alias.
    private static void ScaleShift(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int v = Vector<float>.Count, i = 0;
        var a = new Vector<float>(scale);
        var b = new Vector<float>(shift);
        for (; i + v <= x.Length; i += v) Vector.FusedMultiplyAdd(new Vector<float>(x.Slice(i, v)), a, b).CopyTo(y.Slice(i, v));
        for (; i < x.Length; i++) y[i] = (x[i] * scale) + shift;
    }

    private static ReadOnlySpan<float> Plane(ReadOnlySpan<float> x, int image, int channel, int channels, int pixels) =>
        x.Slice(((image * channels) + channel) * pixels, pixels);
}
