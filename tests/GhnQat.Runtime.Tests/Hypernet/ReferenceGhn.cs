// A plain, slow GHN-2 forward pass in double precision: the reference rung the fast C# GHN is checked against.
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;

namespace GhnQat.Runtime.Tests.Hypernet;

/// <summary>
/// Written from the trainer's structure, not the runtime's: the GatedGNN updates a whole level at once from the states
/// before it (GraphBatch), the decoder computes the full (MaxOut, MaxIn, kh', kw') block and then slices it, and Fit
/// slices and tiles every dimension by index arithmetic. No row restriction, no panels, no caching of messages.
/// </summary>
internal sealed class ReferenceGhn(GhnConfig config, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors)
{
    private readonly Dictionary<string, double[]> _cache = new(StringComparer.Ordinal);

    private double[] T(string name)
    {
        if (!_cache.TryGetValue(name, out var values))
            _cache[name] = values = tensors[GhnWeights.Prefix + name].Values.Select(v => (double)v).ToArray();
        return values;
    }

    private double[] Linear(string module, double[] x)
    {
        var w = T(module + ".weight");
        var b = T(module + ".bias");
        var y = new double[b.Length];
        for (int o = 0; o < y.Length; o++)
        {
            double s = b[o];
            for (int i = 0; i < x.Length; i++) s += w[(o * x.Length) + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    private static double[] Relu(double[] x) => x.Select(v => Math.Max(0, v)).ToArray();

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public Dictionary<string, float[]> Predict(ArchGraph graph)
    {
        int h = config.Hidden, q = h / 4, n = graph.Nodes.Count;
        var states = new double[n][];
        var op = T("op_embed.weight");
        var tables = new[] { T("shape_out.weight"), T("shape_in.weight"), T("shape_kh.weight"), T("shape_kw.weight") };
        foreach (var node in graph.Nodes)
        {
            var x = new double[h];
            for (int j = 0; j < h; j++) x[j] = op[(node.OpIndex * h) + j] + tables[j / q][(node.ShapeIndices[j / q] * q) + (j % q)];
            states[node.Index] = x;
        }
        Sweep(graph, states, forward: true);
        Sweep(graph, states, forward: false);
        if (config.LayerNorm)
        {
            var gamma = T("norm.weight");
            var beta = T("norm.bias");
            foreach (var x in states)
            {
                double mean = x.Average(), variance = x.Average(v => (v - mean) * (v - mean));
                for (int j = 0; j < h; j++) x[j] = ((x[j] - mean) / Math.Sqrt(variance + 1e-5) * gamma[j]) + beta[j];
            }
        }
        return graph.Parameters.ToDictionary(p => p.Name, p => Decode(graph, p, states[p.NodeIndex]), StringComparer.Ordinal);
    }

    private void Sweep(ArchGraph graph, double[][] states, bool forward)
    {
        var byLevel = graph.Nodes.GroupBy(v => forward ? v.ForwardLevel : v.BackwardLevel).OrderBy(g => g.Key);
        foreach (var level in byLevel)
        {
            var updates = new List<(int Node, double[] State)>();
            foreach (var node in level)
            {
                var incoming = graph.AllEdges.Where(e => (forward ? e.Target : e.Source) == node.Index).ToList();
                if (incoming.Count == 0) continue;
                var m = new double[config.Hidden];
                foreach (var e in incoming)
                {
                    var hu = states[forward ? e.Source : e.Target];
                    if (e.Length == 1) Add(m, Relu(Linear("gnn.msg2", Relu(Linear("gnn.msg1", hu)))), 1);
                    if (config.MaxVirtualEdge > 1) Add(m, Relu(Linear("gnn.ve2", Relu(Linear("gnn.ve1", hu)))), 1.0 / e.Length);
                }
                updates.Add((node.Index, Gru(m, states[node.Index])));
            }
            foreach (var (v, s) in updates) states[v] = s;
        }
    }

    private static void Add(double[] acc, double[] x, double weight)
    {
        for (int j = 0; j < acc.Length; j++) acc[j] += weight * x[j];
    }

    private double[] Gru(double[] x, double[] state)
    {
        int h = state.Length;
        var wih = T("gnn.gru.weight_ih");
        var whh = T("gnn.gru.weight_hh");
        var bih = T("gnn.gru.bias_ih");
        var bhh = T("gnn.gru.bias_hh");
        double Gate(double[] w, double[] b, double[] v, int row) => b[row] + Enumerable.Range(0, h).Sum(i => w[(row * h) + i] * v[i]);
        var result = new double[h];
        for (int j = 0; j < h; j++)
        {
            double r = Sigmoid(Gate(wih, bih, x, j) + Gate(whh, bhh, state, j));
            double z = Sigmoid(Gate(wih, bih, x, h + j) + Gate(whh, bhh, state, h + j));
            double nGate = Math.Tanh(Gate(wih, bih, x, (2 * h) + j) + (r * Gate(whh, bhh, state, (2 * h) + j)));
            result[j] = ((1 - z) * nGate) + (z * state[j]);
        }
        return result;
    }

    private float[] Decode(ArchGraph graph, ParameterTensor p, double[] state)
    {
        var node = graph.Nodes[p.NodeIndex];
        int maxOut = config.MaxOut;
        double[] raw;
        int[] rawShape;
        if (node.Op is GhnOp.Bias or GhnOp.Bn)
        {
            var rows = Linear("decoder.fc1d_2", Relu(Linear("decoder.fc1d_1", state)));
            if (p.Role == ParameterRole.ClassifierBias)
            {
                raw = Linear("decoder.class_bias_head", Relu(rows[maxOut..]));
                rawShape = [config.Classes];
            }
            else
            {
                raw = p.Role == ParameterRole.BnGamma ? rows[..maxOut] : rows[maxOut..];
                rawShape = [maxOut];
            }
        }
        else
        {
            var key = ShapeKey.For(node, [maxOut, config.MaxIn, config.DecoderKernel, config.DecoderKernel])!.Value.Values;
            if (p.Role == ParameterRole.ClassifierWeight)
            {
                var block = Block(state, maxOut, key[1], 1, 1); // (MaxOut, n1)
                var head = T("decoder.class_head.weight");
                var headBias = T("decoder.class_head.bias");
                raw = new double[config.Classes * key[1]];
                for (int c = 0; c < config.Classes; c++)
                {
                    for (int i = 0; i < key[1]; i++)
                        raw[(c * key[1]) + i] = headBias[c] + Enumerable.Range(0, maxOut).Sum(o => head[(c * maxOut) + o] * Math.Max(0, block[(o * key[1]) + i]));
                }
                rawShape = [config.Classes, key[1]];
            }
            else
            {
                int kh = Math.Min(key[2], config.DecoderKernel), kw = Math.Min(key[3], config.DecoderKernel);
                raw = Block(state, key[0], key[1], kh, kw);
                rawShape = p.Shape.Count == 2 ? [key[0], key[1]] : [key[0], key[1], kh, kw];
            }
        }
        var fitted = Fit(raw, rawShape, p.Shape.ToArray());
        return fitted.Select(v => (float)(config.WeightNormalization ? Normalize(v, p) : v)).ToArray();
    }

    // The full decoded block (MaxOut·MaxIn rows per cell), then sliced to (n0, n1, kh, kw).
    private double[] Block(double[] state, int n0, int n1, int kh, int kw)
    {
        int k = config.DecoderKernel, c = config.DecoderChannels;
        var map = Relu(Linear("decoder.fc", state)); // (C, K, K)
        var block = new double[n0 * n1 * kh * kw];
        for (int y = 0; y < kh; y++)
        {
            for (int x = 0; x < kw; x++)
            {
                var cell = Enumerable.Range(0, c).Select(ch => map[(ch * k * k) + (y * k) + x]).ToArray();
                var full = Linear("decoder.conv2", Relu(Linear("decoder.conv1", cell)));
                for (int o = 0; o < n0; o++)
                {
                    for (int i = 0; i < n1; i++) block[(((o * n1) + i) * kh * kw) + (y * kw) + x] = full[(o * config.MaxIn) + i];
                }
            }
        }
        return block;
    }

    // torch: narrow each dim to min(target, size), repeat ceil(target/size), narrow to target.
    private static double[] Fit(double[] raw, int[] rawShape, int[] target)
    {
        int total = target.Aggregate(1, (a, b) => a * b);
        var result = new double[total];
        var index = new int[target.Length];
        for (int flat = 0; flat < total; flat++)
        {
            int rest = flat, source = 0;
            for (int d = target.Length - 1; d >= 0; d--)
            {
                index[d] = rest % target[d];
                rest /= target[d];
            }
            for (int d = 0; d < target.Length; d++)
                source = (source * rawShape[d]) + (index[d] % Math.Min(target[d], rawShape[d]));
            result[flat] = raw[source];
        }
        return result;
    }

    private static double Normalize(double v, ParameterTensor p)
    {
        var s = p.Shape;
        return p.Role switch
        {
            ParameterRole.ConvWeight => v * Math.Sqrt((s[1] == 1 || s[2] < s[3] ? 1.0 : 2.0) / (s[1] * s[2] * s[3])),
            ParameterRole.LinearWeight or ParameterRole.ClassifierWeight => v * Math.Sqrt(2.0 / s[1]),
            ParameterRole.BnGamma => 2 * Sigmoid(0.5 * v),
            _ => Math.Tanh(0.2 * v),
        };
    }
}
