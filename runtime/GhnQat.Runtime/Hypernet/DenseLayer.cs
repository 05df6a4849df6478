// A PyTorch Linear (y = x·Wᵀ + b) for the GHN's small layers: GRU, message MLPs, 1-D decoder and heads.
using System.Numerics.Tensors;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// Weight (Out, In) row-major as torch stores it, bias (Out). <see cref="Apply"/> multiplies one vector through a
/// <see cref="PanelMatrix"/> copy (V outputs per pass instead of one dot product each, which matters for the
/// thousands of tiny GRU and MLP products of a sweep); the raw arrays stay for the heads that mix block rows.
/// </summary>
internal sealed class DenseLayer
{
    private readonly float[] _weight;
    private readonly float[] _bias;
    private readonly PanelMatrix _panels;

    /// <summary>Takes ownership of <paramref name="weight"/> (Out·In values) and <paramref name="bias"/> (Out).</summary>
    public DenseLayer(float[] weight, float[] bias, int outputs, int inputs)
    {
        if (weight.Length != (long)outputs * inputs || bias.Length != outputs)
            throw new ArgumentException($"linear {outputs}×{inputs}: got {weight.Length} weights and {bias.Length} biases");
        _weight = weight;
        _bias = bias;
        _panels = new PanelMatrix(weight, bias, 1, outputs, inputs);
        Outputs = outputs;
        Inputs = inputs;
    }

    /// <summary>Output width.</summary>
    public int Outputs { get; }
    /// <summary>Input width.</summary>
    public int Inputs { get; }
    /// <summary>Row-major weights (Out, In).</summary>
    public ReadOnlySpan<float> Weight => _weight;
    /// <summary>Bias (Out).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>y[..Out] = W·x + b for one input vector.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y) => _panels.Apply(x, y);

    /// <summary>y[..Out] = ReLU(W·x + b).</summary>
    public void ApplyRelu(ReadOnlySpan<float> x, Span<float> y)
    {
        _panels.Apply(x, y);
        TensorPrimitives.Max(y[..Outputs], 0f, y);
    }
}
