// Hostile GHN files: every way a checkpoint can lie ends in a GhnQatException that names the file and the field.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Tests.Architectures;

namespace GhnQat.Runtime.Tests.Hypernet;

[TestFixture]
public sealed class GhnHostileTests
{
    private static GhnQatException LoadFails(GhnFiles files)
    {
        var e = Assert.Throws<GhnQatException>(() => files.Load("edited.safetensors"));
        TestContext.Out.WriteLine(e!.Message); // the log shows exactly what a user would read
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Does.StartWith("edited.safetensors"));
        return e;
    }

    [TestCase(0.5)]
    [TestCase(0.999)]
    [TestCase(0.01)]
    public void Load_TruncatedFile_ThrowsInvalidFile(double keep)
    {
        var bytes = File.ReadAllBytes(GhnFiles.TinyGhnPath);
        string path = Path.Combine(Path.GetTempPath(), $"ghnqat-truncated-{TestContext.CurrentContext.Test.ID}.safetensors");
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
        try
        {
            var e = Assert.Throws<GhnQatException>(() => Ghn.Load(path));
            TestContext.Out.WriteLine(e!.Message);

            Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
            Assert.That(e.Message, Does.Contain(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Load_FloatNetworkFile_ThrowsNamingTheExpectedFormat()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Metadata[SafetensorsMetadataKeys.Format] = "ghnqat.float-network/1";

        Assert.That(LoadFails(files).Message, Does.Contain("'ghnqat.float-network/1'").And.Contain(Ghn.ModelFormat));
    }

    [TestCase(Ghn.ConfigKey)]
    [TestCase(Ghn.VocabularyKey)]
    public void Load_MissingMetadata_ThrowsNamingTheKey(string key)
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Metadata.Remove(key);

        Assert.That(LoadFails(files).Message, Does.Contain(key));
    }

    [TestCase("{\"hidden\":8,", "invalid")]
    [TestCase("{\"hidden\":8,\"max_out\":16,\"max_in\":16,\"decoder_kernel\":3,\"decoder_channels\":16,\"decoder_hidden\":32,\"max_virtual_edge\":50,\"layer_norm\":true,\"weight_normalization\":true,\"classes\":10,\"depth\":3}", "depth")]
    [TestCase("{\"hidden\":6}", "hidden")]
    public void Load_BadConfigJson_ThrowsNamingTheProblem(string json, string named)
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Metadata[Ghn.ConfigKey] = json;

        Assert.That(LoadFails(files).Message, Does.Contain(named));
    }

    [TestCase("{}")]
    [TestCase("{\"schema\": \"ghnqat.graph-vocabulary\", \"version\": 2}")]
    public void Load_BadVocabularyJson_ThrowsNamingTheKey(string json)
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Metadata[Ghn.VocabularyKey] = json;

        Assert.That(LoadFails(files).Message, Does.Contain("metadata 'ghnqat.vocabulary': graph vocabulary:"));
    }

    [Test]
    public void Load_ConfigLargerThanTensors_ThrowsNamingTensorAndShapes()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Metadata[Ghn.ConfigKey] = (GhnConfig.FromJson(files.Metadata[Ghn.ConfigKey], "test") with { Hidden = 12 }).ToJson();

        Assert.That(LoadFails(files).Message, Does.Contain("'ghn.op_embed.weight'").And.Contain("[15,8]").And.Contain("[15,12]"));
    }

    [Test]
    public void Load_MissingTensor_ThrowsNamingIt()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Tensors.Remove("ghn.decoder.conv2.bias");

        Assert.That(LoadFails(files).Message, Does.Contain("'ghn.decoder.conv2.bias' is missing"));
    }

    [Test]
    public void Load_ExtraGhnTensor_ThrowsNamingIt()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Tensors["ghn.decoder.conv3.weight"] = ([2], [1f, 2f]);

        Assert.That(LoadFails(files).Message, Does.Contain("'ghn.decoder.conv3.weight'"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    public void Load_NonFiniteGhnTensor_ThrowsNamingTensorAndElement(float bad)
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Tensors["ghn.gnn.gru.weight_hh"].Values[17] = bad;

        Assert.That(LoadFails(files).Message, Does.Contain("'ghn.gnn.gru.weight_hh'").And.Contain("non-finite").And.Contain("element 17"));
    }

    [Test]
    public void Load_IntegerGhnTensor_ThrowsNamingTensorAndDType()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        var writer = new SafetensorsWriter();
        foreach (var (name, (shape, values)) in files.Tensors)
        {
            if (name == "ghn.norm.bias") writer.AddInt32(name, shape, new int[values.Length]);
            else writer.AddFloat32(name, shape, values);
        }
        foreach (var (key, value) in files.Metadata) writer.SetMetadata(key, value);
        using var file = SafetensorsFile.FromMemory(writer.ToArray(), "int.safetensors");

        var e = Assert.Throws<GhnQatException>(() => Ghn.Read(file));
        TestContext.Out.WriteLine(e!.Message);

        Assert.That(e.Message, Does.StartWith("int.safetensors: tensor \"ghn.norm.bias\"").And.Contain("I32"));
    }

    [Test]
    public void Load_VocabularyForOtherClassCount_ThrowsNamingBothCounts()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        files.Metadata[Ghn.VocabularyKey] = GraphVocabulary.CreateGhn2(12).ToJson();

        Assert.That(LoadFails(files).Message, Does.Contain("12 classes").And.Contain("predicts 10"));
    }

    [Test]
    public void Predict_WeightsThatOverflowFloat32_ThrowsNamingTheTensor()
    {
        var files = GhnFiles.Read(GhnFiles.TinyGhnPath);
        Array.Fill(files.Tensors["ghn.decoder.conv2.weight"].Values, 3e38f);
        var ghn = files.Load("huge.safetensors");

        var e = Assert.Throws<GhnQatException>(() => ghn.Predict(TestNets.Residual()));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile));
        Assert.That(e.Message, Does.StartWith("huge.safetensors").And.Contain("non-finite").And.Contain("'residual'"));
    }
}
