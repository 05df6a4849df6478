// GHN-2's decoder grouping key (brief §2.1): nodes with equal keys are decoded in one batched call.
using System.Globalization;

namespace GhnQat.Runtime.Graphs;

/// <summary>
/// Grouping key of a parameter node. Per channel dimension j: n = min(size, max_j); if n % 3 == 0, n = n/3·4;
/// if n ≥ max_j/2, n = max_j. Layout: 1-D (n0, 0); classifier bias (n0, −1); classifier weight (n0, n1);
/// other 2-D (n0, n1, 1, 1); 4-D (n0, n1, kh, kw) with the real kernel size.
/// </summary>
/// <param name="Values">The key's 2 or 4 values.</param>
public readonly record struct ShapeKey(IReadOnlyList<int> Values)
{
    /// <summary>GHN-2's CIFAR-10 decoder bound (64, 64, 11, 11): out channels, in channels, kh, kw.</summary>
    public static IReadOnlyList<int> Ghn2MaxShape { get; } = [64, 64, 11, 11];

    /// <summary>The key of <paramref name="node"/>, or null for nodes without parameters.</summary>
    /// <param name="node">A graph node.</param>
    /// <param name="maxShape">The decoder's (out, in, kh, kw) bound; null for <see cref="Ghn2MaxShape"/>.</param>
    public static ShapeKey? For(GraphNode node, IReadOnlyList<int>? maxShape = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!node.HasParameters) return null;
        var max = maxShape ?? Ghn2MaxShape;
        var s = node.TensorShape;
        int Min(int j) => Dim(s[j], max[j]);
        if (node.IsClassifierBias) return new ShapeKey([Min(0), -1]);
        if (node.IsClassifierWeight) return new ShapeKey([Min(0), Min(1)]);
        return s.Count switch
        {
            1 => new ShapeKey([Min(0), 0]),
            2 => new ShapeKey([Min(0), Min(1), 1, 1]),
            _ => new ShapeKey([Min(0), Min(1), s[2], s[3]]),
        };
    }

    private static int Dim(int size, int max)
    {
        int n = Math.Min(size, max);
        if (n % 3 == 0) n = n / 3 * 4; // a multiple of 4 lets channels split evenly (GHN-2's comment)
        if (n * 2 >= max) n = max;
        return n;
    }

    /// <summary>Equal when the values are equal.</summary>
    public bool Equals(ShapeKey other) => Values.SequenceEqual(other.Values);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int v in Values) h.Add(v);
        return h.ToHashCode();
    }

    /// <summary>"(a, b)" or "(a, b, c, d)".</summary>
    public override string ToString() => "(" + string.Join(", ", Values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + ")";
}
