// Measures where a meta-batch step's time goes: the GHN (predict + its backward) vs the target nets' own work.
using System.Diagnostics;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.TargetNets;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GhnQat.Trainer.Training;

/// <summary>
/// Splits one meta-batch step into its three parts, each timed directly: (1) the GHN forward (graphs → every tensor),
/// (2) the target nets' forward + backward with the predicted tensors as leaves (what training the nets directly
/// would cost), (3) the GHN backward, fed with the leaves' gradients. GHN share = (1 + 3) / (1 + 2 + 3). No optimizer
/// update is made, so every repeat sees the same model.
/// </summary>
public static class StepBenchmark
{
    /// <summary>Median milliseconds of each part over <paramref name="repeats"/> meta-batches.</summary>
    public sealed record Result(int MetaBatch, int BatchSize, int Repeats, double GhnForwardMs, double TargetsMs, double GhnBackwardMs)
    {
        /// <summary>The whole step: GHN forward + target nets + GHN backward.</summary>
        public double FullMs => GhnForwardMs + TargetsMs + GhnBackwardMs;

        /// <summary>(GHN forward + GHN backward) / full step.</summary>
        public double GhnShare => (GhnForwardMs + GhnBackwardMs) / FullMs;
    }

    /// <summary>Runs the measurement with nets drawn from <paramref name="pool"/>.</summary>
    public static Result Run(Ghn2 model, IReadOnlyList<ArchSpec> pool, ImageDataset data, int metaBatch, int batchSize, int repeats, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(data);
        var ghn = new List<double>();
        var targets = new List<double>();
        var ghnBackward = new List<double>();
        var images = new float[batchSize * data.ImageElements];
        var labels = new int[batchSize];
        var rng = new SplitMix64(seed);
        for (int r = 0; r < repeats + 1; r++) // the first round warms up and is not counted
        {
            var nets = Enumerable.Range(0, metaBatch).Select(_ => pool[rng.NextInt32(pool.Count)]).ToArray();
            var graphs = nets.Select(model.BuildGraph).ToArray();
            var idx = Enumerable.Range(0, batchSize).Select(_ => rng.NextInt32(data.Count)).ToArray();
            data.FillBatch(idx, images, labels);
            using var scope = NewDisposeScope();
            var x = tensor(images, [batchSize, data.Channels, data.Height, data.Width]);
            var y = tensor(labels.Select(l => (long)l).ToArray());

            var clock = Stopwatch.StartNew();
            var predicted = model.Predict(new GraphBatch(graphs));
            double ghnMs = clock.Elapsed.TotalMilliseconds;

            var leaves = predicted.Select(d => d.ToDictionary(kv => kv.Key, kv => kv.Value.detach().requires_grad_(true))).ToArray();
            clock.Restart();
            Loss(nets, leaves, x, y).backward();
            double targetMs = clock.Elapsed.TotalMilliseconds;

            var outputs = predicted.SelectMany(d => d.Values).ToList();
            var grads = leaves.SelectMany(d => d.Values.Select(t => t.grad ?? zeros_like(t))).ToList();
            clock.Restart();
            torch.autograd.backward(outputs, grads);
            double backMs = clock.Elapsed.TotalMilliseconds;
            model.zero_grad();
            if (r == 0) continue;
            ghn.Add(ghnMs);
            targets.Add(targetMs);
            ghnBackward.Add(backMs);
        }
        return new Result(metaBatch, batchSize, repeats, Median(ghn), Median(targets), Median(ghnBackward));
    }

    private static Tensor Loss(ArchSpec[] nets, Dictionary<string, Tensor>[] p, Tensor x, Tensor y) =>
        stack(nets.Select((n, i) => F.cross_entropy(FunctionalNet.Forward(n, p[i], x), y))).mean();

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }
}
