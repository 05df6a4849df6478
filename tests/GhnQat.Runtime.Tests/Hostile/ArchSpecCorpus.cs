// Hostile ArchSpec JSON files: broken graphs, absurd numbers, wrong types, bombs and bad encodings, loaded from disk.
// Complements Architectures/ArchSpecValidationTests (the constructor path) with the JSON reader's path.
using System.Text;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>The ArchSpec part of the corpus; cases go through <see cref="ArchSpec.Load"/> unless stated.</summary>
internal static class ArchSpecCorpus
{
    private const string Gap = "{\"id\": \"g\", \"op\": \"gap\", \"inputs\": [\"X\"]}";
    private const string Fc = "{\"id\": \"fc\", \"op\": \"linear\", \"inputs\": [\"g\"], \"out\": 10}";

    public static IEnumerable<HostileCase> Cases()
    {
        // Graphs that are not DAGs ending in one classifier.
        yield return Nodes("TwoNodeCycle", "part of a cycle (a -> b -> a)",
            Conv("a", "b", 4), Conv("b", "a", 4), Gap.Replace("X", "b", StringComparison.Ordinal), Fc);
        yield return Nodes("DanglingInput", "input 'ghost' is not a node id", Conv("a", "ghost", 4), Tail("a"));
        yield return Nodes("DanglingInputMegabyteName", "(dangling input)", Conv("a", new string('x', 1_000_000), 4), Tail("a"));
        yield return Nodes("DuplicateId", "node 'a': duplicate id", Conv("a", "input", 4), Conv("a", "a", 4), Tail("a"));
        yield return Nodes("NoNodes", "spec has no nodes");
        yield return Nodes("AddOf2000Inputs", "add needs 2..1024 inputs, got 2000",
            Conv("a", "input", 4), Node("s", "add", Enumerable.Repeat("a", 2000).ToArray(), ""), Tail("s"));

        // Numbers out of range, from zero to far beyond 32 bits.
        yield return Top("InputChannelsZero", "\"channels\": 1", "\"channels\": 0", "input channels must be 1..64, got 0");
        yield return Top("InputHeightNegative", "\"height\": 28", "\"height\": -28", "input height and width must be 1..4096");
        yield return Top("InputWidthInt32Max", "\"width\": 28", "\"width\": 2147483647", "got 28x2147483647");
        yield return Top("ClassesZero", "\"classes\": 10", "\"classes\": 0", "classes must be 1..8192, got 0");
        yield return Top("ClassesBeyondInt32", "\"classes\": 10", "\"classes\": 4294967296", "'classes' must be a 32-bit integer, got 4294967296");
        yield return Top("ClassesHugeExponent", "\"classes\": 10", "\"classes\": 1e999", "'classes' must be a 32-bit integer, got 1e999");
        yield return Nodes("ConvOutNegative", "node 'a': attribute 'out' must be 1..8192, got -8", Conv("a", "input", -8), Tail("a"));
        yield return Nodes("LinearOutInt32Max", "node 'fc': attribute 'out' must be 1..8192, got 2147483647",
            Gap.Replace("X", "input", StringComparison.Ordinal), Fc.Replace("10}", "2147483647}", StringComparison.Ordinal));
        yield return Nodes("KernelHuge", "node 'a': attribute 'k' must be 1..15, got 1001", Conv("a", "input", 4, k: 1001), Tail("a"));
        yield return Nodes("StrideInt32Max", "node 'a': attribute 'stride' must be 1..8", Conv("a", "input", 4, ", \"stride\": 2147483647"), Tail("a"));
        yield return Nodes("DilationHuge", "attribute 'dilation' must be 1..8, got 65536", Conv("a", "input", 4, ", \"dilation\": 65536"), Tail("a"));
        yield return Nodes("GroupsNegative", "attribute 'groups' must be 1..8192, got -1", Conv("a", "input", 4, ", \"groups\": -1"), Tail("a"));
        yield return Nodes("PoolKernelHuge", "node 'p': attribute 'k' must be 1..15, got 100000",
            Node("p", "maxpool", ["input"], ", \"k\": 100000"), Tail("p"));

        // Wrong types, unknown names, wrong schema or version.
        yield return Nodes("UnknownOp", "node 'a': unknown op \"transformer\"", Node("a", "transformer", ["input"], ""), Tail("a"));
        yield return Nodes("OpIsNumber", "node 'a': unknown op 7", Node("a", "7", ["input"], "").Replace("\"7\"", "7", StringComparison.Ordinal), Tail("a"));
        yield return Nodes("OpMegabyteString", "node 'a': unknown op", Node("a", new string('o', 1_000_000), ["input"], ""), Tail("a"));
        yield return Nodes("InputsHoldNumber", "'inputs' must hold strings, got 3",
            Conv("a", "input", 4).Replace("[\"input\"]", "[3]", StringComparison.Ordinal), Tail("a"));
        yield return Nodes("InputsIsString", "'inputs' must be an array",
            Conv("a", "input", 4).Replace("[\"input\"]", "\"input\"", StringComparison.Ordinal), Tail("a"));
        yield return Nodes("BiasIsNumber", "'bias' must be true or false, got 1", Conv("a", "input", 4, ", \"bias\": 1"), Tail("a"));
        yield return Nodes("OutIsFraction", "'out' must be a 32-bit integer, got 4.5",
            Conv("a", "input", 4).Replace("\"out\": 4", "\"out\": 4.5", StringComparison.Ordinal), Tail("a"));
        yield return Nodes("IdMegabyteLong", "is longer than 64 characters", Conv(new string('i', 1_000_000), "input", 4), Tail("a"));
        yield return Top("SchemaIsNumber", "\"schema\": \"ghnqat.archspec\"", "\"schema\": 1", "'schema' is 1; expected \"ghnqat.archspec\"");
        yield return Top("SchemaMegabyteString", "\"schema\": \"ghnqat.archspec\"", "\"schema\": \"" + new string('s', 1_000_000) + "\"",
            "expected \"ghnqat.archspec\"");
        yield return Top("VersionZero", "\"version\": 1", "\"version\": 0", "unsupported ArchSpec version 0");
        yield return Top("VersionAsString", "\"version\": 1", "\"version\": \"1\"", "'version' must be a 32-bit integer, got \"1\"");
        yield return Text("NodesIsObject", Doc().Replace("\"nodes\": []", "\"nodes\": {}", StringComparison.Ordinal), "'nodes' must be an array");
        yield return Top("DuplicateTopLevelKey", "\"version\": 1", "\"version\": 1, \"version\": 1", "key 'version' appears twice");
        yield return Top("UnknownTopLevelKeyMegabyte", "\"version\": 1", "\"version\": 1, \"" + new string('k', 1_000_000) + "\": 0",
            "the top level: unknown key 'kkkk");
        yield return Text("TopLevelArray", "[1, 2, 3]", "expected a JSON object at the top level");
        yield return Text("EmptyFile", "", "bad JSON at line 1");

        // Bombs and sizes.
        yield return Top("NameNestingBomb", "\"name\": \"t\"", "\"name\": " + new string('[', 1_000_000), "maximum configured depth of 16");
        yield return MillionNodes();
        yield return new HostileCase("FileOverSizeCapSparse", folder =>
        {
            string path = Path.Combine(folder, "huge.json");
            using (var stream = new FileStream(path, FileMode.CreateNew)) stream.SetLength(ArchSpecJson.MaxFileBytes + 1);
            return Load(path);
        }, GhnQatErrorCode.InvalidArchSpec, "an ArchSpec file may have at most 67108864");

        // Encodings: the file must be UTF-8, every string valid Unicode.
        yield return Bytes("InvalidUtf8InName", WithByteAt(Doc(Tail("input")).Replace("\"t\"", "\"a?b\"", StringComparison.Ordinal), '?', 0xFF),
            "not valid UTF-8 at byte 54");
        yield return Bytes("Utf16FileWithBom", [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(Doc(Tail("input")))],
            "not valid UTF-8 at byte 0");
        yield return Top("EscapedLoneSurrogateInName", "\"name\": \"t\"", "\"name\": \"a\\ud800b\"", "not valid Unicode");
        yield return Top("EscapedLoneSurrogateKey", "\"version\": 1", "\"version\": 1, \"\\udc00\": 0", "not valid Unicode");
        yield return Nodes("EscapedLoneSurrogateInput", "not valid Unicode",
            Conv("a", "\\udc00", 4), Tail("a"));
        yield return new HostileCase("ParseStringWithLoneSurrogate", _ =>
            new HostileParse(() => ArchSpec.Parse(Doc(Tail("input")).Replace("\"t\"", "\"a\ud800\"", StringComparison.Ordinal), "hostile.json"),
                "hostile.json"), GhnQatErrorCode.InvalidArchSpec, "not valid Unicode");
        yield return new HostileCase("PathIsDirectory", folder =>
        {
            string path = Path.Combine(folder, "spec.json");
            Directory.CreateDirectory(path);
            return Load(path);
        }, GhnQatErrorCode.InvalidArchSpec, "is a directory");
    }

    private static HostileCase MillionNodes() => new("MillionNodes", folder =>
    {
        // 10⁶ compact relu nodes (~38 MB, under the 64 MiB file cap): rejected by count before any per-node work.
        // Built here, not at discovery, so other test runs never pay for it. The document really is that big, so
        // the bound is a multiple of its size (~6.5× measured: bytes + JSON DOM), not of a claim.
        var sb = new StringBuilder(40_000_000);
        sb.Append(Doc().Replace("]}", "", StringComparison.Ordinal)).Append("{\"id\":\"n0\",\"op\":\"relu\",\"inputs\":[\"input\"]}");
        for (int i = 1; i < 1_000_000; i++) sb.Append(",{\"id\":\"n").Append(i).Append("\",\"op\":\"relu\",\"inputs\":[\"n").Append(i - 1).Append("\"]}");
        sb.Append("]}");
        string path = Path.Combine(folder, "million.json");
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        return Load(path);
    }, GhnQatErrorCode.InvalidArchSpec, "spec has 1000000 nodes; at most 100000", AllocationLimitBytes: 320L << 20);

    private static string Doc(params string[] nodes) =>
        "{\"schema\": \"ghnqat.archspec\", \"version\": 1, \"name\": \"t\", \"input\": {\"channels\": 1, \"height\": 28, \"width\": 28}, " +
        "\"classes\": 10, \"nodes\": [" + string.Join(", ", nodes) + "]}";

    private static string Tail(string x) => Gap.Replace("X", x, StringComparison.Ordinal) + ", " + Fc;

    private static string Conv(string id, string input, int outChannels, string extra = "", int k = 3) =>
        Node(id, "conv", [input], $", \"out\": {outChannels}, \"k\": {k}{extra}");

    private static string Node(string id, string op, string[] inputs, string attributes) =>
        $"{{\"id\": \"{id}\", \"op\": \"{op}\", \"inputs\": [{string.Join(", ", inputs.Select(i => $"\"{i}\""))}]{attributes}}}";

    // The UTF-8 bytes of json with the first marker character replaced by a raw byte.
    private static byte[] WithByteAt(string json, char marker, byte value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        bytes[Array.IndexOf(bytes, (byte)marker)] = value;
        return bytes;
    }

    private static HostileParse Load(string path) => new(() => ArchSpec.Load(path), path);

    private static HostileCase Bytes(string name, byte[] file, string fragment) => new(name, folder =>
    {
        string path = Path.Combine(folder, name + ".json");
        File.WriteAllBytes(path, file);
        return Load(path);
    }, GhnQatErrorCode.InvalidArchSpec, fragment);

    private static HostileCase Text(string name, string json, string fragment) => Bytes(name, Encoding.UTF8.GetBytes(json), fragment);

    private static HostileCase Nodes(string name, string fragment, params string[] nodes) => Text(name, Doc(nodes), fragment);

    private static HostileCase Top(string name, string find, string replace, string fragment)
    {
        string doc = Doc(Tail("input"));
        if (!doc.Contains(find, StringComparison.Ordinal)) throw new ArgumentException($"{name}: '{find}' is not in the base document");
        return Text(name, doc.Replace(find, replace, StringComparison.Ordinal), fragment);
    }
}
