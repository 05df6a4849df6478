// Fitting a decoded block to a parameter's shape (GHN-2 slice-then-tile) and GHN-2's op-specific normalization.
using GhnQat.Runtime.Graphs;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Ghn;

/// <summary>Shape fitting (brief §2.4) and normalization (brief §2.5) of predicted tensors.</summary>
public static class PredictedTensors
{
    /// <summary>
    /// Slices every dimension of <paramref name="block"/> to min(target, size), then repeats along each dimension
    /// that is still short (ceil(target/size) copies) and truncates — GHN-2's tiling of wide layers.
    /// </summary>
    public static Tensor Fit(Tensor block, IReadOnlyList<int> target)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(target);
        if (block.dim() != target.Count)
            throw new ArgumentException($"block has {block.dim()} dims, target {target.Count}", nameof(block));
        var x = block;
        for (int d = 0; d < target.Count; d++)
        {
            long size = x.shape[d];
            if (size > target[d]) x = x.narrow(d, 0, target[d]);
        }
        var repeats = new long[target.Count];
        bool tile = false;
        for (int d = 0; d < target.Count; d++)
        {
            repeats[d] = (target[d] + x.shape[d] - 1) / x.shape[d];
            tile |= repeats[d] > 1;
        }
        if (!tile) return x;
        x = x.repeat(repeats);
        for (int d = 0; d < target.Count; d++)
        {
            if (x.shape[d] > target[d]) x = x.narrow(d, 0, target[d]);
        }
        return x;
    }

    /// <summary>
    /// GHN-2's normalization: weights × sqrt(β / fan_in) with β = 1 for depthwise-like kernels (in/groups = 1) or
    /// kh &lt; kw and β = 2 otherwise (linear layers included); BN γ = 2·sigmoid(0.5p); every bias and BN β = tanh(0.2p).
    /// </summary>
    public static Tensor Normalize(Tensor p, ParameterTensor parameter)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(parameter);
        var s = parameter.Shape;
        switch (parameter.Role)
        {
            case ParameterRole.ConvWeight:
            {
                double beta = s[1] == 1 || s[2] < s[3] ? 1.0 : 2.0;
                return HeldScalars.Times(p, Math.Sqrt(beta / (s[1] * s[2] * s[3])));
            }
            case ParameterRole.LinearWeight:
            case ParameterRole.ClassifierWeight:
                return HeldScalars.Times(p, Math.Sqrt(2.0 / s[1]));
            case ParameterRole.BnGamma:
                return HeldScalars.Times(HeldScalars.Times(p, 0.5).sigmoid(), 2);
            default:
                return HeldScalars.Times(p, 0.2).tanh();
        }
    }
}
