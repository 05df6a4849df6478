// GHN-2's op and shape vocabularies: sizes, nearest-value mapping and the versioned JSON form.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Runtime.Tests.Graphs;

public class GraphVocabularyTests
{
    private static readonly GraphVocabulary V = GraphVocabulary.CreateGhn2(10);

    private static int Ch(int c) => V.Channels[V.ChannelIndex(c)];
    private static int Sp(int k) => V.Spatial[V.SpatialIndex(k)];

    [Test]
    public void CreateGhn2_TenClasses_391ChannelsAnd8Spatial()
    {
        Assert.That(V.Channels, Has.Count.EqualTo(391));
        Assert.That(V.Spatial, Is.EqualTo(new[] { 1, 3, 5, 7, 9, 11, 14, 16 }));
        Assert.That(V.Ops, Has.Count.EqualTo(15));
        Assert.That(V.Ops[(int)GhnOp.GlobAvg], Is.EqualTo("glob_avg"));
        Assert.That(V.Ops[(int)GhnOp.Input], Is.EqualTo("input"));
        Assert.That(V.DummyChannelIndex, Is.EqualTo(391));
        Assert.That(V.DummySpatialIndex, Is.EqualTo(8));
    }

    [TestCase(1, 1)]
    [TestCase(3, 3)]
    [TestCase(4, 8)]
    [TestCase(7, 8)]
    [TestCase(9, 8)]
    [TestCase(10, 10)]
    [TestCase(12, 10)]
    [TestCase(13, 10)]
    [TestCase(14, 16)]
    [TestCase(60, 56)]
    [TestCase(100, 96)]
    [TestCase(4085, 4080)]
    [TestCase(5000, 4992)]
    [TestCase(100000, 8192)]
    public void ChannelIndex_Value_NearestVocabularyEntry(int channels, int expected)
    {
        Assert.That(Ch(channels), Is.EqualTo(expected));
    }

    [TestCase(1, 1)]
    [TestCase(2, 3)]
    [TestCase(4, 3)]
    [TestCase(12, 11)]
    [TestCase(13, 14)]
    [TestCase(15, 14)]
    [TestCase(31, 16)]
    public void SpatialIndex_Value_NearestVocabularyEntry(int size, int expected)
    {
        Assert.That(Sp(size), Is.EqualTo(expected));
    }

    [Test]
    public void ToJson_RoundTrip_SameVocabulary()
    {
        var again = GraphVocabulary.FromJson(V.ToJson());
        Assert.That(again.Channels, Is.EqualTo(V.Channels));
        Assert.That(again.Spatial, Is.EqualTo(V.Spatial));
        Assert.That(again.NumClasses, Is.EqualTo(10));
        Assert.That(again.ToJson(), Is.EqualTo(V.ToJson()));
    }

    [Test]
    public void FromJson_OtherVersion_RejectedWithSupportedVersion()
    {
        string json = V.ToJson().Replace("\"version\": 1", "\"version\": 9", StringComparison.Ordinal);
        Assert.That(() => GraphVocabulary.FromJson(json), Throws.TypeOf<GhnQatException>()
            .With.Message.Contains("unsupported vocabulary version 9; this build reads version 1")
            .And.Property(nameof(GhnQatException.Code)).EqualTo(GhnQatErrorCode.InvalidFile));
    }

    [Test]
    public void FromJson_UnsortedChannels_Rejected()
    {
        string json = V.ToJson().Replace("\"channels\": [1, 3,", "\"channels\": [3, 1,", StringComparison.Ordinal);
        Assert.That(() => GraphVocabulary.FromJson(json), Throws.TypeOf<GhnQatException>().With.Message.Contains("strictly ascending"));
    }
}
