// ArchSpec JSON: canonical round trip and clear errors for malformed documents.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Tests.Architectures;

public class ArchSpecJsonTests
{
    private const string Header =
        "{\"schema\": \"ghnqat.archspec\", \"version\": 1, \"name\": \"t\", \"input\": {\"channels\": 1, \"height\": 28, \"width\": 28}, \"classes\": 10, \"nodes\": [";

    private static string Doc(params string[] nodes) => Header + string.Join(",", nodes) + "]}";

    private static string Tail(string x) =>
        $"{{\"id\": \"g\", \"op\": \"gap\", \"inputs\": [\"{x}\"]}}, {{\"id\": \"fc\", \"op\": \"linear\", \"inputs\": [\"g\"], \"out\": 10}}";

    [Test]
    public void ToJson_ParseThenWrite_IdenticalBytes()
    {
        foreach (var spec in new[] { TestNets.Residual(), TestNets.InvertedResidual(), TestNets.BnFree() })
        {
            string json = spec.ToJson();
            var again = ArchSpec.Parse(json);
            Assert.That(again.ToJson(), Is.EqualTo(json));
            Assert.That(again.StructureHash, Is.EqualTo(spec.StructureHash));
            Assert.That(again.ParameterCount, Is.EqualTo(spec.ParameterCount));
        }
    }

    [Test]
    public void ToJson_Always_UsesLfAndExplicitDefaults()
    {
        string json = TestNets.BnFree().ToJson();
        Assert.That(json, Does.Not.Contain("\r"));
        Assert.That(json, Does.EndWith("}\n"));
        Assert.That(json, Does.Contain("{\"id\": \"c1\", \"op\": \"conv\", \"inputs\": [\"input\"], \"out\": 8, \"k\": 3, \"stride\": 1, \"groups\": 1, \"dilation\": 1, \"bias\": true}"));
        Assert.That(json, Does.Contain("\"schema\": \"ghnqat.archspec\",\n  \"version\": 1,"));
    }

    [Test]
    public void Parse_OptionalAttributesOmitted_UsesDefaults()
    {
        var spec = ArchSpec.Parse(Doc("{\"id\": \"c\", \"op\": \"conv\", \"inputs\": [\"input\"], \"out\": 4, \"k\": 3}",
            "{\"id\": \"p\", \"op\": \"maxpool\", \"inputs\": [\"c\"], \"k\": 2}", Tail("p")));
        var conv = spec.Node("c");
        Assert.That((conv.Stride, conv.Groups, conv.Dilation, conv.Bias), Is.EqualTo((1, 1, 1, false)));
        Assert.That(spec.Node("p").Stride, Is.EqualTo(2), "pool stride defaults to k");
        Assert.That(spec.Node("fc").Bias, Is.True, "linear bias defaults to true");
        Assert.That(spec.ShapeOf("p"), Is.EqualTo(new ActivationShape(4, 14, 14)));
    }

    [Test]
    public void Parse_OutOfOrderNodes_SortedTopologically()
    {
        var spec = ArchSpec.Parse(Doc(Tail("c"), "{\"id\": \"c\", \"op\": \"conv\", \"inputs\": [\"input\"], \"out\": 4, \"k\": 3}"));
        Assert.That(spec.Nodes.Select(n => n.Id), Is.EqualTo(new[] { "c", "g", "fc" }));
    }

    [Test]
    public void Parse_BadJson_ReportsLineAndPosition()
    {
        string json = "{\n  \"schema\": \"ghnqat.archspec\",\n  \"version\" 1\n}";
        Assert.That(() => ArchSpec.Parse(json, "x.json"), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("x.json: bad JSON at line 3, position 13")
            .And.Property(nameof(GhnQatException.Code)).EqualTo(GhnQatErrorCode.InvalidArchSpec));
    }

    [Test]
    public void Parse_WrongSchema_SaysWhatIsExpected()
    {
        string json = Doc(Tail("input")).Replace("ghnqat.archspec", "onnx", StringComparison.Ordinal);
        Assert.That(() => ArchSpec.Parse(json), Throws.TypeOf<GhnQatException>().With.Message.Contains("expected \"ghnqat.archspec\""));
    }

    [Test]
    public void Parse_FutureVersion_SaysSupportedVersion()
    {
        string json = Doc(Tail("input")).Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal);
        Assert.That(() => ArchSpec.Parse(json), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("unsupported ArchSpec version 2; this build reads version 1"));
    }

    [Test]
    public void Parse_UnknownOp_NamesNodeAndListsOps()
    {
        string json = Doc("{\"id\": \"s\", \"op\": \"softmax\", \"inputs\": [\"input\"]}", Tail("s"));
        Assert.That(() => ArchSpec.Parse(json), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("node 's': unknown op \"softmax\"").And.Message.Contains("conv, bn, relu"));
    }

    [Test]
    public void Parse_UnknownAttribute_NamesNodeAndAllowedKeys()
    {
        string json = Doc("{\"id\": \"c\", \"op\": \"conv\", \"inputs\": [\"input\"], \"out\": 4, \"k\": 3, \"padding\": 1}", Tail("c"));
        Assert.That(() => ArchSpec.Parse(json), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("node 'c' (conv): unknown key 'padding'"));
    }

    [Test]
    public void Parse_AttributeOfWrongType_NamesNodeAndAttribute()
    {
        string json = Doc("{\"id\": \"c\", \"op\": \"conv\", \"inputs\": [\"input\"], \"out\": \"4\", \"k\": 3}", Tail("c"));
        Assert.That(() => ArchSpec.Parse(json), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("node 'c': 'out' must be a 32-bit integer, got \"4\""));
    }

    [Test]
    public void Parse_MissingAttribute_NamesNodeAndAttribute()
    {
        string json = Doc("{\"id\": \"c\", \"op\": \"conv\", \"inputs\": [\"input\"], \"k\": 3}", Tail("c"));
        Assert.That(() => ArchSpec.Parse(json), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("node 'c': missing required key 'out'"));
    }

    [Test]
    public void Load_SavedFile_SameBytes()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ghnqat-archspec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "net.json");
            var spec = TestNets.InvertedResidual();
            spec.Save(path);
            Assert.That(ArchSpec.Load(path).ToJson(), Is.EqualTo(File.ReadAllText(path)));
            Assert.That(File.ReadAllBytes(path)[0], Is.EqualTo((byte)'{'), "no BOM");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
