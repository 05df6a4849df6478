// Path computations on a topologically ordered DAG: successors, reachability, longest-path levels, virtual edges.
namespace GhnQat.Runtime.Graphs;

/// <summary>Iterative (no recursion) graph algorithms over predecessor lists whose indices respect the order.</summary>
internal static class GraphPaths
{
    public static int[][] Successors(IReadOnlyList<int[]> preds)
    {
        int n = preds.Count;
        var counts = new int[n];
        foreach (var row in preds) foreach (int u in row) counts[u]++;
        var succ = new int[n][];
        for (int v = 0; v < n; v++) succ[v] = new int[counts[v]];
        Array.Clear(counts);
        for (int v = 0; v < n; v++) foreach (int u in preds[v]) succ[u][counts[u]++] = v;
        return succ;
    }

    /// <summary>Longest path length from any source, visiting in index (topological) order.</summary>
    public static int[] LongestFromSources(IReadOnlyList<int[]> preds)
    {
        var level = new int[preds.Count];
        for (int v = 0; v < preds.Count; v++) foreach (int u in preds[v]) level[v] = Math.Max(level[v], level[u] + 1);
        return level;
    }

    /// <summary>Longest path length to any sink, visiting in reverse order.</summary>
    public static int[] LongestToSinks(int[][] succ)
    {
        var level = new int[succ.Length];
        for (int v = succ.Length - 1; v >= 0; v--) foreach (int w in succ[v]) level[v] = Math.Max(level[v], level[w] + 1);
        return level;
    }

    /// <summary>Marks the nodes reachable from <paramref name="start"/> along <paramref name="next"/>.</summary>
    public static bool[] Reachable(IReadOnlyList<int[]> next, int start)
    {
        var seen = new bool[next.Count];
        var stack = new Stack<int>();
        seen[start] = true;
        stack.Push(start);
        while (stack.TryPop(out int v))
        {
            foreach (int w in next[v])
            {
                if (!seen[w]) { seen[w] = true; stack.Push(w); }
            }
        }
        return seen;
    }

    /// <summary>
    /// Every (source, target, s) with directed shortest-path length 1 ≤ s ≤ <paramref name="maxLength"/>, sorted by
    /// source then target: one BFS per source, cut off at the maximum, so O(N·(N+E)) in the worst case.
    /// </summary>
    public static List<GraphEdge> ShortestPaths(int[][] succ, int maxLength)
    {
        int n = succ.Length;
        var result = new List<GraphEdge>();
        var dist = new int[n];
        var queue = new int[n];
        var found = new List<int>();
        for (int s = 0; s < n; s++)
        {
            found.Clear();
            int head = 0, tail = 0;
            dist[s] = 0;
            queue[tail++] = s;
            found.Add(s);
            while (head < tail)
            {
                int v = queue[head++];
                if (dist[v] == maxLength) continue;
                foreach (int w in succ[v])
                {
                    if (w == s || dist[w] > 0) continue;
                    dist[w] = dist[v] + 1;
                    queue[tail++] = w;
                    found.Add(w);
                }
            }
            found.Sort();
            foreach (int t in found)
            {
                if (t != s) result.Add(new GraphEdge(s, t, dist[t]));
                dist[t] = 0;
            }
        }
        return result;
    }
}
