// Adam with L2 weight decay (torch.optim.Adam semantics) whose whole state is plain tensors, so checkpoints resume exactly.
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Training;

/// <summary>
/// torch.optim.Adam (β = 0.9, 0.999, ε = 1e-8; decay added to the gradient). Kept in-house so the moment tensors
/// and the step count are ours to save and restore bit for bit.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;
    private readonly (string Name, Tensor Param)[] _params;

    /// <summary>Creates zero moments for every parameter.</summary>
    public AdamOptimizer(IEnumerable<(string Name, Tensor Param)> parameters)
    {
        _params = parameters.ToArray();
        M = _params.ToDictionary(p => p.Name, p => zeros_like(p.Param).DetachFromDisposeScope(), StringComparer.Ordinal);
        V = _params.ToDictionary(p => p.Name, p => zeros_like(p.Param).DetachFromDisposeScope(), StringComparer.Ordinal);
    }

    /// <summary>First moments by parameter name.</summary>
    public Dictionary<string, Tensor> M { get; }
    /// <summary>Second moments by parameter name.</summary>
    public Dictionary<string, Tensor> V { get; }
    /// <summary>Updates done so far (bias correction uses it).</summary>
    public long StepCount { get; set; }

    /// <summary>One update with learning rate <paramref name="lr"/>; parameters without a gradient are skipped.</summary>
    public void Step(double lr, double weightDecay)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        StepCount++;
        double c1 = 1 - Math.Pow(Beta1, StepCount), c2 = 1 - Math.Pow(Beta2, StepCount);
        // Every number as a Scalar held until the ops return (HeldScalars: an implicit one can be freed mid-call).
        using Scalar decay = weightDecay.ToScalar(), beta1 = Beta1.ToScalar(), beta2 = Beta2.ToScalar(),
            oneMinusBeta1 = (1 - Beta1).ToScalar(), oneMinusBeta2 = (1 - Beta2).ToScalar(), correction2 = c2.ToScalar(),
            eps = Eps.ToScalar(), stepSize = (-lr / c1).ToScalar();
        foreach (var (name, p) in _params)
        {
            var g = p.grad;
            if (g is null) continue;
            if (weightDecay != 0) g = g.add(p, decay);
            M[name].mul_(beta1).add_(g, oneMinusBeta1);
            V[name].mul_(beta2).addcmul_(g, g, oneMinusBeta2);
            var denom = V[name].div(correction2).sqrt_().add_(eps);
            p.addcdiv_(M[name], denom, stepSize);
        }
    }

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in _params) p.grad?.zero_();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in M.Values.Concat(V.Values)) t.Dispose();
    }
}
