// Fuzz target: ArchSpec.Load on a tmpfs file; a spec that loads must round-trip and build its GHN-2 graph.
using System.Text;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Fuzz.Targets;

/// <summary>The ArchSpec JSON reader and validator, then the graph builder on whatever they accept.</summary>
internal sealed class ArchSpecTarget(string scratchFolder) : IFuzzTarget
{
    private readonly string _path = Path.Combine(scratchFolder, "spec.json");

    public string Name => "archspec";

    public IReadOnlyList<byte[]> Seeds() =>
        Enum.GetValues<ArchSplit>().SelectMany(split => ArchSpace.Sample(split, 2, 11))
            .Select(spec => Encoding.UTF8.GetBytes(spec.ToJson())).ToArray();

    public byte[] Mutate(byte[] input, Mutator mutator) =>
        mutator.Random.Next(4) == 0 ? mutator.MutateBytes(input) : JsonMutator.Mutate(input, mutator);

    public void Run(byte[] input)
    {
        File.WriteAllBytes(_path, input);
        var spec = ArchSpec.Load(_path);
        // Invariants of an accepted spec: canonical JSON parses back to the same text, and the graph builds.
        string json = spec.ToJson();
        string again = ArchSpec.Parse(json, "fuzz-roundtrip").ToJson();
        if (!string.Equals(json, again, StringComparison.Ordinal))
            throw new InvalidOperationException("ToJson → Parse → ToJson changed the text (round trip broken)");
        _ = ArchGraph.Build(spec);
    }
}
