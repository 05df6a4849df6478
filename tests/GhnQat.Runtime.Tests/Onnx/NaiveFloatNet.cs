// A deliberately plain float forward pass (loops, double accumulators) over an ArchSpec: the independent oracle
// the float ONNX export is checked against. Written from docs/architectures.md's op table, not from the exporter.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Networks;

namespace GhnQat.Runtime.Tests.Onnx;

/// <summary>Runs a <see cref="FloatNetwork"/> on a batch; returns every node's output (N×C×H×W or N×C) by node id.</summary>
internal static class NaiveFloatNet
{
    /// <summary>
    /// <paramref name="stats"/>: BN statistics by node id (null: mean 0, variance 1). When
    /// <paramref name="batchStatistics"/> is given, BN instead normalizes with the batch's own mean and biased
    /// variance (GHN-2's protocol) and records them there.
    /// </summary>
    public static Dictionary<string, float[]> Run(FloatNetwork net, float[] images, int batch,
        IReadOnlyDictionary<string, BatchNormStatistics>? stats = null, float epsilon = 1e-5f,
        Dictionary<string, BatchNormStatistics>? batchStatistics = null)
    {
        var spec = net.Spec;
        var outputs = new Dictionary<string, float[]>(StringComparer.Ordinal) { [ArchNode.InputId] = images };
        foreach (var node in spec.Nodes)
        {
            var x = outputs[node.Inputs[0]];
            var inShape = spec.ShapeOf(node.Inputs[0]);
            var outShape = spec.ShapeOf(node.Id);
            outputs[node.Id] = node.Op switch
            {
                ArchOp.Conv => Conv(x, batch, inShape, outShape, node, net.Tensor(node.Id + ".weight").ToArray(),
                    node.Bias ? net.Tensor(node.Id + ".bias").ToArray() : null),
                ArchOp.BatchNorm => BatchNorm(x, batch, inShape, net.Tensor(node.Id + ".weight").ToArray(),
                    net.Tensor(node.Id + ".bias").ToArray(), node.Id, stats, epsilon, batchStatistics),
                ArchOp.Relu => x.Select(v => Math.Max(v, 0f)).ToArray(),
                ArchOp.Relu6 => x.Select(v => Math.Min(Math.Max(v, 0f), 6f)).ToArray(),
                ArchOp.Add => Add(node.Inputs.Select(id => outputs[id]).ToArray()),
                ArchOp.MaxPool => Pool(x, batch, inShape, outShape, node, max: true),
                ArchOp.AvgPool => Pool(x, batch, inShape, outShape, node, max: false),
                ArchOp.GlobalAvgPool => GlobalAverage(x, batch, inShape),
                ArchOp.Linear => Linear(x, batch, inShape.Channels, node.Out, net.Tensor(node.Id + ".weight").ToArray(),
                    node.Bias ? net.Tensor(node.Id + ".bias").ToArray() : null),
                _ => throw new NotSupportedException(node.Op.ToString()),
            };
        }
        outputs.Remove(ArchNode.InputId);
        return outputs;
    }

    private static float[] Conv(float[] x, int n, ActivationShape i, ActivationShape o, ArchNode node, float[] w, float[]? b)
    {
        int k = node.Kernel, s = node.Stride, d = node.Dilation, pad = d * (k - 1) / 2;
        int inPerGroup = i.Channels / node.Groups, outPerGroup = o.Channels / node.Groups;
        var y = new float[n * o.ElementCount];
        for (int img = 0; img < n; img++)
        for (int oc = 0; oc < o.Channels; oc++)
        for (int oy = 0; oy < o.Height; oy++)
        for (int ox = 0; ox < o.Width; ox++)
        {
            double acc = b?[oc] ?? 0;
            int group = oc / outPerGroup;
            for (int ic = 0; ic < inPerGroup; ic++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * s - pad + ky * d, ix = ox * s - pad + kx * d;
                if (iy < 0 || iy >= i.Height || ix < 0 || ix >= i.Width) continue;
                int c = group * inPerGroup + ic;
                acc += (double)x[((img * i.Channels + c) * i.Height + iy) * i.Width + ix] * w[((oc * inPerGroup + ic) * k + ky) * k + kx];
            }
            y[((img * o.Channels + oc) * o.Height + oy) * o.Width + ox] = (float)acc;
        }
        return y;
    }

    private static float[] BatchNorm(float[] x, int n, ActivationShape shape, float[] gamma, float[] beta, string id,
        IReadOnlyDictionary<string, BatchNormStatistics>? stats, float epsilon, Dictionary<string, BatchNormStatistics>? batchStatistics)
    {
        int c = shape.Channels, hw = shape.Height * shape.Width;
        var mean = new double[c];
        var variance = new double[c];
        if (batchStatistics is not null)
        {
            for (int ch = 0; ch < c; ch++)
            {
                double sum = 0, sq = 0;
                for (int img = 0; img < n; img++)
                for (int p = 0; p < hw; p++) sum += x[(img * c + ch) * hw + p];
                mean[ch] = sum / (n * hw);
                for (int img = 0; img < n; img++)
                for (int p = 0; p < hw; p++) sq += Math.Pow(x[(img * c + ch) * hw + p] - mean[ch], 2);
                variance[ch] = sq / (n * hw);
            }
            batchStatistics[id] = new BatchNormStatistics(mean.Select(v => (float)v).ToArray(), variance.Select(v => (float)v).ToArray());
        }
        else
        {
            for (int ch = 0; ch < c; ch++)
            {
                // No statistics: PyTorch's initial running statistics (mean 0, variance 1).
                mean[ch] = stats is null ? 0 : stats[id].Mean[ch];
                variance[ch] = stats is null ? 1 : stats[id].Variance[ch];
            }
        }
        var y = new float[x.Length];
        for (int img = 0; img < n; img++)
        for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < hw; p++)
        {
            int at = (img * c + ch) * hw + p;
            y[at] = (float)((x[at] - mean[ch]) / Math.Sqrt(variance[ch] + epsilon) * gamma[ch] + beta[ch]);
        }
        return y;
    }

    private static float[] Add(float[][] inputs)
    {
        var y = new float[inputs[0].Length];
        for (int at = 0; at < y.Length; at++) y[at] = (float)inputs.Sum(t => (double)t[at]);
        return y;
    }

    private static float[] Pool(float[] x, int n, ActivationShape i, ActivationShape o, ArchNode node, bool max)
    {
        int k = node.Kernel, s = node.Stride, pad = (k - 1) / 2;
        var y = new float[n * o.ElementCount];
        for (int img = 0; img < n; img++)
        for (int c = 0; c < o.Channels; c++)
        for (int oy = 0; oy < o.Height; oy++)
        for (int ox = 0; ox < o.Width; ox++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * s - pad + ky, ix = ox * s - pad + kx;
                // Padded cells: −∞ for max (never chosen), 0 for average (counted in the k² divisor).
                if (iy < 0 || iy >= i.Height || ix < 0 || ix >= i.Width) continue;
                double v = x[((img * i.Channels + c) * i.Height + iy) * i.Width + ix];
                acc = max ? Math.Max(acc, v) : acc + v;
            }
            y[((img * o.Channels + c) * o.Height + oy) * o.Width + ox] = (float)(max ? acc : acc / (k * k));
        }
        return y;
    }

    private static float[] GlobalAverage(float[] x, int n, ActivationShape i)
    {
        int hw = i.Height * i.Width;
        var y = new float[n * i.Channels];
        for (int img = 0; img < n; img++)
        for (int c = 0; c < i.Channels; c++)
        {
            double sum = 0;
            for (int p = 0; p < hw; p++) sum += x[(img * i.Channels + c) * hw + p];
            y[img * i.Channels + c] = (float)(sum / hw);
        }
        return y;
    }

    private static float[] Linear(float[] x, int n, int inFeatures, int outFeatures, float[] w, float[]? b)
    {
        var y = new float[n * outFeatures];
        for (int img = 0; img < n; img++)
        for (int o = 0; o < outFeatures; o++)
        {
            double acc = b?[o] ?? 0;
            for (int f = 0; f < inFeatures; f++) acc += (double)x[img * inFeatures + f] * w[o * inFeatures + f];
            y[img * outFeatures + o] = (float)acc;
        }
        return y;
    }
}
