// Fitting decoded blocks to parameter shapes (GHN-2's slice-then-tile, brief §2.4) and its normalization (§2.5).
using System.Numerics.Tensors;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// Fit: every dimension of the block is sliced to s = min(target, size), then tiled: target index t reads block
/// index t mod s (torch's repeat then truncate). Normalization, when on: conv weights × √(β/fan_in) with β = 1 for
/// in/groups = 1 or kh &lt; kw, else 2; linear and classifier weights × √(2/in); BN γ = 2σ(0.5p); biases and
/// BN β = tanh(0.2p). The scale is rounded to float32 once, as torch does when multiplying a float tensor by a scalar.
/// </summary>
internal static class TensorFitter
{
    /// <summary>dest[t] = raw[t mod min(|dest|, |raw|)].</summary>
    public static void Fit1d(ReadOnlySpan<float> raw, Span<float> dest)
    {
        int s = Math.Min(dest.Length, raw.Length);
        for (int t = 0; t < dest.Length; t += s) raw[..Math.Min(s, dest.Length - t)].CopyTo(dest[t..]);
    }

    /// <summary>GHN-2's squashing of 1-D tensors: BN γ = 2σ(0.5p), everything else tanh(0.2p).</summary>
    public static void Normalize1d(ParameterRole role, Span<float> p)
    {
        if (role == ParameterRole.BnGamma)
        {
            TensorPrimitives.Multiply(p, 0.5f, p);
            TensorPrimitives.Sigmoid(p, p);
            TensorPrimitives.Multiply(p, 2f, p);
        }
        else
        {
            TensorPrimitives.Multiply(p, 0.2f, p);
            TensorPrimitives.Tanh(p, p);
        }
    }

    /// <summary>A conv weight (out, in/groups, kh, kw) or linear weight (out, in) from its block (n0, n1, kh', kw').</summary>
    public static void FitWeight(ReadOnlySpan<float> cells, DecodedBlock block, int n0, int n1, ParameterTensor p,
        bool normalize, Span<float> dest)
    {
        var shape = p.Shape;
        int t0 = shape[0], t1 = shape[1], t2 = shape.Count == 4 ? shape[2] : 1, t3 = shape.Count == 4 ? shape[3] : 1;
        int s0 = Math.Min(t0, n0), s1 = Math.Min(t1, n1), s2 = Math.Min(t2, block.Kh), s3 = Math.Min(t3, block.Kw);
        float scale = normalize ? WeightScale(p) : 1f;
        if (t2 == 1 && t3 == 1)
        {
            // 1×1 kernels and linear layers: each output row is the block row (o, ·) tiled, a straight scaled copy.
            for (int o = 0; o < t0; o++)
                TileRow(cells.Slice((o % s0) * block.RowStride, s1), scale, dest.Slice(o * t1, t1));
            return;
        }
        int index = 0;
        for (int o = 0; o < t0; o++)
        {
            int row = (o % s0) * block.RowStride;
            for (int i = 0; i < t1; i++)
            {
                int column = row + (i % s1);
                for (int y = 0; y < t2; y++)
                {
                    int cellRow = (y % s2) * block.Kw;
                    for (int x = 0; x < t3; x++) dest[index++] = cells[((cellRow + (x % s3)) * block.CellStride) + column] * scale;
                }
            }
        }
    }

    /// <summary>The classifier weight (classes, in) from the head's output (classes, rows1).</summary>
    public static void FitClassifier(ReadOnlySpan<float> result, int classes, int rows1, int n1, ParameterTensor p,
        bool normalize, Span<float> dest)
    {
        int t0 = p.Shape[0], t1 = p.Shape[1];
        int s0 = Math.Min(t0, classes), s1 = Math.Min(t1, n1);
        float scale = normalize ? WeightScale(p) : 1f;
        for (int c = 0; c < t0; c++) TileRow(result.Slice((c % s0) * rows1, s1), scale, dest.Slice(c * t1, t1));
    }

    private static void TileRow(ReadOnlySpan<float> source, float scale, Span<float> dest)
    {
        for (int t = 0; t < dest.Length; t += source.Length)
        {
            int n = Math.Min(source.Length, dest.Length - t);
            TensorPrimitives.Multiply(source[..n], scale, dest.Slice(t, n));
        }
    }

    private static float WeightScale(ParameterTensor p)
    {
        var s = p.Shape;
        if (p.Role != ParameterRole.ConvWeight) return (float)Math.Sqrt(2.0 / s[1]);
        double beta = s[1] == 1 || s[2] < s[3] ? 1.0 : 2.0;
        return (float)Math.Sqrt(beta / ((double)s[1] * s[2] * s[3]));
    }
}
