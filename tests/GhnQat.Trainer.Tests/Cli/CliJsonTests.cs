// `--json` on the cheap commands: stdout is one JSON document with the keys docs/cli.md lists, nothing else on it.
using System.Text.Json;
using GhnQat.Cli;
using static GhnQat.Trainer.Tests.Cli.CliRunner;

namespace GhnQat.Trainer.Tests.Cli;

[NonParallelizable] // Console.Out/Error are redirected per test.
public sealed class CliJsonTests : CliFolderTest
{
    [Test]
    public void ArchsSample_Json_FilesAndRanges()
    {
        using var json = RunJson("archs", "sample", "--split", "id", "--count", "2", "--seed", "3", "--out", Dir, "--json");

        AssertKeys(json.RootElement, "split", "count", "seed", "out_dir", "files", "parameters", "macs", "depth");
        Assert.That(json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()), Is.EqualTo(new[] { "id-00000.json", "id-00001.json" }));
        Assert.That(json.RootElement.GetProperty("parameters").GetProperty("min").GetInt64(), Is.Positive);
    }

    [Test]
    public void ArchsShow_Json_SpecAndGraphSummary()
    {
        Assert.That(Run("archs", "sample", "--split", "id", "--count", "1", "--out", Dir).Code, Is.EqualTo(CliApp.ExitOk));

        using var json = RunJson("archs", "show", Path.Combine(Dir, "id-00000.json"), "--json");

        AssertKeys(json.RootElement, "name", "input", "classes", "structure_hash", "spec_nodes", "spec_ops", "parameters", "macs", "depth", "graph");
        AssertKeys(json.RootElement.GetProperty("graph"), "nodes", "ops", "edges", "virtual_edges", "tensors", "parameter_elements");
        Assert.That(json.RootElement.GetProperty("node_list").ValueKind, Is.EqualTo(JsonValueKind.Null), "node list only with --detail");
    }

    [Test]
    public void ArchsStats_Json_OneRowPerSplitWithNumbers()
    {
        using var json = RunJson("archs", "stats", "--count", "3", "--json");

        AssertKeys(json.RootElement, "count", "seed", "splits");
        var rows = json.RootElement.GetProperty("splits").EnumerateArray().ToArray();
        Assert.That(rows.Select(r => r.GetProperty("split").GetString()), Is.EqualTo(new[] { "train", "id", "wide", "deep", "dense", "bnfree" }));
        AssertKeys(rows[0], "split", "nets", "parameters", "macs", "depth", "widest_conv", "graph_nodes");
        Assert.That(rows[0].GetProperty("macs").GetProperty("median").ValueKind, Is.EqualTo(JsonValueKind.Number));
    }

    [Test]
    public void Soak_CpuFewInferencesJson_DocumentOnStdoutTextOnStderr()
    {
        var (code, output, err) = Run("soak", "--backend", "cpu", "--inferences", "30", "--warmup", "10", "--samples", "1",
            "--max-jit-settle", "0", "--json");

        // Too few inferences for the 1 % memory rule to mean anything: flat or not, the document must be complete.
        Assert.That(code, Is.EqualTo(CliApp.ExitOk).Or.EqualTo(CliApp.ExitInternal), err);
        using var json = JsonDocument.Parse(output);
        AssertKeys(json.RootElement, "backend", "net", "scheme", "inferences", "seconds", "managed_max_deviation_bytes",
            "resident_max_deviation_bytes", "mismatches", "passed", "samples");
        Assert.That(json.RootElement.GetProperty("backend").GetString(), Is.EqualTo("cpu"));
        Assert.That(json.RootElement.GetProperty("mismatches").GetInt32(), Is.Zero);
        Assert.That(err, Does.Contain("backend: cpu"), "the text went to stderr");
    }

    [Test]
    public void Json_BadInput_OneErrorLineAndNothingOnStdout()
    {
        var (code, output, err) = Run("archs", "show", Path.Combine(Dir, "absent.json"), "--json");

        Assert.That(code, Is.EqualTo(CliApp.ExitBadInput));
        Assert.That(output, Is.Empty);
        Assert.That(err.Trim(), Does.StartWith("error: ").And.Not.Contain('\n'));
    }

    private static JsonDocument RunJson(params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.That(code, Is.EqualTo(CliApp.ExitOk), err);
        return JsonDocument.Parse(output);   // throws unless stdout is exactly one JSON document
    }

    internal static void AssertKeys(JsonElement element, params string[] keys)
    {
        var present = element.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        Assert.That(keys.Where(k => !present.Contains(k)), Is.Empty, "missing keys; present: " + string.Join(", ", present));
    }
}
