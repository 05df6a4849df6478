// The decoder's chunking of large shape groups changes memory use, never values.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Tests.Hypernet;

[TestFixture]
public sealed class WeightDecoderTests
{
    [Test]
    public void Decode_OneNodePerChunk_EqualsWholeGroups()
    {
        var ghn = Ghn.Load(GhnFiles.TinyGhnPath);
        using var file = SafetensorsFile.Open(GhnFiles.TinyGhnPath);
        var weights = GhnWeights.Read(file, ghn.Config, ghn.Vocabulary);
        var graph = ghn.BuildGraph(ArchSpace.Sample(ArchSplit.Deep, 1, 31)[0]);
        var states = new float[graph.Nodes.Count * ghn.Config.Hidden];
        NodeEncoder.Encode(weights, ghn.Config, graph, states);
        float[][] Decode(long chunkFloats)
        {
            var tensors = graph.Parameters.Select(p => new float[p.ElementCount]).ToArray();
            WeightDecoder.Decode(weights, ghn.Config, graph, states, tensors, chunkFloats);
            return tensors;
        }

        var whole = Decode(WeightDecoder.DefaultChunkFloats);
        var single = Decode(1);

        foreach (var p in graph.Parameters) Assert.That(single[p.Index], Is.EqualTo(whole[p.Index]), p.Name);
    }
}
