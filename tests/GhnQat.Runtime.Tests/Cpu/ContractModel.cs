// An independent model of the quantization contract for tests: each layer recomputed in double, straight from the
// definitions in docs/quantization.md (direct conv loops, real-valued scales), from the reference's own input codes.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Tests.Cpu;

/// <summary>
/// Layer outputs in "code units" before rounding (double). The executor must produce roundEven of these, clamped,
/// except within <see cref="TieTolerance"/> of a .5 boundary, where float32 multipliers may round either way.
/// </summary>
internal static class ContractModel
{
    public const double TieTolerance = 1e-3;

    public static double[] Input(QuantizedNetwork q, ReadOnlySpan<float> images)
    {
        var v = new double[images.Length];
        for (int i = 0; i < v.Length; i++) v[i] = images[i] / (double)q.InputScale;
        return v;
    }

    /// <summary>Unrounded outputs of one image for a non-classifier layer (logits for the classifier).</summary>
    public static double[] Layer(QuantizedNetwork q, QLayer layer, Func<string, int[]> image)
    {
        var input = q.Tensor(layer.InputIds[0]);
        var s = input.Shape;
        switch (layer)
        {
            case QConvLayer c:
            {
                var o = q.Tensor(c.OutputId).Shape;
                var x = image(c.InputId);
                var v = new double[o.ElementCount];
                int inG = c.InChannels / c.Groups, outG = c.OutChannels / c.Groups;
                for (int oc = 0; oc < c.OutChannels; oc++)
                for (int oy = 0; oy < o.Height; oy++)
                for (int ox = 0; ox < o.Width; ox++)
                {
                    long acc = 0;
                    for (int ci = 0; ci < inG; ci++)
                    for (int ky = 0; ky < c.Kernel; ky++)
                    for (int kx = 0; kx < c.Kernel; kx++)
                    {
                        int iy = (oy * c.Stride) - c.Padding + (ky * c.Dilation), ix = (ox * c.Stride) - c.Padding + (kx * c.Dilation);
                        if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                        acc += (long)x[((((oc / outG * inG) + ci) * s.Height) + iy) * s.Width + ix]
                               * c.Weights[(((((oc * inG) + ci) * c.Kernel) + ky) * c.Kernel) + kx];
                    }
                    v[(((oc * o.Height) + oy) * o.Width) + ox] = (acc * (double)input.Scale * c.WeightScales[oc] / q.Tensor(c.OutputId).Scale) + c.Bias[oc];
                }
                return v;
            }
            case QAddLayer a:
            {
                var v = new double[s.ElementCount];
                double so = q.Tensor(a.OutputId).Scale;
                foreach (string id in a.Inputs)
                {
                    var x = image(id);
                    double si = q.Tensor(id).Scale;
                    for (int i = 0; i < v.Length; i++) v[i] += x[i] * si / so;
                }
                return v;
            }
            case QMaxPoolLayer m:
                return Pool(q, m.OutputId, s, image(m.InputId), m.Kernel, m.Stride, m.Padding, isMax: true, 1);
            case QAvgPoolLayer p:
                return Pool(q, p.OutputId, s, image(p.InputId), p.Kernel, p.Stride, p.Padding, isMax: false,
                    input.Scale / ((double)p.Kernel * p.Kernel * q.Tensor(p.OutputId).Scale));
            case QGlobalAvgPoolLayer g:
            {
                var x = image(g.InputId);
                int pixels = s.Height * s.Width;
                var v = new double[s.Channels];
                for (int c = 0; c < s.Channels; c++)
                {
                    long sum = 0;
                    for (int p = 0; p < pixels; p++) sum += x[(c * pixels) + p];
                    v[c] = sum * (double)input.Scale / (pixels * (double)q.Tensor(g.OutputId).Scale);
                }
                return v;
            }
            case QLinearLayer fc:
            {
                var x = image(fc.InputId);
                var v = new double[fc.OutFeatures];
                for (int c = 0; c < fc.OutFeatures; c++)
                {
                    long acc = 0;
                    for (int i = 0; i < fc.InFeatures; i++) acc += (long)x[i] * fc.Weights[(c * fc.InFeatures) + i];
                    v[c] = (acc * (double)input.Scale * fc.WeightScales[c]) + fc.Bias[c];
                }
                return v;
            }
            default:
                throw new ArgumentException($"unknown layer {layer.GetType().Name}");
        }
    }

    /// <summary>Mismatches between executor codes and the model: a description of the first few, empty when none.</summary>
    public static List<string> Mismatches(string what, double[] model, ReadOnlySpan<int> codes, int lo, int hi)
    {
        var bad = new List<string>();
        for (int i = 0; i < model.Length && bad.Count < 5; i++)
        {
            double v = model[i];
            int expected = (int)Math.Clamp(Math.Round(v, MidpointRounding.ToEven), lo, hi);
            double frac = Math.Abs(v - Math.Floor(v) - 0.5);
            bool nearTie = frac < TieTolerance;
            if (codes[i] == expected || (nearTie && Math.Abs(codes[i] - expected) == 1 && codes[i] >= lo && codes[i] <= hi)) continue;
            bad.Add($"{what}[{i}]: executor {codes[i]}, model {v:R} → {expected}");
        }
        return bad;
    }

    private static double[] Pool(QuantizedNetwork q, string outputId, ActivationShape s, int[] x, int k, int stride, int pad,
        bool isMax, double multiplier)
    {
        var o = q.Tensor(outputId).Shape;
        var v = new double[o.ElementCount];
        for (int c = 0; c < s.Channels; c++)
        for (int oy = 0; oy < o.Height; oy++)
        for (int ox = 0; ox < o.Width; ox++)
        {
            long acc = isMax ? long.MinValue : 0;
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = (oy * stride) - pad + ky, ix = (ox * stride) - pad + kx;
                if (iy < 0 || iy >= s.Height || ix < 0 || ix >= s.Width) continue;
                int value = x[(((c * s.Height) + iy) * s.Width) + ix];
                acc = isMax ? Math.Max(acc, value) : acc + value;
            }
            v[(((c * o.Height) + oy) * o.Width) + ox] = acc * multiplier;
        }
        return v;
    }
}
