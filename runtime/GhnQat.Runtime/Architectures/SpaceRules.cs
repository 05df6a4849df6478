// The knobs of the mobile CNN space, one record per split (see ArchSpace for the values).
namespace GhnQat.Runtime.Architectures;

/// <summary>Ranges the generator draws from for one split.</summary>
internal sealed record SpaceRules(
    int MinStages,
    int MaxStages,
    int MinBlocks,
    int MaxBlocks,
    int[] FirstWidths,
    int WidthStep,
    int MaxWidth,
    bool BatchNorm,
    bool DenseSums)
{
    /// <summary>Training nets: 2–4 stages of 1–2 blocks, widths 8–64 (multiples of 8; expansions included).</summary>
    public static readonly SpaceRules Train = new(2, 4, 1, 2, [8, 16, 24, 32], 8, 64, true, false);

    /// <summary>Conv and linear layers on the longest path of a training net, at most: stem, per stage a
    /// transition (an inverted residual has 3) and blocks of at most 3 layers each, then the classifier.</summary>
    public int MaxDepth => 1 + MaxStages * MaxBlocks * 3 + (MaxStages - 1) * 3 + 1;

    public static SpaceRules For(ArchSplit split) => split switch
    {
        ArchSplit.Train or ArchSplit.Id => Train,
        ArchSplit.Wide => Train with { FirstWidths = [128, 144, 160], WidthStep = 16, MaxWidth = 256 },
        ArchSplit.Deep => Train with { MinStages = 3, MaxStages = 4, MinBlocks = 4, MaxBlocks = 8 },
        ArchSplit.Dense => Train with { DenseSums = true },
        ArchSplit.BnFree => Train with { BatchNorm = false },
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split"),
    };
}
