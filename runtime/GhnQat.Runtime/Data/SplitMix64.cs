// A tiny seeded PRNG (Steele, Lea and Flood's SplitMix64) so shuffles and augmentation never depend on the .NET version.
namespace GhnQat.Runtime.Data;

/// <summary>
/// SplitMix64: a 64-bit state advanced by the golden-ratio increment and finalized by a fixed mixer.
/// Same seed → same sequence on every platform and runtime version (System.Random gives no such promise).
/// Not for cryptography.
/// </summary>
public sealed class SplitMix64
{
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private ulong _state;

    /// <summary>Starts the sequence at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += Golden;
        return Finalize(_state);
    }

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt32(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        uint bound = (uint)exclusiveMax;
        ulong product = (NextUInt64() >> 32) * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            // Reject the few low values that would over-represent some results.
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * bound;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>True with probability 1/2.</summary>
    public bool NextBool() => (NextUInt64() >> 63) != 0;

    /// <summary>
    /// Derives an independent seed from a base seed and a stream number (epoch, batch, worker), so that
    /// sub-streams do not overlap in practice.
    /// </summary>
    public static ulong Mix(ulong seed, ulong stream) => Finalize(seed + ((stream + 1) * Golden) + 0x632BE59BD9B4E019);

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
