// Kahn topological sort of spec nodes (ties broken by original position) with an iterative cycle report.
namespace GhnQat.Runtime.Architectures;

/// <summary>Sorts nodes whose inputs point forward in the list; reports a cycle by naming its nodes.</summary>
internal static class GraphOrder
{
    /// <summary>Returns original indices in topological order; throws naming the nodes of a cycle if there is one.</summary>
    public static int[] TopologicalSort(IReadOnlyList<ArchNode> nodes, int[][] inputs, int[] inDegree, int[] outDegree)
    {
        int n = nodes.Count;
        // Successor lists in CSR layout: succ[start[k] .. start[k+1]) are the nodes reading node k.
        var start = new int[n + 1];
        for (int k = 0; k < n; k++) start[k + 1] = start[k] + outDegree[k];
        var fill = start[..n];
        var succ = new int[start[n]];
        for (int i = 0; i < n; i++) foreach (int k in inputs[i]) if (k >= 0) succ[fill[k]++] = i;

        var remaining = (int[])inDegree.Clone();
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < n; i++) if (remaining[i] == 0) ready.Enqueue(i, i);
        var order = new int[n];
        int count = 0;
        while (ready.TryDequeue(out int k, out _))
        {
            order[count++] = k;
            for (int e = start[k]; e < start[k + 1]; e++)
            {
                int s = succ[e];
                if (--remaining[s] == 0) ready.Enqueue(s, s);
            }
        }
        if (count < n) throw ArchSpecValidator.Error(DescribeCycle(nodes, inputs, remaining));
        return order;
    }

    // Walk backwards through unsorted inputs until a node repeats: that repeat closes a cycle.
    private static string DescribeCycle(IReadOnlyList<ArchNode> nodes, int[][] inputs, int[] remaining)
    {
        int v = Array.FindIndex(remaining, r => r > 0);
        var seenAt = new Dictionary<int, int>();
        var path = new List<int>();
        while (!seenAt.ContainsKey(v))
        {
            seenAt[v] = path.Count;
            path.Add(v);
            v = inputs[v].First(k => k >= 0 && remaining[k] > 0);
        }
        var members = path.Skip(seenAt[v]).Reverse().ToList();
        // Start the report at the cycle's first node in the given order, so the message is stable.
        int first = members.IndexOf(members.Min());
        var cycle = members.Skip(first).Concat(members.Take(first)).Select(i => nodes[i].Id).ToList();
        string shown = cycle.Count <= 8
            ? string.Join(" -> ", cycle) + " -> " + cycle[0]
            : string.Join(" -> ", cycle.Take(8)) + $" -> … ({cycle.Count} nodes)";
        return $"node '{cycle[0]}': is part of a cycle ({shown}); an ArchSpec must be a DAG";
    }
}
