// Node states of an ArchGraph: features (op + shape embeddings), a GatedGNN round (forward then backward sweep), LayerNorm.
using System.Buffers;
using System.Numerics.Tensors;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// Brief §1.3 and §1.5, node by node in GHN-2's own order. x0 = op_embed[op] + [shape_out | shape_in | shape_kh |
/// shape_kw]. A sweep visits nodes in index order (forward, messages from predecessors) or reverse order (backward,
/// from successors); a node with incoming edges gets m = Σ_real MLP(h_u) + Σ_all MLP_ve(h_u)·(1/s) and
/// h ← GRU(m, h); others keep their state. Every sender is visited before its receivers, so its two MLP outputs are
/// computed once per sweep, right after its own update — the trainer's level batching gives the same numbers.
/// </summary>
internal static class NodeEncoder
{
    private const float LayerNormEpsilon = 1e-5f;

    /// <summary>Writes the final states (nodes, H), row-major, to <paramref name="states"/>.</summary>
    public static void Encode(GhnWeights w, GhnConfig config, ArchGraph graph, Span<float> states)
    {
        int n = graph.Nodes.Count, h = config.Hidden;
        Embed(w, h, graph, states);
        bool virtualEdges = config.MaxVirtualEdge > 1;
        var edges = graph.AllEdges;
        // Incoming edges per receiver as CSR, for both directions: [start[v], start[v+1]) indexes sender/length.
        int e = edges.Count;
        int[] forwardStart = ArrayPool<int>.Shared.Rent(n + 1), backwardStart = ArrayPool<int>.Shared.Rent(n + 1);
        int[] forwardEdges = ArrayPool<int>.Shared.Rent(e), backwardEdges = ArrayPool<int>.Shared.Rent(e);
        float[] scratch = ArrayPool<float>.Shared.Rent((2 * n * h) + (10 * h));
        try
        {
            BuildIncoming(edges, n, forward: true, forwardStart, forwardEdges);
            BuildIncoming(edges, n, forward: false, backwardStart, backwardEdges);
            var msg = scratch.AsSpan(0, n * h);
            var ve = scratch.AsSpan(n * h, n * h);
            var work = scratch.AsSpan(2 * n * h, 10 * h);
            Sweep(w, h, graph, states, msg, ve, work, forwardStart, forwardEdges, forward: true, virtualEdges);
            Sweep(w, h, graph, states, msg, ve, work, backwardStart, backwardEdges, forward: false, virtualEdges);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            ArrayPool<int>.Shared.Return(backwardEdges);
            ArrayPool<int>.Shared.Return(forwardEdges);
            ArrayPool<int>.Shared.Return(backwardStart);
            ArrayPool<int>.Shared.Return(forwardStart);
        }
        if (w.NormWeight is not null && w.NormBias is not null)
        {
            for (int v = 0; v < n; v++) LayerNorm(states.Slice(v * h, h), w.NormWeight, w.NormBias);
        }
    }

    private static void Embed(GhnWeights w, int h, ArchGraph graph, Span<float> states)
    {
        int q = h / 4;
        for (int v = 0; v < graph.Nodes.Count; v++)
        {
            var node = graph.Nodes[v];
            var x = states.Slice(v * h, h);
            w.OpEmbed.AsSpan(node.OpIndex * h, h).CopyTo(x);
            var s = node.ShapeIndices;
            TensorPrimitives.Add(x[..q], w.ShapeOut.AsSpan(s[0] * q, q), x[..q]);
            TensorPrimitives.Add(x.Slice(q, q), w.ShapeIn.AsSpan(s[1] * q, q), x.Slice(q, q));
            TensorPrimitives.Add(x.Slice(2 * q, q), w.ShapeKh.AsSpan(s[2] * q, q), x.Slice(2 * q, q));
            TensorPrimitives.Add(x.Slice(3 * q, q), w.ShapeKw.AsSpan(s[3] * q, q), x.Slice(3 * q, q));
        }
    }

    // Edge ids (into AllEdges) grouped by receiver; counting sort keeps AllEdges' order within a receiver.
    private static void BuildIncoming(IReadOnlyList<GraphEdge> edges, int n, bool forward, int[] start, int[] ids)
    {
        Array.Clear(start, 0, n + 1);
        foreach (var edge in edges) start[(forward ? edge.Target : edge.Source) + 1]++;
        for (int v = 0; v < n; v++) start[v + 1] += start[v];
        Span<int> fill = n <= 1024 ? stackalloc int[n] : new int[n];
        start.AsSpan(0, n).CopyTo(fill);
        for (int i = 0; i < edges.Count; i++) ids[fill[forward ? edges[i].Target : edges[i].Source]++] = i;
    }

    private static void Sweep(GhnWeights w, int h, ArchGraph graph, Span<float> states, Span<float> msg, Span<float> ve,
        Span<float> work, int[] start, int[] ids, bool forward, bool virtualEdges)
    {
        int n = graph.Nodes.Count;
        var edges = graph.AllEdges;
        var m = work[..h];
        var mlpHidden = work.Slice(h, h);
        var gates = work.Slice(2 * h, 8 * h);
        for (int step = 0; step < n; step++)
        {
            int v = forward ? step : n - 1 - step;
            var hv = states.Slice(v * h, h);
            if (start[v + 1] > start[v])
            {
                m.Clear();
                for (int j = start[v]; j < start[v + 1]; j++)
                {
                    var edge = edges[ids[j]];
                    int u = forward ? edge.Source : edge.Target;
                    if (edge.IsReal) TensorPrimitives.Add(m, msg.Slice(u * h, h), m);
                    // GHN-2 (and the trainer) send the virtual-edge message over every edge, real ones included (s = 1).
                    if (virtualEdges) TensorPrimitives.MultiplyAdd(ve.Slice(u * h, h), 1f / edge.Length, m, m);
                }
                Gru(w, h, m, hv, gates);
            }
            // v's state is final for this sweep: cache what it sends to the nodes visited after it.
            w.Msg1.ApplyRelu(hv, mlpHidden);
            w.Msg2.ApplyRelu(mlpHidden, msg.Slice(v * h, h));
            if (virtualEdges)
            {
                w.Ve1.ApplyRelu(hv, mlpHidden);
                w.Ve2.ApplyRelu(mlpHidden, ve.Slice(v * h, h));
            }
        }
    }

    // PyTorch GRUCell, gates stacked (r, z, n): n = tanh(x_n + r ⊙ h_n), h' = n + z ⊙ (h − n).
    private static void Gru(GhnWeights w, int h, ReadOnlySpan<float> x, Span<float> state, Span<float> gates)
    {
        var gi = gates[..(3 * h)];
        var gh = gates.Slice(3 * h, 3 * h);
        var tmp = gates.Slice(6 * h, h);
        w.GruInput.Apply(x, gi);
        w.GruHidden.Apply(state, gh);
        var r = gi[..h];
        var z = gi.Slice(h, h);
        var nGate = gi.Slice(2 * h, h);
        TensorPrimitives.Add(r, gh[..h], r);
        TensorPrimitives.Sigmoid(r, r);
        TensorPrimitives.Add(z, gh.Slice(h, h), z);
        TensorPrimitives.Sigmoid(z, z);
        TensorPrimitives.MultiplyAdd(r, gh.Slice(2 * h, h), nGate, nGate);
        TensorPrimitives.Tanh(nGate, nGate);
        TensorPrimitives.Subtract(state, nGate, tmp);
        TensorPrimitives.MultiplyAdd(z, tmp, nGate, state);
    }

    // torch.nn.LayerNorm: biased variance, eps inside the square root.
    private static void LayerNorm(Span<float> x, float[] weight, float[] bias)
    {
        float mean = TensorPrimitives.Sum(x) / x.Length;
        TensorPrimitives.Subtract(x, mean, x);
        float variance = TensorPrimitives.SumOfSquares(x) / x.Length;
        float inv = 1f / MathF.Sqrt(variance + LayerNormEpsilon);
        TensorPrimitives.Multiply(x, inv, x);
        TensorPrimitives.MultiplyAdd(x, weight, bias, x);
    }
}
