// GHN-2's decoders (brief §2): node states → the raw blocks of every parameter tensor, batched by shape key.
using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GhnQat.Runtime.Graphs;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// Weight nodes sharing a shape key (plus a classifier flag) are decoded together: fc(h) → ReLU → (C, K, K) map,
/// cropped top-left to kh' × kw' (kh' = min(kh, K)); each cell → conv1 (C → D) → ReLU → conv2 restricted to rows
/// o·MaxIn + i. Only the rows the fitted tensors read are computed — o &lt; min(out, n0), i &lt; min(in, n1), the
/// largest over the group — which equals the trainer's full (n0, n1) block followed by slicing. Classifier weights take
/// all MaxOut rows (the head mixes them). 1-D nodes use the two-row MLP. <see cref="TensorFitter"/> writes the results.
/// </summary>
internal static class WeightDecoder
{
    // Group lists 0, 1, 2, … for PanelMatrix products over leading groups (MaxOut ≤ 512 by GhnConfig.Validate).
    private static readonly int[] FirstGroups = Enumerable.Range(0, 512).ToArray();
    /// <summary>4 Mi floats (16 MiB) per scratch buffer: a whole group of a mobile net fits, an absurd net is split up.</summary>
    public const long DefaultChunkFloats = 1 << 22;

    /// <summary>Fills <paramref name="tensors"/> (one array per <see cref="ArchGraph.Parameters"/> entry); a group's
    /// members are decoded in chunks whose scratch stays near <paramref name="chunkFloats"/> floats.</summary>
    public static void Decode(GhnWeights w, GhnConfig config, ArchGraph graph, ReadOnlySpan<float> states, float[][] tensors,
        long chunkFloats = DefaultChunkFloats)
    {
        int h = config.Hidden;
        var byNode = new ParameterTensor?[graph.Nodes.Count, 2];
        foreach (var p in graph.Parameters) byNode[p.NodeIndex, p.Role == ParameterRole.BnBeta ? 1 : 0] = p;
        var groups = new Dictionary<(int N0, int N1, int Kh, int Kw, bool Classifier), List<GraphNode>>();
        var maxShape = new[] { config.MaxOut, config.MaxIn, config.DecoderKernel, config.DecoderKernel };
        float[] rows = ArrayPool<float>.Shared.Rent((2 * h) + (2 * config.MaxOut) + config.Classes);
        try
        {
            foreach (var node in graph.Nodes)
            {
                if (!node.HasParameters) continue;
                if (node.Op is GhnOp.Bias or GhnOp.Bn)
                {
                    Decode1d(w, config, states.Slice(node.Index * h, h), node, byNode, tensors, rows);
                    continue;
                }
                var key = ShapeKey.For(node, maxShape)!.Value.Values;
                var k = node.IsClassifierWeight ? (key[0], key[1], 1, 1, true) : (key[0], key[1], key[2], key[3], false);
                if (!groups.TryGetValue(k, out var members)) groups[k] = members = [];
                members.Add(node);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rows);
        }
        foreach (var ((n0, n1, kh, kw, classifier), members) in groups)
            DecodeGroup(w, config, states, members, n0, n1, kh, kw, classifier, byNode, tensors, chunkFloats);
    }

    private static void Decode1d(GhnWeights w, GhnConfig config, ReadOnlySpan<float> state, GraphNode node,
        ParameterTensor?[,] byNode, float[][] tensors, float[] scratch)
    {
        int h = config.Hidden, maxOut = config.MaxOut;
        var hidden = scratch.AsSpan(0, 2 * h);
        var rows = scratch.AsSpan(2 * h, 2 * maxOut);
        w.Fc1d1.ApplyRelu(state, hidden);
        w.Fc1d2.Apply(hidden, rows);
        var row0 = rows[..maxOut];
        var row1 = rows.Slice(maxOut, maxOut);
        for (int slot = 0; slot < 2; slot++)
        {
            var p = byNode[node.Index, slot];
            if (p is null) continue;
            var dest = tensors[p.Index];
            switch (p.Role)
            {
                case ParameterRole.ClassifierBias:
                {
                    // class_bias_head(ReLU(rows))[row 1]: only row 1 is ever read, so only it goes through the head.
                    var logits = scratch.AsSpan((2 * h) + (2 * maxOut), config.Classes);
                    TensorPrimitives.Max(row1, 0f, row1);
                    w.ClassBiasHead.Apply(row1, logits);
                    TensorFitter.Fit1d(logits, dest);
                    break;
                }
                case ParameterRole.BnGamma:
                    TensorFitter.Fit1d(row0, dest);
                    break;
                default:
                    TensorFitter.Fit1d(row1, dest);
                    break;
            }
            if (config.WeightNormalization) TensorFitter.Normalize1d(p.Role, dest);
        }
    }

    private static void DecodeGroup(GhnWeights w, GhnConfig config, ReadOnlySpan<float> states, List<GraphNode> members,
        int n0, int n1, int kh, int kw, bool classifier, ParameterTensor?[,] byNode, float[][] tensors, long chunkFloats)
    {
        int k = config.DecoderKernel;
        int kh2 = Math.Min(kh, k), kw2 = Math.Min(kw, k), perNode = kh2 * kw2;
        int rows0 = classifier ? config.MaxOut : 0, rows1 = 0;
        foreach (var node in members)
        {
            var shape = byNode[node.Index, 0]!.Shape;
            if (!classifier) rows0 = Math.Max(rows0, Math.Min(shape[0], n0));
            rows1 = Math.Max(rows1, Math.Min(shape[1], n1));
        }
        var block = new DecodedBlock(rows0, rows1, kh2, kw2, PanelMatrix.OutputStride(rows0, rows1), PanelMatrix.PaddedRows(rows1));
        // Members go through in chunks whose largest buffer stays near chunkFloats (one node at least), which bounds
        // memory for huge nets and keeps int offsets far from overflow; results do not depend on the chunking.
        long perMember = (long)perNode * Math.Max(block.CellStride, PanelMatrix.PaddedRows(config.DecoderHidden));
        int chunk = (int)Math.Clamp(chunkFloats / perMember, 1, members.Count);
        for (int first = 0; first < members.Count; first += chunk)
        {
            var part = CollectionsMarshal.AsSpan(members).Slice(first, Math.Min(chunk, members.Count - first));
            DecodeChunk(w, config, states, part, n0, n1, classifier, block, byNode, tensors);
        }
    }

    private static void DecodeChunk(GhnWeights w, GhnConfig config, ReadOnlySpan<float> states, ReadOnlySpan<GraphNode> members,
        int n0, int n1, bool classifier, DecodedBlock block, ParameterTensor?[,] byNode, float[][] tensors)
    {
        int h = config.Hidden, k = config.DecoderKernel, c = config.DecoderChannels;
        int perNode = block.Kh * block.Kw, m = members.Length * perNode;
        int mapStride = PanelMatrix.PaddedRows(c);
        int hiddenStride = PanelMatrix.PaddedRows(config.DecoderHidden);
        float[] stateBuffer = ArrayPool<float>.Shared.Rent(members.Length * h);
        float[] mapBuffer = ArrayPool<float>.Shared.Rent(m * mapStride);
        float[] hiddenBuffer = ArrayPool<float>.Shared.Rent(m * hiddenStride);
        float[] outBuffer = ArrayPool<float>.Shared.Rent(m * block.CellStride);
        try
        {
            var memberStates = stateBuffer.AsSpan(0, members.Length * h);
            for (int g = 0; g < members.Length; g++) states.Slice(members[g].Index * h, h).CopyTo(memberStates.Slice(g * h, h));
            // The crop: cells (y, x) of the K×K map with y < kh', x < kw', in row-major order.
            Span<int> crop = stackalloc int[perNode];
            for (int y = 0; y < block.Kh; y++)
            {
                for (int x = 0; x < block.Kw; x++) crop[(y * block.Kw) + x] = (y * k) + x;
            }
            var map = mapBuffer.AsSpan(0, m * mapStride);
            w.Fc.Multiply(memberStates, members.Length, h, crop, c, map);
            TensorPrimitives.Max(map, 0f, map);
            var hidden = hiddenBuffer.AsSpan(0, m * hiddenStride);
            w.Conv1.Multiply(map, m, mapStride, FirstGroups.AsSpan(0, 1), config.DecoderHidden, hidden);
            TensorPrimitives.Max(hidden, 0f, hidden);
            var output = outBuffer.AsSpan(0, m * block.CellStride);
            w.Conv2.Multiply(hidden, m, hiddenStride, FirstGroups.AsSpan(0, block.Rows0), block.Rows1, output);
            for (int g = 0; g < members.Length; g++)
            {
                var p = byNode[members[g].Index, 0]!;
                var cells = output.Slice(g * perNode * block.CellStride, perNode * block.CellStride);
                if (classifier) ClassifierWeight(w, config, cells, block, n1, p, tensors[p.Index]);
                else TensorFitter.FitWeight(cells, block, n0, n1, p, config.WeightNormalization, tensors[p.Index]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(outBuffer);
            ArrayPool<float>.Shared.Return(hiddenBuffer);
            ArrayPool<float>.Shared.Return(mapBuffer);
            ArrayPool<float>.Shared.Return(stateBuffer);
        }
    }

    // class_head(ReLU(block)) over the out axis: W[c, i] = b[c] + Σ_o head[c, o]·ReLU(block[o, i]), for i < rows1.
    private static void ClassifierWeight(GhnWeights w, GhnConfig config, Span<float> cell, DecodedBlock block, int n1,
        ParameterTensor p, float[] dest)
    {
        int classes = config.Classes, maxOut = config.MaxOut, rows1 = block.Rows1;
        TensorPrimitives.Max(cell, 0f, cell);
        float[] buffer = ArrayPool<float>.Shared.Rent(classes * rows1);
        try
        {
            var result = buffer.AsSpan(0, classes * rows1);
            var head = w.ClassHead.Weight;
            for (int cls = 0; cls < classes; cls++)
            {
                var row = result.Slice(cls * rows1, rows1);
                row.Fill(w.ClassHead.Bias[cls]);
                for (int o = 0; o < maxOut; o++)
                    TensorPrimitives.MultiplyAdd(cell.Slice(o * block.RowStride, rows1), head[(cls * maxOut) + o], row, row);
            }
            TensorFitter.FitClassifier(result, classes, rows1, n1, p, config.WeightNormalization, dest);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
