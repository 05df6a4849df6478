// Float32 matrix product C = A·B for the float executor's convs (A: weights, B: im2col columns) and for the CPU
// reference's integer convs when their sums are exact in float32 (QConvKernel). Register tile of 4 rows × 2 vectors;
// the reduction is cut into blocks so that a tile's strip of B stays in L1 while every row group of A passes over it.
// Each C element is accumulated by fused multiply-adds in reduction order from zero (the tail columns by a plain
// multiply and add), whatever the blocking: the blocks only decide when a partial sum waits in C, so the result is
// the same float for every block size and matrix shape.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GhnQat.Runtime.Execution.Cpu;

/// <summary>Row-major single-precision GEMM without transposes: C[m×n] = A[m×k] · B[k×n] (C is overwritten).</summary>
internal static class FloatGemm
{
    // Rows of B per block: a 2-vector strip of them (16 KiB with 256-bit vectors) fits in L1 next to A's rows.
    internal const int ReductionBlock = 256;

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
            throw new ArgumentException($"GEMM {m}×{k}·{k}×{n}: spans of {a.Length}, {b.Length}, {c.Length} floats are too short");
        if (k == 0)
        {
            c[..(m * n)].Clear();
            return;
        }
        int w = Vector<float>.Count, tile = 2 * w;
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int vectorEnd = n - (n % w), tileEnd = n - (n % tile);
        for (int k0 = 0; k0 < k; k0 += ReductionBlock)
        {
            int kc = Math.Min(ReductionBlock, k - k0);
            bool first = k0 == 0;
            for (int col = 0; col < tileEnd; col += tile)
            {
                int row = 0;
                for (; row + 4 <= m; row += 4) Tile4(ref a0, ref b0, ref c0, row, col, k0, kc, k, n, first);
                for (; row < m; row++) Tile1(ref a0, ref b0, ref c0, row, col, k0, kc, k, n, first, 2);
            }
            if (tileEnd < vectorEnd)
            {
                for (int row = 0; row < m; row++) Tile1(ref a0, ref b0, ref c0, row, tileEnd, k0, kc, k, n, first, 1);
            }
        }
        // Columns past the last whole vector: a plain dot product per element, over the whole reduction.
        for (int row = 0; row < m; row++)
        {
            for (int col = vectorEnd; col < n; col++)
            {
                float s = 0;
                for (int i = 0; i < k; i++) s += a[(row * k) + i] * b[(i * n) + col];
                c[(row * n) + col] = s;
            }
        }
    }

    // C[row..row+4, col..col+2w] (+)= A[row..row+4, k0..k0+kc] · B[k0..k0+kc, col..col+2w]: eight accumulators; each pair
    // of loaded B vectors feeds eight fused multiply-adds.
    private static void Tile4(ref float a, ref float b, ref float c, int row, int col, int k0, int kc, int k, int n, bool first)
    {
        int w = Vector<float>.Count;
        nuint c0 = (nuint)((row * n) + col), c1 = c0 + (nuint)n, c2 = c1 + (nuint)n, c3 = c2 + (nuint)n;
        Vector<float> x0 = default, y0 = default, x1 = default, y1 = default, x2 = default, y2 = default, x3 = default, y3 = default;
        if (!first)
        {
            x0 = Vector.LoadUnsafe(ref c, c0); y0 = Vector.LoadUnsafe(ref c, c0 + (nuint)w);
            x1 = Vector.LoadUnsafe(ref c, c1); y1 = Vector.LoadUnsafe(ref c, c1 + (nuint)w);
            x2 = Vector.LoadUnsafe(ref c, c2); y2 = Vector.LoadUnsafe(ref c, c2 + (nuint)w);
            x3 = Vector.LoadUnsafe(ref c, c3); y3 = Vector.LoadUnsafe(ref c, c3 + (nuint)w);
        }
        ref float r0 = ref Unsafe.Add(ref a, (row * k) + k0);
        ref float r1 = ref Unsafe.Add(ref r0, k);
        ref float r2 = ref Unsafe.Add(ref r1, k);
        ref float r3 = ref Unsafe.Add(ref r2, k);
        nuint bi = (nuint)((k0 * n) + col);
        for (int i = 0; i < kc; i++, bi += (nuint)n)
        {
            var p = Vector.LoadUnsafe(ref b, bi);
            var q = Vector.LoadUnsafe(ref b, bi + (nuint)w);
            var s = new Vector<float>(Unsafe.Add(ref r0, i));
            x0 = Vector.FusedMultiplyAdd(s, p, x0); y0 = Vector.FusedMultiplyAdd(s, q, y0);
            s = new Vector<float>(Unsafe.Add(ref r1, i));
            x1 = Vector.FusedMultiplyAdd(s, p, x1); y1 = Vector.FusedMultiplyAdd(s, q, y1);
            s = new Vector<float>(Unsafe.Add(ref r2, i));
            x2 = Vector.FusedMultiplyAdd(s, p, x2); y2 = Vector.FusedMultiplyAdd(s, q, y2);
            s = new Vector<float>(Unsafe.Add(ref r3, i));
            x3 = Vector.FusedMultiplyAdd(s, p, x3); y3 = Vector.FusedMultiplyAdd(s, q, y3);
        }
        x0.StoreUnsafe(ref c, c0); y0.StoreUnsafe(ref c, c0 + (nuint)w);
        x1.StoreUnsafe(ref c, c1); y1.StoreUnsafe(ref c, c1 + (nuint)w);
        x2.StoreUnsafe(ref c, c2); y2.StoreUnsafe(ref c, c2 + (nuint)w);
        x3.StoreUnsafe(ref c, c3); y3.StoreUnsafe(ref c, c3 + (nuint)w);
    }

    // One row, one or two vectors wide: the rows left over by Tile4 and the last whole vector of columns.
    private static void Tile1(ref float a, ref float b, ref float c, int row, int col, int k0, int kc, int k, int n, bool first, int vectors)
    {
        int w = Vector<float>.Count;
        nuint ci = (nuint)((row * n) + col);
        Vector<float> x = default, y = default;
        if (!first)
        {
            x = Vector.LoadUnsafe(ref c, ci);
            if (vectors == 2) y = Vector.LoadUnsafe(ref c, ci + (nuint)w);
        }
        ref float r = ref Unsafe.Add(ref a, (row * k) + k0);
        nuint bi = (nuint)((k0 * n) + col);
        for (int i = 0; i < kc; i++, bi += (nuint)n)
        {
            var s = new Vector<float>(Unsafe.Add(ref r, i));
            x = Vector.FusedMultiplyAdd(s, Vector.LoadUnsafe(ref b, bi), x);
            if (vectors == 2) y = Vector.FusedMultiplyAdd(s, Vector.LoadUnsafe(ref b, bi + (nuint)w), y);
        }
        x.StoreUnsafe(ref c, ci);
        if (vectors == 2) y.StoreUnsafe(ref c, ci + (nuint)w);
    }
}
