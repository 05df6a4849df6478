// Seeded byte-level mutations: bit flips, byte sets, interesting integers, truncation, chunk delete/copy, splicing.
using System.Buffers.Binary;

namespace GhnQat.Fuzz;

/// <summary>Byte-level mutations driven by one seeded <see cref="Random"/>, so a run is reproducible.</summary>
internal sealed class Mutator
{
    // Sizes and counts at the edges: zero, one, sign bits, powers of two around the int32/int64 limits.
    private static readonly long[] InterestingIntegers =
    [
        0, 1, -1, 2, 7, 8, 16, 127, 128, 255, 256, 3073, 65535, 65536, int.MaxValue, int.MinValue, uint.MaxValue,
        1L << 31, 1L << 32, 1L << 40, 100_000_000, 100_000_001, long.MaxValue, long.MinValue,
    ];

    // Number spellings that are not plain 64-bit integers: exponents, fractions, negative zero, beyond 64 bits.
    private static readonly string[] NumberSpellings = ["1e999", "-0", "1.5", "2e3", "18446744073709551616", "99999999999999999999999"];

    private readonly IReadOnlyList<byte[]> _pool;

    public Mutator(Random random, IReadOnlyList<byte[]> pool)
    {
        Random = random;
        _pool = pool;
    }

    /// <summary>The source of every choice; targets use it for their own format-aware mutations.</summary>
    public Random Random { get; }

    /// <summary>Applies one random byte-level mutation; the input is not modified.</summary>
    public byte[] MutateBytes(byte[] input)
    {
        var r = Random;
        if (input.Length == 0) return RandomBytes(r.Next(1, 32));
        byte[] b = (byte[])input.Clone();
        int at = r.Next(b.Length);
        switch (r.Next(11))
        {
            case 0: b[at] ^= (byte)(1 << r.Next(8)); return b;
            case 1: b[at] = (byte)r.Next(256); return b;
            case 2: b[at] = (byte)InterestingIntegers[r.Next(InterestingIntegers.Length)]; return b;
            case 3: b[at] = unchecked((byte)(b[at] + r.Next(-8, 9))); return b;
            case 4: return WriteInteger(b, at);
            case 5: return b[..r.Next(b.Length)]; // truncate
            case 6: return Delete(b, at);
            case 7: return Insert(b, at, Chunk(b));
            case 8: return Insert(b, at, RandomBytes(r.Next(1, 16)));
            case 9: return Splice(b);
            default: return [.. b, .. RandomBytes(r.Next(1, 64))];
        }
    }

    /// <summary>A random interesting integer as decimal text (for JSON numbers).</summary>
    public string InterestingNumberText() =>
        Random.Next(6) == 0 ? NumberSpellings[Random.Next(NumberSpellings.Length)]
            : InterestingIntegers[Random.Next(InterestingIntegers.Length)].ToString(System.Globalization.CultureInfo.InvariantCulture);

    public byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.NextBytes(bytes);
        return bytes;
    }

    // 2, 4 or 8 bytes, little- or big-endian: safetensors lengths are LE, IDX dims BE.
    private byte[] WriteInteger(byte[] b, int at)
    {
        long v = InterestingIntegers[Random.Next(InterestingIntegers.Length)];
        int width = new[] { 2, 4, 8 }[Random.Next(3)];
        if (at + width > b.Length) return b;
        var span = b.AsSpan(at, width);
        bool big = Random.Next(2) == 0;
        switch (width)
        {
            case 2: if (big) BinaryPrimitives.WriteInt16BigEndian(span, (short)v); else BinaryPrimitives.WriteInt16LittleEndian(span, (short)v); break;
            case 4: if (big) BinaryPrimitives.WriteInt32BigEndian(span, (int)v); else BinaryPrimitives.WriteInt32LittleEndian(span, (int)v); break;
            default: if (big) BinaryPrimitives.WriteInt64BigEndian(span, v); else BinaryPrimitives.WriteInt64LittleEndian(span, v); break;
        }
        return b;
    }

    private byte[] Delete(byte[] b, int at)
    {
        int n = Math.Min(b.Length - at, Random.Next(1, 64));
        return [.. b.AsSpan(0, at), .. b.AsSpan(at + n)];
    }

    // A copy of 1–64 bytes from a random place in b (repeats a field, a record, a dimension).
    private byte[] Chunk(byte[] b)
    {
        int from = Random.Next(b.Length);
        return b.AsSpan(from, Math.Min(b.Length - from, Random.Next(1, 65))).ToArray();
    }

    private static byte[] Insert(byte[] b, int at, byte[] chunk) => [.. b.AsSpan(0, at), .. chunk, .. b.AsSpan(at)];

    // Head of this input + tail of another pool entry: combines structures two inputs reached separately.
    private byte[] Splice(byte[] b)
    {
        byte[] other = _pool[Random.Next(_pool.Count)];
        if (other.Length == 0) return b;
        return [.. b.AsSpan(0, Random.Next(b.Length + 1)), .. other.AsSpan(Random.Next(other.Length))];
    }
}
