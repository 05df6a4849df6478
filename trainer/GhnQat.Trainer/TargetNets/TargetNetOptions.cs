// How a functional target net treats BN and where quantizers hook in (the QAT stage fills the hooks).
using static TorchSharp.torch;

namespace GhnQat.Trainer.TargetNets;

/// <summary>
/// Options of <see cref="FunctionalNet.Forward"/>. BN uses the batch's statistics (GHN-2 protocol) unless
/// <see cref="BnStatistics"/> gives fixed (mean, var) per BN node id. <see cref="Weight"/> maps (tensor name, value)
/// to the value the layer uses; <see cref="Activation"/> maps (tensor id, value, is-unsigned) to the value the next
/// layers read; both default to identity.
/// </summary>
public sealed record TargetNetOptions
{
    /// <summary>GHN-2 protocol: every BN normalizes with its batch's statistics.</summary>
    public static TargetNetOptions BatchStatistics { get; } = new();

    /// <summary>Fixed BN statistics by BN node id; null = batch statistics.</summary>
    public IReadOnlyDictionary<string, (Tensor Mean, Tensor Var)>? BnStatistics { get; init; }
    /// <summary>Transform of each parameter before use (e.g. fake quantization); null = identity.</summary>
    public Func<string, Tensor, Tensor>? Weight { get; init; }
    /// <summary>Transform of each activation tensor a layer outputs (input image id "input"); null = identity.</summary>
    public Func<string, Tensor, bool, Tensor>? Activation { get; init; }
    /// <summary>Called with (BN node id, its input) before normalizing, e.g. to collect calibration statistics.</summary>
    public Action<string, Tensor>? ObserveBnInput { get; init; }
}
