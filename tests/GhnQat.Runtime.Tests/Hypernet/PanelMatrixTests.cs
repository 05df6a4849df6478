// The decoder's panel GEMM against a naive triple loop, on sizes that exercise every tail path.
using GhnQat.Runtime.Hypernet;

namespace GhnQat.Runtime.Tests.Hypernet;

[TestFixture]
public sealed class PanelMatrixTests
{
    private static float[] RandomValues(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();

    [TestCase(1, 5, 13)]
    [TestCase(7, 11, 13)]
    [TestCase(9, 16, 3)]
    [TestCase(4, 19, 1)]
    public void Multiply_GroupSubsetAndRowPrefix_MatchesNaiveProduct(int m, int rowsPerGroup, int k)
    {
        var rng = new Random(700 + m);
        const int groups = 5, groupSize = 19;
        var weight = RandomValues(rng, groups * groupSize * k);
        var bias = RandomValues(rng, groups * groupSize);
        int aStride = k + 3;
        var a = RandomValues(rng, m * aStride);
        int[] chosen = [3, 0, 4];
        var matrix = new PanelMatrix(weight, bias, groups, groupSize, k);
        int stride = PanelMatrix.OutputStride(chosen.Length, rowsPerGroup);
        var y = new float[m * stride];

        matrix.Multiply(a, m, aStride, chosen, rowsPerGroup, y);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < chosen.Length; j++)
            {
                for (int r = 0; r < rowsPerGroup; r++)
                {
                    int row = (chosen[j] * groupSize) + r;
                    double expected = bias[row];
                    for (int t = 0; t < k; t++) expected += a[(i * aStride) + t] * weight[(row * k) + t];
                    float actual = y[(i * stride) + (j * PanelMatrix.PaddedRows(rowsPerGroup)) + r];
                    Assert.That(actual, Is.EqualTo(expected).Within(1e-5), $"cell {i}, group {chosen[j]}, row {r}");
                }
            }
        }
    }

    [TestCase(3, 5)]
    [TestCase(8, 16)]
    [TestCase(21, 7)]
    public void Apply_OneVector_WritesExactlyTheRows(int rows, int k)
    {
        var rng = new Random(800 + rows);
        var weight = RandomValues(rng, rows * k);
        var bias = RandomValues(rng, rows);
        var x = RandomValues(rng, k);
        var y = Enumerable.Repeat(float.NaN, rows + 1).ToArray();

        new PanelMatrix(weight, bias, 1, rows, k).Apply(x, y);

        for (int r = 0; r < rows; r++)
        {
            double expected = bias[r] + Enumerable.Range(0, k).Sum(t => (double)x[t] * weight[(r * k) + t]);
            Assert.That(y[r], Is.EqualTo(expected).Within(1e-5), $"row {r}");
        }
        Assert.That(y[rows], Is.NaN, "wrote past the last row");
    }
}
