// Fuzz target: Cifar10.Load on a tmpfs folder holding one test batch (size, record and label checks).
using GhnQat.Runtime.Data;

namespace GhnQat.Fuzz.Targets;

/// <summary>The CIFAR-10 binary batch loader, fed one mutated test_batch.bin per run.</summary>
internal sealed class CifarTarget(string scratchFolder) : IFuzzTarget
{
    private readonly string _folder = scratchFolder;

    public string Name => "cifar";

    public IReadOnlyList<byte[]> Seeds()
    {
        // One and three records; labels 0..9 and pixel ramps.
        byte[] Records(int n) => Enumerable.Range(0, n * Cifar10.RecordBytes)
            .Select(i => (byte)(i % Cifar10.RecordBytes == 0 ? (i / Cifar10.RecordBytes) % 10 : i % 251)).ToArray();
        return [Records(1), Records(3)];
    }

    public byte[] Mutate(byte[] input, Mutator mutator) => mutator.MutateBytes(input);

    public void Run(byte[] input)
    {
        File.WriteAllBytes(Path.Combine(_folder, "test_batch.bin"), input);
        var data = Cifar10.Load(DatasetSplit.Test, _folder);
        if (data.Count * (long)Cifar10.RecordBytes != input.Length)
            throw new InvalidOperationException($"loaded {data.Count} records from {input.Length} bytes");
    }
}
