// A Linear layer's weight repacked into SIMD-wide panels, so the decoder's 1×1 convs run as a register-blocked GEMM.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// y[m, r] = b[r] + Σ_k a[m, k]·W[r, k] for a torch Linear weight W (rows, K). Rows are split into groups of
/// <see cref="GroupSize"/> (the decoder's conv2: one group per output channel o, MaxIn rows each), and each group into
/// panels of V = <see cref="Vector{T}.Count"/> rows stored k-major ([k][V], zero-padded past the group's end). A
/// product may use any list of groups and only the first panels of each: that is how the decoder computes just the
/// rows o &lt; n0, i &lt; n1 (conv2) or the cropped cells (fc) it needs. Panels are read contiguously, two at a time,
/// and each loaded vector feeds 4 fused multiply-adds (4 input rows at once), several times faster than one dot
/// product per output.
/// </summary>
internal sealed class PanelMatrix
{
    private readonly float[] _panels;
    private readonly float[] _bias;

    /// <summary>Packs <paramref name="weight"/> (rows = groups·groupSize, K) and <paramref name="bias"/> (rows).</summary>
    public PanelMatrix(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int groups, int groupSize, int k)
    {
        int v = Vector<float>.Count;
        Groups = groups;
        GroupSize = groupSize;
        K = k;
        PanelsPerGroup = (groupSize + v - 1) / v;
        _panels = new float[checked((long)groups * PanelsPerGroup * k * v)];
        _bias = new float[(long)groups * PanelsPerGroup * v];
        for (int g = 0; g < groups; g++)
        {
            for (int r = 0; r < groupSize; r++)
            {
                int row = (g * groupSize) + r;
                int panel = (g * PanelsPerGroup) + (r / v);
                int lane = r % v;
                var src = weight.Slice(row * k, k);
                long baseIndex = (long)panel * k * v;
                for (int j = 0; j < k; j++) _panels[baseIndex + ((long)j * v) + lane] = src[j];
                _bias[(panel * v) + lane] = bias[row];
            }
        }
    }

    /// <summary>Row groups (conv2: MaxOut; otherwise 1).</summary>
    public int Groups { get; }
    /// <summary>Rows per group (conv2: MaxIn).</summary>
    public int GroupSize { get; }
    /// <summary>Input width.</summary>
    public int K { get; }
    /// <summary>Panels of V rows per group; the last one is zero-padded.</summary>
    public int PanelsPerGroup { get; }

    /// <summary>Columns an output row needs when <paramref name="groups"/> groups of <paramref name="rowsPerGroup"/>
    /// rows are computed: groups·ceil(rows/V)·V (lanes past the requested rows hold values of padded or unrequested
    /// rows and must be ignored).</summary>
    public static int OutputStride(int groups, int rowsPerGroup) => groups * PaddedRows(rowsPerGroup);

    /// <summary>rows rounded up to a whole panel.</summary>
    public static int PaddedRows(int rows) => (rows + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

    /// <summary>
    /// For each of the <paramref name="m"/> input rows a[i·aStride .. +K) and each listed group g = groups[j]: writes
    /// the group's first <paramref name="rowsPerGroup"/> rows to y[i·OutputStride + j·PaddedRows(rowsPerGroup) + r].
    /// </summary>
    public void Multiply(ReadOnlySpan<float> a, int m, int aStride, ReadOnlySpan<int> groups, int rowsPerGroup, Span<float> y)
    {
        if ((uint)rowsPerGroup > (uint)GroupSize || aStride < K)
            throw new ArgumentOutOfRangeException(nameof(rowsPerGroup), $"{rowsPerGroup} rows of {GroupSize}, stride {aStride} < {K}");
        foreach (int g in groups)
        {
            if ((uint)g >= (uint)Groups) throw new ArgumentOutOfRangeException(nameof(groups), $"group {g} of {Groups}");
        }
        int v = Vector<float>.Count;
        int panels = PaddedRows(rowsPerGroup) / v;
        int yStride = OutputStride(groups.Length, rowsPerGroup);
        if (m == 0 || panels == 0 || groups.IsEmpty) return;
        // Bounds checked once here; the kernels below index without checks.
        if (a.Length < ((m - 1) * (long)aStride) + K || y.Length < (long)m * yStride)
            throw new ArgumentException("input or output span too short");
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        for (int j = 0; j < groups.Length; j++)
        {
            for (int p = 0; p < panels; p++)
            {
                int panel = (groups[j] * PanelsPerGroup) + p;
                int column = (j * panels * v) + (p * v);
                int i = 0;
                if (p + 1 < panels)
                {
                    // Two adjacent panels at once: 2 loads feed 8 multiply-adds per k.
                    for (; i + 4 <= m; i += 4)
                        Kernel4x2(ref Unsafe.Add(ref a0, i * aStride), aStride, panel, ref Unsafe.Add(ref y0, (i * yStride) + column), yStride);
                    for (; i < m; i++)
                    {
                        Kernel1(ref Unsafe.Add(ref a0, i * aStride), panel, ref Unsafe.Add(ref y0, (i * yStride) + column));
                        Kernel1(ref Unsafe.Add(ref a0, i * aStride), panel + 1, ref Unsafe.Add(ref y0, (i * yStride) + column + v));
                    }
                    p++;
                    continue;
                }
                for (; i + 4 <= m; i += 4)
                    Kernel4(ref Unsafe.Add(ref a0, i * aStride), aStride, panel, ref Unsafe.Add(ref y0, (i * yStride) + column), yStride);
                for (; i < m; i++)
                    Kernel1(ref Unsafe.Add(ref a0, i * aStride), panel, ref Unsafe.Add(ref y0, (i * yStride) + column));
            }
        }
    }

    /// <summary>y = W·x + b for one vector, all rows of group 0, writing exactly GroupSize outputs.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length < K || y.Length < GroupSize) throw new ArgumentException("input or output span too short");
        int v = Vector<float>.Count;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        Span<float> lanes = stackalloc float[v];
        for (int p = 0; p < PanelsPerGroup; p++)
        {
            int rows = Math.Min(v, GroupSize - (p * v));
            if (rows == v)
            {
                Kernel1(ref x0, p, ref y[p * v]);
                continue;
            }
            // The padded last panel: compute all lanes into a local, keep the real ones.
            Kernel1(ref x0, p, ref MemoryMarshal.GetReference(lanes));
            lanes[..rows].CopyTo(y[(p * v)..]);
        }
    }

    private void Kernel4(ref float a, int aStride, int panel, ref float y, int yStride)
    {
        int v = Vector<float>.Count;
        ref float w = ref _panels[(long)panel * K * v];
        ref float a1 = ref Unsafe.Add(ref a, aStride);
        ref float a2 = ref Unsafe.Add(ref a, 2 * aStride);
        ref float a3 = ref Unsafe.Add(ref a, 3 * aStride);
        var bias = Vector.LoadUnsafe(ref _bias[panel * v]);
        Vector<float> c0 = bias, c1 = bias, c2 = bias, c3 = bias;
        for (int k = 0; k < K; k++)
        {
            var wk = Vector.LoadUnsafe(ref w, (nuint)(k * v));
            c0 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref a, k)), wk, c0);
            c1 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref a1, k)), wk, c1);
            c2 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref a2, k)), wk, c2);
            c3 = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref a3, k)), wk, c3);
        }
        c0.StoreUnsafe(ref y);
        c1.StoreUnsafe(ref y, (nuint)yStride);
        c2.StoreUnsafe(ref y, (nuint)(2 * yStride));
        c3.StoreUnsafe(ref y, (nuint)(3 * yStride));
    }

    // Panels `panel` and `panel + 1` are adjacent in memory (K·V floats each) and land in adjacent output lanes.
    private void Kernel4x2(ref float a, int aStride, int panel, ref float y, int yStride)
    {
        int v = Vector<float>.Count;
        ref float w = ref _panels[(long)panel * K * v];
        ref float w1 = ref Unsafe.Add(ref w, K * v);
        ref float a1 = ref Unsafe.Add(ref a, aStride);
        ref float a2 = ref Unsafe.Add(ref a, 2 * aStride);
        ref float a3 = ref Unsafe.Add(ref a, 3 * aStride);
        var bias = Vector.LoadUnsafe(ref _bias[panel * v]);
        var bias1 = Vector.LoadUnsafe(ref _bias[(panel + 1) * v]);
        Vector<float> c0 = bias, c1 = bias, c2 = bias, c3 = bias, d0 = bias1, d1 = bias1, d2 = bias1, d3 = bias1;
        for (int k = 0; k < K; k++)
        {
            var wk = Vector.LoadUnsafe(ref w, (nuint)(k * v));
            var wk1 = Vector.LoadUnsafe(ref w1, (nuint)(k * v));
            var x0 = new Vector<float>(Unsafe.Add(ref a, k));
            var x1 = new Vector<float>(Unsafe.Add(ref a1, k));
            var x2 = new Vector<float>(Unsafe.Add(ref a2, k));
            var x3 = new Vector<float>(Unsafe.Add(ref a3, k));
            c0 = Vector.MultiplyAddEstimate(x0, wk, c0);
            d0 = Vector.MultiplyAddEstimate(x0, wk1, d0);
            c1 = Vector.MultiplyAddEstimate(x1, wk, c1);
            d1 = Vector.MultiplyAddEstimate(x1, wk1, d1);
            c2 = Vector.MultiplyAddEstimate(x2, wk, c2);
            d2 = Vector.MultiplyAddEstimate(x2, wk1, d2);
            c3 = Vector.MultiplyAddEstimate(x3, wk, c3);
            d3 = Vector.MultiplyAddEstimate(x3, wk1, d3);
        }
        c0.StoreUnsafe(ref y);
        d0.StoreUnsafe(ref y, (nuint)v);
        c1.StoreUnsafe(ref y, (nuint)yStride);
        d1.StoreUnsafe(ref y, (nuint)(yStride + v));
        c2.StoreUnsafe(ref y, (nuint)(2 * yStride));
        d2.StoreUnsafe(ref y, (nuint)((2 * yStride) + v));
        c3.StoreUnsafe(ref y, (nuint)(3 * yStride));
        d3.StoreUnsafe(ref y, (nuint)((3 * yStride) + v));
    }

    private void Kernel1(ref float a, int panel, ref float y)
    {
        int v = Vector<float>.Count;
        ref float w = ref _panels[(long)panel * K * v];
        var c = Vector.LoadUnsafe(ref _bias[panel * v]);
        for (int k = 0; k < K; k++)
            c = Vector.MultiplyAddEstimate(new Vector<float>(Unsafe.Add(ref a, k)), Vector.LoadUnsafe(ref w, (nuint)(k * v)), c);
        c.StoreUnsafe(ref y);
    }
}
