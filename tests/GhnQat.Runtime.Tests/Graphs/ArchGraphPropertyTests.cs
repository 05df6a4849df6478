// Properties of ArchGraph over sampled nets of every split: parameter totals, reachability and order invariants.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Runtime.Tests.Graphs;

public class ArchGraphPropertyTests
{
    private static IEnumerable<ArchSpec> Nets(int perSplit, ulong seed) =>
        Enum.GetValues<ArchSplit>().SelectMany(s => ArchSpace.Sample(s, perSplit, seed));

    [Test]
    public void Build_200SampledNets_TensorsSumToSpecParametersAndAllNodesConnected()
    {
        int checkedNets = 0;
        foreach (var spec in Nets(34, seed: 2024).Take(200))
        {
            var g = ArchGraph.Build(spec);
            Assert.That(g.ParameterCount, Is.EqualTo(spec.ParameterCount), spec.Name);
            Assert.That(g.Parameters.Sum(p => p.ElementCount), Is.EqualTo(spec.ParameterCount), spec.Name);
            Assert.That(g.Nodes[0].Op, Is.EqualTo(GhnOp.Input));
            Assert.That(g.Nodes.Count(n => n.Op == GhnOp.Input), Is.EqualTo(1));

            // Forward: every node but the input has a predecessor with a smaller index (so it is reachable).
            var reach = new bool[g.Nodes.Count];
            reach[0] = true;
            for (int v = 1; v < g.Nodes.Count; v++) reach[v] = g.Predecessors(v).Any(u => u < v && reach[u]);
            Assert.That(reach, Is.All.True, spec.Name);
            var reachesLast = new bool[g.Nodes.Count];
            reachesLast[^1] = true;
            for (int v = g.Nodes.Count - 2; v >= 0; v--) reachesLast[v] = g.Successors(v).Any(w => reachesLast[w]);
            Assert.That(reachesLast, Is.All.True, spec.Name);

            Assert.That(g.AllEdges.All(e => e.Source < e.Target), Is.True, "topological order, no self loops");
            Assert.That(g.AllEdges.All(e => e.Length >= 1 && e.Length <= 50), Is.True);
            Assert.That(g.Nodes.Where(n => n.HasParameters).All(n => n.ShapeIndices.All(i => i < g.Vocabulary.DummyChannelIndex)), Is.True);
            int last = g.Nodes.Count - 1;
            Assert.That(g.ClassifierBiasIndex, Is.EqualTo(last));
            Assert.That(g.ClassifierWeightIndex, Is.EqualTo(last - 1));
            Assert.That(g.Parameters.Select(p => p.Name).Distinct().Count(), Is.EqualTo(g.Parameters.Count));
            Assert.That(g.Nodes.Any(n => n.Op == GhnOp.Bn), Is.EqualTo(spec.Nodes.Any(n => n.Op == ArchOp.BatchNorm)));
            checkedNets++;
        }
        Assert.That(checkedNets, Is.EqualTo(200));
    }
}
