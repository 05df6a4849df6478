// The splits of the mobile CNN space: one for training, five held out (GHN-2's ID/WIDE/DEEP/DENSE/BN-FREE).
namespace GhnQat.Runtime.Architectures;

/// <summary>A split of <see cref="ArchSpace"/>; no held-out split ever yields a net that <see cref="Train"/> yields.</summary>
public enum ArchSplit
{
    /// <summary>Training nets: widths 8–64, 2–4 stages of 1–2 blocks, BN, adds only inside inverted residuals.</summary>
    Train = 0,
    /// <summary>Held out from the training distribution by a hash partition (StructureHash % 8 == 0).</summary>
    Id = 1,
    /// <summary>Every conv 128–256 channels wide (2×–4× the training maximum of 64).</summary>
    Wide = 2,
    /// <summary>3–4 stages of 4–8 blocks; depth beyond <see cref="ArchSpace.TrainMaxDepth"/>.</summary>
    Deep = 3,
    /// <summary>Training-like nets plus dense sums over all same-shape tensors of a stage (some add has ≥ 3 inputs).</summary>
    Dense = 4,
    /// <summary>Training-like nets without BN; every conv has a bias.</summary>
    BnFree = 5,
}
