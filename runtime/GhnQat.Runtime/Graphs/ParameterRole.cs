// What a parameter tensor is to its layer; decides the decoder and GHN-2's normalization (brief §2.3, §2.5).
namespace GhnQat.Runtime.Graphs;

/// <summary>The role of one <see cref="ParameterTensor"/>.</summary>
public enum ParameterRole
{
    /// <summary>Conv weight (out, in/groups, kh, kw).</summary>
    ConvWeight = 0,
    /// <summary>Weight of a linear layer that is not the classifier (out, in).</summary>
    LinearWeight = 1,
    /// <summary>Bias of a conv or of a non-classifier linear (out).</summary>
    Bias = 2,
    /// <summary>BN scale γ (channels).</summary>
    BnGamma = 3,
    /// <summary>BN shift β (channels).</summary>
    BnBeta = 4,
    /// <summary>Classifier weight (classes, in).</summary>
    ClassifierWeight = 5,
    /// <summary>Classifier bias (classes).</summary>
    ClassifierBias = 6,
}
