// Names and report labels of the quantization modes, as the CLI, the train config and the reports write them.
using GhnQat.Runtime.Errors;

namespace GhnQat.Trainer.Quantization;

/// <summary>Names of <see cref="QuantMode"/> as the CLI and the train config write them: none, sim, noise, mixed.</summary>
public static class QuantModes
{
    /// <summary>"none", "sim", "noise" or "mixed".</summary>
    public static string Name(QuantMode mode) => mode switch
    {
        QuantMode.Sim => "sim",
        QuantMode.Noise => "noise",
        QuantMode.Mixed => "mixed",
        _ => "none",
    };

    /// <summary>Parses none / sim / noise / mixed (case-insensitive); throws InvalidArgument otherwise.</summary>
    public static QuantMode Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "none" or "float" => QuantMode.None,
        "sim" or "simquant" => QuantMode.Sim,
        "noise" or "noisequant" => QuantMode.Noise,
        "mixed" => QuantMode.Mixed,
        _ => throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"unknown quantization mode '{name}'; expected none, sim, noise or mixed"),
    };

    /// <summary>The report label of a GHN trained with <paramref name="mode"/>.</summary>
    public static string Label(QuantMode mode) => mode switch
    {
        QuantMode.Sim => "GHN-QAT-SimQuant",
        QuantMode.Noise => "GHN-QAT-NoiseQuant",
        QuantMode.Mixed => "GHN-QAT-Mixed",
        _ => "GHN-Q",
    };
}
