// The training loop: sample nets and images, predict, run the target nets, backprop into the GHN, update.
using System.Diagnostics;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.TargetNets;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace GhnQat.Trainer.Training;

/// <summary>
/// GHN-2 training (brief §3.1): every step draws <see cref="TrainConfig.MetaBatch"/> nets from a fixed pool of
/// training nets and one image batch shared by all; loss = mean cross-entropy; Adam, gradient clip, step decay;
/// a non-finite loss or gradient norm skips the update. Every random choice is a pure function of (seed, step), so a run resumed
/// from a checkpoint continues exactly like an uninterrupted one.
/// </summary>
public sealed class GhnTrainer : IDisposable
{
    private readonly ImageDataset _data;
    private readonly IReadOnlyList<ArchSpec> _pool;
    private readonly Dictionary<int, ArchGraph> _graphs = [];
    private readonly Dictionary<int, QuantPlan> _plans = [];
    private readonly AdamOptimizer _adam;
    private readonly float[] _images;
    private readonly int[] _labels;
    private int[]? _epochOrder;
    private int _epoch = -1;

    /// <summary>Starts a fresh run (initialization seeded by <see cref="TrainConfig.Seed"/>).</summary>
    public GhnTrainer(TrainConfig config, ImageDataset data, Func<TrainConfig, IReadOnlyList<ArchSpec>>? pool = null)
        : this(config, data, NewModel(config), pool)
    {
    }

    private GhnTrainer(TrainConfig config, ImageDataset data, Ghn2 model, Func<TrainConfig, IReadOnlyList<ArchSpec>>? pool)
    {
        ArgumentNullException.ThrowIfNull(data);
        Config = config.Validate();
        _data = data;
        Model = model;
        Model.to(TorchEnvironment.Device);
        _pool = (pool ?? DefaultPool)(config);
        _adam = new AdamOptimizer(model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        _images = new float[config.BatchSize * data.ImageElements];
        _labels = new int[config.BatchSize];
    }

    /// <summary>
    /// Starts a run from an existing GHN (QAT finetuning from a float GHN, docs/qat.md): fresh optimizer, step 0.
    /// <paramref name="config"/>.Ghn must equal the model's config; the trainer owns and disposes the model.
    /// </summary>
    public static GhnTrainer FromModel(TrainConfig config, ImageDataset data, Ghn2 model,
        Func<TrainConfig, IReadOnlyList<ArchSpec>>? pool = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        if (config.Ghn != model.Config)
            throw new ArgumentException("the train config's GHN config differs from the model's", nameof(config));
        return new GhnTrainer(config, data, model, pool);
    }

    /// <summary>The configuration.</summary>
    public TrainConfig Config { get; }
    /// <summary>The GHN being trained.</summary>
    public Ghn2 Model { get; }
    /// <summary>Steps finished so far.</summary>
    public int Step { get; private set; }

    /// <summary>Continues the run saved in <paramref name="checkpointPath"/> (its config and pool seed).</summary>
    /// <param name="checkpointPath">A file written by <see cref="SaveCheckpoint"/>.</param>
    /// <param name="data">The training images.</param>
    /// <param name="steps">A new total step count (to extend a finished run); null keeps the saved one.</param>
    /// <param name="pool">Net pool factory (tests pass tiny nets); null = the train split.</param>
    public static GhnTrainer Resume(string checkpointPath, ImageDataset data, int? steps = null,
        Func<TrainConfig, IReadOnlyList<ArchSpec>>? pool = null)
    {
        var loaded = GhnCheckpoint.Load(checkpointPath);
        if (loaded.Config is null || loaded.AdamM is null || loaded.AdamV is null)
            throw new Runtime.Errors.GhnQatException(Runtime.Errors.GhnQatErrorCode.InvalidFile,
                $"{checkpointPath}: a model-only file cannot resume training; pass a checkpoint written by 'train'");
        var config = steps is int n ? loaded.Config with { Steps = n } : loaded.Config;
        var trainer = new GhnTrainer(config, data, loaded.Model, pool) { Step = loaded.Step };
        using (no_grad())
        {
            foreach (var (name, m) in trainer._adam.M) m.copy_(tensor(loaded.AdamM[name], m.shape));
            foreach (var (name, v) in trainer._adam.V) v.copy_(tensor(loaded.AdamV[name], v.shape));
        }
        trainer._adam.StepCount = loaded.AdamStep;
        return trainer;
    }

    /// <summary>Writes a resumable checkpoint of the current state.</summary>
    public void SaveCheckpoint(string path, IReadOnlyDictionary<string, string>? provenance = null) =>
        GhnCheckpoint.Save(path, Model, Config, _adam, Step, provenance);

    /// <summary>Runs one meta-batch step and advances <see cref="Step"/>.</summary>
    public StepResult TrainStep()
    {
        var clock = Stopwatch.StartNew();
        int step = Step;
        double lr = Config.LearningRateAt(step);
        var rng = new SplitMix64(SplitMix64.Mix(Config.Seed, 0x4E45_5400UL + (ulong)step));
        var nets = new ArchSpec[Config.MetaBatch];
        var graphs = new ArchGraph[Config.MetaBatch];
        var picks = new int[Config.MetaBatch];
        for (int i = 0; i < nets.Length; i++)
        {
            int k = picks[i] = rng.NextInt32(_pool.Count);
            nets[i] = _pool[k];
            if (!_graphs.TryGetValue(k, out var g)) _graphs[k] = g = Model.BuildGraph(nets[i]);
            graphs[i] = g;
        }
        FillImages(step);

        using var scope = NewDisposeScope();
        var quant = Config.ParseQuantMode();
        var scheme = Config.ParseScheme();
        var plans = scheme is null ? null : picks.Select(k => Plan(k, scheme)).ToArray();
        var device = TorchEnvironment.Device;
        var x = tensor(_images, [Config.BatchSize, _data.Channels, _data.Height, _data.Width], device: device);
        var y = tensor(_labels.Select(l => (long)l).ToArray(), device: device);
        var predicted = Model.Predict(new GraphBatch(graphs));

        // The target nets are independent given their predicted tensors: each runs forward and backward on its own
        // detached copy (on its own thread when several cores are given), then one backward pass carries all their
        // gradients into the GHN. Loss = mean over nets, so every net's loss is scaled by 1/M.
        var results = new NetResult[nets.Length];
        int workers = device.type == DeviceType.CPU ? Math.Clamp(TorchEnvironment.Threads, 1, nets.Length) : 1;
        void RunNet(int i)
        {
            // QAT (docs/qat.md): NoiseQuant's (and Mixed's) noise is a pure function of (seed, step, net), so resuming stays exact
            // and the result does not depend on how many nets run at once.
            using var noise = quant is QuantMode.Noise or QuantMode.Mixed
                ? new Generator(SplitMix64.Mix(SplitMix64.Mix(Config.Seed, 0x9015_E000UL + (ulong)step), (ulong)i))
                : null;
            results[i] = RunTargetNet(nets[i], predicted[i], x, y,
                plans is null ? null : QuantHooks.Create(plans[i], quant, training: true, noise), nets.Length);
        }
        if (workers == 1)
            for (int i = 0; i < nets.Length; i++) RunNet(i);
        else
            Concurrency.ForEachLargestFirst(nets.Length, workers, i => nets[i].Macs, RunNet);

        try
        {
            double lossValue = results.Sum(r => r.Loss) / nets.Length;
            double correct = results.Sum(r => r.Correct);
            Step++;
            _adam.ZeroGrad();
            if (!double.IsFinite(lossValue))
                return new StepResult(step, double.NaN, 0, lr, clock.Elapsed.TotalMilliseconds, Skipped: true, SkipReason: "loss not finite");
            var outputs = new List<Tensor>();
            var grads = new List<Tensor>();
            for (int i = 0; i < nets.Length; i++)
                foreach (var (name, grad) in results[i].Grads)
                {
                    outputs.Add(predicted[i][name]);
                    grads.Add(grad);
                }
            autograd.backward(outputs, grads);
            // A finite loss can still give an inf/NaN gradient (e.g. a 2-bit net whose BN sees a constant channel);
            // one such Adam step would poison every weight and moment, so the step is skipped like a NaN loss.
            double norm = nn.utils.clip_grad_norm_(Model.parameters(), Config.GradClip);
            if (!double.IsFinite(norm))
            {
                _adam.ZeroGrad();
                return new StepResult(step, lossValue, correct / (nets.Length * (double)Config.BatchSize), lr,
                    clock.Elapsed.TotalMilliseconds, Skipped: true, SkipReason: "gradient norm not finite");
            }
            _adam.Step(lr, Config.WeightDecay);
            return new StepResult(step, lossValue, correct / (nets.Length * (double)Config.BatchSize), lr,
                clock.Elapsed.TotalMilliseconds, Skipped: false);
        }
        finally
        {
            foreach (var r in results)
                foreach (var g in r.Grads.Values) g.Dispose();
        }
    }

    /// <summary>One target net's loss, correct count and the gradient of loss/<paramref name="scale"/> with
    /// respect to each predicted tensor it used. The gradients outlive the call; the caller disposes them.</summary>
    private static NetResult RunTargetNet(ArchSpec net, Dictionary<string, Tensor> predicted, Tensor x, Tensor y,
        TargetNetOptions? options, int scale)
    {
        using var scope = NewDisposeScope();
        var leaves = predicted.ToDictionary(kv => kv.Key, kv => kv.Value.detach().requires_grad_(true));
        var logits = FunctionalNet.Forward(net, leaves, x, options);
        var loss = F.cross_entropy(logits, y);
        double lossValue = loss.item<float>();
        long correct = logits.argmax(1).eq(y).sum().item<long>();
        var grads = new Dictionary<string, Tensor>();
        if (double.IsFinite(lossValue))
        {
            (loss / scale).backward();
            foreach (var (name, leaf) in leaves)
                if (leaf.grad is Tensor g) grads[name] = g.DetachFromDisposeScope();
        }
        return new NetResult(lossValue, correct, grads);
    }

    private readonly record struct NetResult(double Loss, long Correct, Dictionary<string, Tensor> Grads);

    private QuantPlan Plan(int poolIndex, QuantScheme scheme)
    {
        if (!_plans.TryGetValue(poolIndex, out var plan)) _plans[poolIndex] = plan = QuantPlan.Build(_pool[poolIndex], scheme);
        return plan;
    }

    /// <summary>Fills the image buffers for <paramref name="step"/>: consecutive slices of a per-epoch shuffle.</summary>
    private void FillImages(int step)
    {
        int perEpoch = Math.Max(1, _data.Count / Config.BatchSize);
        int epoch = step / perEpoch;
        if (epoch != _epoch)
        {
            _epochOrder = _data.ShuffledIndices(SplitMix64.Mix(Config.Seed, 0xE90C_0000UL + (ulong)epoch));
            _epoch = epoch;
        }
        var indices = new int[Config.BatchSize];
        int start = (step % perEpoch) * Config.BatchSize;
        for (int i = 0; i < indices.Length; i++) indices[i] = _epochOrder![(start + i) % _epochOrder.Length];
        var aug = new ImageAugmentation(Config.AugmentPadding, Config.AugmentFlip);
        _data.FillBatch(indices, _images, _labels, aug, SplitMix64.Mix(Config.Seed, 0xA06_0000UL + (ulong)step));
    }

    private static Ghn2 NewModel(TrainConfig config)
    {
        manual_seed((long)(config.Seed & 0x7FFF_FFFF));
        return new Ghn2(config.Ghn, GraphVocabulary.CreateGhn2(config.Ghn.Classes));
    }

    private static IReadOnlyList<ArchSpec> DefaultPool(TrainConfig config) =>
        ArchSpace.Sample(ArchSplit.Train, config.NetPool, config.Seed);

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        Model.Dispose();
    }
}
