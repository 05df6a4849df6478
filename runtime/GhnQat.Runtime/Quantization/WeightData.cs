// The per-channel arrays of a conv or classifier layer, as the quantizer computes them and the file stores them.
using System.Collections.Immutable;

namespace GhnQat.Runtime.Quantization;

/// <summary>Per-channel data of a conv or classifier: codes, float32 biases, multipliers and weight scales.</summary>
internal sealed record WeightData(ImmutableArray<sbyte> Codes, ImmutableArray<float> Bias, ImmutableArray<float> Multipliers,
    ImmutableArray<float> Scales);
