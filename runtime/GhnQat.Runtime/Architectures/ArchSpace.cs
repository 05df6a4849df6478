// The mobile CNN space (28×28×1 input, 10 classes): deterministic sampling of distinct, valid nets per split.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Architectures;

/// <summary>
/// Samples nets of one <see cref="ArchSplit"/>. The same (split, count, seed) always gives the same specs, and a
/// longer sample starts with the shorter one. Held-out splits never yield a training net: WIDE has every conv wider
/// than <see cref="TrainMaxWidth"/>, DEEP is deeper than <see cref="TrainMaxDepth"/>, DENSE has an add with ≥ 3
/// inputs, BN-FREE has no BN (training nets always do), and ID keeps exactly the training-distribution nets whose
/// <see cref="ArchSpec.StructureHash"/> % 8 == 0, which TRAIN rejects.
/// </summary>
public static class ArchSpace
{
    /// <summary>Input image shape of every net in the space (Fashion-MNIST).</summary>
    public static ActivationShape Input => ArchGenerator.Input;
    /// <summary>Number of classes of every net in the space.</summary>
    public const int Classes = ArchGenerator.Classes;
    /// <summary>Widest conv output of any training net, channels (expanded inverted-residual widths included).</summary>
    public static int TrainMaxWidth => SpaceRules.Train.MaxWidth;
    /// <summary>Upper bound of <see cref="ArchSpec.Depth"/> over training nets; DEEP nets exceed it.</summary>
    public static int TrainMaxDepth => SpaceRules.Train.MaxDepth;
    /// <summary>Hash partition: a training-distribution net belongs to ID when its StructureHash % this == 0.</summary>
    public const int IdModulus = 8;

    /// <summary>Draws this many tries per requested net before giving up (never reached in practice).</summary>
    private const int MaxTriesPerNet = 10_000;

    /// <summary>Split names as used by the CLI and file names: train, id, wide, deep, dense, bnfree.</summary>
    public static IReadOnlyList<string> SplitNames { get; } = ["train", "id", "wide", "deep", "dense", "bnfree"];

    /// <summary>The CLI name of <paramref name="split"/>.</summary>
    public static string SplitName(ArchSplit split) => SplitNames[(int)split];

    /// <summary>Parses a split name (case-insensitive); throws <see cref="GhnQatException"/> listing valid names.</summary>
    public static ArchSplit ParseSplit(string name)
    {
        for (int i = 0; i < SplitNames.Count; i++)
        {
            if (string.Equals(SplitNames[i], name?.Trim(), StringComparison.OrdinalIgnoreCase)) return (ArchSplit)i;
        }
        throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"unknown split '{name}'; expected one of {string.Join(", ", SplitNames)}");
    }

    /// <summary>Whether a training-distribution net with this hash belongs to the ID split (else to TRAIN).</summary>
    public static bool IsIdHash(ulong structureHash) => structureHash % IdModulus == 0;

    /// <summary>
    /// Samples <paramref name="count"/> pairwise distinct nets of <paramref name="split"/> with seed
    /// <paramref name="seed"/>; names are "&lt;split&gt;-s&lt;seed&gt;-&lt;index:D5&gt;".
    /// </summary>
    public static IReadOnlyList<ArchSpec> Sample(ArchSplit split, int count, ulong seed)
    {
        if (count < 0 || count > 1_000_000)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"count must be 0..1000000, got {count}");
        var rules = SpaceRules.For(split);
        // One stream per (seed, split): the split index is mixed in so splits do not share draws.
        ulong mix = seed ^ (0xA0761D6478BD642FUL * (ulong)((int)split + 1));
        var generator = new ArchGenerator(rules, new Prng(Prng.SplitMix64(ref mix)));
        var seen = new HashSet<ulong>();
        var result = new List<ArchSpec>(count);
        string splitName = SplitName(split);
        int tries = 0;
        while (result.Count < count)
        {
            if (++tries > MaxTriesPerNet * (count + 1))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"could not draw {count} distinct {splitName} nets (got {result.Count}); ask for fewer");
            string name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{splitName}-s{seed}-{result.Count:D5}");
            var spec = generator.Next(name);
            if (Accepts(split, spec) && seen.Add(spec.StructureHash)) result.Add(spec);
        }
        return result;
    }

    /// <summary>The split's membership rule beyond what the generator guarantees by construction.</summary>
    private static bool Accepts(ArchSplit split, ArchSpec spec) => split switch
    {
        ArchSplit.Train => !IsIdHash(spec.StructureHash),
        ArchSplit.Id => IsIdHash(spec.StructureHash),
        ArchSplit.Deep => spec.Depth > TrainMaxDepth,
        ArchSplit.Dense => spec.Nodes.Any(n => n.Op == ArchOp.Add && n.Inputs.Count >= 3),
        _ => true,
    };
}
