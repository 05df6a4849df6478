// Fuzz target: SafetensorsFile.FromMemory on whole files; mutates the JSON header (re-prefixed) or the raw bytes.
using System.Buffers.Binary;
using GhnQat.Runtime.IO;

namespace GhnQat.Fuzz.Targets;

/// <summary>The safetensors reader, from header validation to every typed read a valid file allows.</summary>
internal sealed class SafetensorsTarget : IFuzzTarget
{
    public string Name => "safetensors";

    public IReadOnlyList<byte[]> Seeds() =>
    [
        new SafetensorsWriter().AddFloat32("w", [2, 3], [1, 2, 3, 4, 5, 6]).AddInt8("q", [5], [1, -2, 3, -4, 5])
            .SetMetadata("ghnqat.format", "ghnqat.packed/1").SetMetadata("bits", "4").ToArray(),
        new SafetensorsWriter().Add("h", SafetensorsDType.F16, [4], new byte[8]).Add("b", SafetensorsDType.BF16, [2], new byte[4])
            .Add("flag", SafetensorsDType.Bool, [3], [1, 0, 1]).Add("big", SafetensorsDType.I64, [1], new byte[8]).ToArray(),
        new SafetensorsWriter().AddUInt32("packed", [2, 2], [1, 2, 3, 4]).AddUInt8("empty", [0], []).AddInt32("s", [], [7]).ToArray(),
        new SafetensorsWriter().ToArray(),
    ];

    public byte[] Mutate(byte[] input, Mutator mutator)
    {
        // Half the time keep the length prefix honest, so mutations reach the JSON rules instead of the prefix check.
        if (input.Length < 8 || mutator.Random.Next(2) == 0) return mutator.MutateBytes(input);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(input);
        if (n > (ulong)(input.Length - 8)) return mutator.MutateBytes(input);
        byte[] header = JsonMutator.Mutate(input[8..(8 + (int)n)], mutator);
        byte[] result = new byte[8 + header.Length + input.Length - 8 - (int)n];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)header.Length);
        header.CopyTo(result, 8);
        input.AsSpan(8 + (int)n).CopyTo(result.AsSpan(8 + header.Length));
        return result;
    }

    public void Run(byte[] input)
    {
        using var file = SafetensorsFile.FromMemory(input, "fuzz.safetensors");
        foreach (var t in file.Tensors)
        {
            _ = file.ReadBytes(t.Name);
            if (t.DType is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16) _ = file.ReadFloat32(t.Name);
        }
        _ = file.Metadata.Count;
    }
}
