// Float32 matrix product C = A·B for the float executor's convs (A: weights, B: im2col columns), vectorized with
// a 4-row × 2-vector register tile. Float numerics here need not be bit-exact, so fused multiply-add is allowed.
using System.Numerics;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Row-major single-precision GEMM without transposes: C[m×n] = A[m×k] · B[k×n] (C is overwritten).</summary>
internal static class FloatGemm
{
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        int row = 0;
        for (; row + 4 <= m; row += 4) FourRows(a.Slice(row * k, 4 * k), b, c.Slice(row * n, 4 * n), k, n);
        for (; row < m; row++) OneRow(a.Slice(row * k, k), b, c.Slice(row * n, n), k, n);
    }

    // Four output rows at once: each loaded B vector feeds four accumulators (loads, not FLOPs, bound this loop).
    private static void FourRows(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int n)
    {
        int w = Vector<float>.Count;
        int col = 0;
        for (; col + w <= n; col += w)
        {
            Vector<float> c0 = default, c1 = default, c2 = default, c3 = default;
            for (int i = 0; i < k; i++)
            {
                var x = Load(b, (i * n) + col);
                c0 = Vector.FusedMultiplyAdd(new Vector<float>(a[i]), x, c0);
                c1 = Vector.FusedMultiplyAdd(new Vector<float>(a[k + i]), x, c1);
                c2 = Vector.FusedMultiplyAdd(new Vector<float>(a[(2 * k) + i]), x, c2);
                c3 = Vector.FusedMultiplyAdd(new Vector<float>(a[(3 * k) + i]), x, c3);
            }
            c0.CopyTo(c.Slice(col, w));
            c1.CopyTo(c.Slice(n + col, w));
            c2.CopyTo(c.Slice((2 * n) + col, w));
            c3.CopyTo(c.Slice((3 * n) + col, w));
        }
        for (; col < n; col++)
        {
            for (int r = 0; r < 4; r++)
            {
                float s = 0;
                for (int i = 0; i < k; i++) s += a[(r * k) + i] * b[(i * n) + col];
                c[(r * n) + col] = s;
            }
        }
    }

    private static void OneRow(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int n)
    {
        int w = Vector<float>.Count;
        int col = 0;
        for (; col + w <= n; col += w)
        {
            Vector<float> acc = default;
            for (int i = 0; i < k; i++) acc = Vector.FusedMultiplyAdd(new Vector<float>(a[i]), Load(b, (i * n) + col), acc);
            acc.CopyTo(c.Slice(col, w));
        }
        for (; col < n; col++)
        {
            float s = 0;
            for (int i = 0; i < k; i++) s += a[i] * b[(i * n) + col];
            c[col] = s;
        }
    }

    private static Vector<float> Load(ReadOnlySpan<float> s, int offset) => new(s.Slice(offset, Vector<float>.Count));
}
