// Evaluates target nets: top-1 under GHN-2's protocol, plus the two baselines (Kaiming init, SGD for one epoch).
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Graphs;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.TargetNets;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GhnQat.Trainer.Evaluation;

/// <summary>
/// GHN-2 evaluation protocol (brief §3.3): test images in order, batches of 64, BN normalizing with each test
/// batch's own statistics. Parameters are plain tensors keyed like <see cref="ParameterTensor.Name"/>.
/// </summary>
public sealed class NetEvaluator : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;

    /// <summary>Loads the first <paramref name="count"/> images of <paramref name="test"/> (normalized) once.</summary>
    public NetEvaluator(ImageDataset test, int count, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(test);
        Count = Math.Clamp(count, 1, test.Count);
        BatchSize = batchSize;
        var pixels = new float[(long)Count * test.ImageElements];
        test.Normalize(0, Count, pixels);
        _images = tensor(pixels, [Count, test.Channels, test.Height, test.Width]).DetachFromDisposeScope();
        _labels = tensor(test.Labels[..Count].ToArray().Select(b => (long)b).ToArray()).DetachFromDisposeScope();
    }

    /// <summary>Test images used.</summary>
    public int Count { get; }
    /// <summary>Evaluation batch size (GHN-2: 64).</summary>
    public int BatchSize { get; }

    /// <summary>
    /// Top-1 accuracy (0..1) of <paramref name="spec"/> with parameters <paramref name="p"/>. Batches are independent
    /// (BN uses each batch's statistics), so they run on <see cref="TorchEnvironment.Threads"/> threads at once, one
    /// intra-op thread each; the count does not depend on the order. <paramref name="options"/> makes the hooks of
    /// one forward pass (they may hold per-pass state, e.g. QuantHooks' ranges), so each batch gets its own.
    /// </summary>
    public double Accuracy(ArchSpec spec, IReadOnlyDictionary<string, Tensor> p, Func<TargetNetOptions?>? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int batches = (Count + BatchSize - 1) / BatchSize;
        int workers = TorchEnvironment.Device.type == DeviceType.CPU ? Math.Clamp(TorchEnvironment.Threads, 1, batches) : 1;
        var correct = new long[batches];
        void CountBatch(int b)
        {
            using var noGrad = no_grad(); // grad mode is per thread
            using var scope = NewDisposeScope();
            int start = b * BatchSize, n = Math.Min(BatchSize, Count - start);
            var logits = FunctionalNet.Forward(spec, p, _images.narrow(0, start, n), options?.Invoke());
            correct[b] = logits.argmax(1).eq(_labels.narrow(0, start, n)).sum().item<long>();
        }
        if (workers == 1)
            for (int b = 0; b < batches; b++) CountBatch(b);
        else
            Concurrency.ForEachLargestFirst(batches, workers, b => -b, CountBatch);
        return correct.Sum() / (double)Count;
    }

    /// <summary>
    /// The GHN's prediction for one net, detached from autograd (caller disposes the tensors). It runs on one
    /// intra-op thread whatever the process uses: libtorch's float sums depend on the thread count, and a deployed
    /// net's codes can flip on a 1e-7 change of a weight near a rounding boundary, so evaluations must not depend on
    /// <c>--threads</c> (measured: one `id` net's W4A4 deploy accuracy moved by 5 of 2000 images between 1 and 2
    /// threads). The graph is small, so one thread costs little.
    /// </summary>
    public static Dictionary<string, Tensor> Predict(Ghn2 model, ArchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var predicted = model.Predict(new GraphBatch([model.BuildGraph(spec)]))[0];
            return predicted.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().MoveToOuterDisposeScope(), StringComparer.Ordinal);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>
    /// He-normal initialization (std √(2/fan_in); depthwise √(1/fan_in)), BN γ = 1, β = 0, biases 0 — what a
    /// freshly built PyTorch-style net starts from; seeded.
    /// </summary>
    public static Dictionary<string, Tensor> KaimingInit(ArchSpec spec, long seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var generator = new Generator((ulong)seed);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in ArchGraph.Build(spec, maxVirtualEdgeLength: 1).Parameters)
        {
            var shape = p.Shape.Select(d => (long)d).ToArray();
            result[p.Name] = p.Role switch
            {
                ParameterRole.ConvWeight or ParameterRole.LinearWeight or ParameterRole.ClassifierWeight =>
                    randn(shape, generator: generator) * Math.Sqrt((p.Shape[1] == 1 ? 1.0 : 2.0) / (shape.Skip(1).Aggregate(1L, (a, b) => a * b))),
                ParameterRole.BnGamma => ones(shape),
                _ => zeros(shape),
            };
        }
        return result;
    }

    /// <summary>
    /// Trains <paramref name="p"/> in place for one epoch of <paramref name="train"/> with SGD (momentum 0.9,
    /// lr 0.05 cosine to 0, weight decay 5e-4, batch 64, BN batch statistics) — the "SGD 1 epoch" baseline.
    /// </summary>
    public static void SgdOneEpoch(ArchSpec spec, Dictionary<string, Tensor> p, ImageDataset train, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(train);
        foreach (var t in p.Values) t.requires_grad_(true);
        var velocity = p.ToDictionary(kv => kv.Key, kv => zeros_like(kv.Value).DetachFromDisposeScope(), StringComparer.Ordinal);
        const int batch = 64;
        int steps = train.Count / batch;
        var images = new float[batch * train.ImageElements];
        var labels = new int[batch];
        var order = train.ShuffledIndices(seed);
        var aug = ImageAugmentation.MnistLike;
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            double lr = 0.05 * 0.5 * (1 + Math.Cos(Math.PI * s / steps));
            train.FillBatch(order.AsSpan(s * batch, batch), images, labels, aug, seed + (ulong)s);
            var x = tensor(images, [batch, train.Channels, train.Height, train.Width]);
            var y = tensor(labels.Select(l => (long)l).ToArray());
            var loss = F.cross_entropy(FunctionalNet.Forward(spec, p, x), y);
            loss.backward();
            using var noGrad = no_grad();
            using Scalar decay = 5e-4.ToScalar(), momentum = 0.9.ToScalar(), rate = lr.ToScalar();
            foreach (var (name, w) in p)
            {
                var g = w.grad!.add(w, decay);
                HeldScalars.PlusInPlace(velocity[name].mul_(momentum), g);
                w.sub_(velocity[name].mul(rate));
                w.grad!.zero_();
            }
        }
        foreach (var t in p.Values) t.requires_grad_(false);
        foreach (var v in velocity.Values) v.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }
}
