// Training hyperparameters: one record of defaults with a comment per field, saved with every checkpoint.
using GhnQat.Runtime.Hypernet;
using System.Text.Json;
using System.Text.Json.Serialization;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Quantization;

namespace GhnQat.Trainer.Training;

/// <summary>GHN-2's recipe (brief §3.1) scaled to a CPU budget. Presets: <see cref="Tiny"/>, <see cref="Small"/>.</summary>
public sealed record TrainConfig
{
    /// <summary>Preset name this config started from (informational).</summary>
    public string Preset { get; init; } = "small";
    /// <summary>The GHN's own sizes.</summary>
    public GhnConfig Ghn { get; init; } = new();
    /// <summary>Optimizer steps (meta-batches).</summary>
    public int Steps { get; init; } = 3000;
    /// <summary>Nets sampled per step (GHN-2: 8); one image batch is shared by all of them.</summary>
    public int MetaBatch { get; init; } = 8;
    /// <summary>Images per step (GHN-2: 64).</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Adam learning rate (GHN-2: 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Adam L2 weight decay, added to the gradient as torch.optim.Adam does (GHN-2: 1e-5).</summary>
    public double WeightDecay { get; init; } = 1e-5;
    /// <summary>Gradient-norm clip (GHN-2: 5).</summary>
    public double GradClip { get; init; } = 5;
    /// <summary>Step decay: lr × 0.1 after these fractions of <see cref="Steps"/> (GHN-2: epochs 200, 250 of 300).</summary>
    public IReadOnlyList<double> DecayAt { get; init; } = [2.0 / 3, 5.0 / 6];
    /// <summary>Distinct training nets drawn once from the train split; steps sample from this pool.</summary>
    public int NetPool { get; init; } = 20_000;
    /// <summary>Random crop padding in pixels for augmentation (0 = off).</summary>
    public int AugmentPadding { get; init; } = 2;
    /// <summary>Random horizontal flips (Fashion-MNIST items are left-right symmetric enough).</summary>
    public bool AugmentFlip { get; init; } = true;
    /// <summary>Seed of every random choice (nets, images, augmentation, initialization).</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Log one line every this many steps.</summary>
    public int LogEvery { get; init; } = 25;
    /// <summary>Write a resumable checkpoint every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 250;
    /// <summary>Quantization in the forward pass: "none" (float GHN-2), "sim" (SimQuant), "noise" (NoiseQuant) or "mixed" (SimQuant weights, NoiseQuant activations); docs/qat.md.</summary>
    public string Quant { get; init; } = "none";
    /// <summary>Scheme the QAT forward pass quantizes to (e.g. "w4a4"); null for float training.</summary>
    public string? Scheme { get; init; }

    /// <summary>Seconds-long config for tests: a small GHN, 2 nets of 16 images per step.</summary>
    public static TrainConfig Tiny { get; } = new()
    {
        Preset = "tiny",
        Ghn = new GhnConfig { Hidden = 8, MaxOut = 16, MaxIn = 16, DecoderKernel = 3, DecoderChannels = 16, DecoderHidden = 32 },
        Steps = 30, MetaBatch = 2, BatchSize = 16, NetPool = 50, LearningRate = 1e-2, LogEvery = 10, CheckpointEvery = 10,
        AugmentPadding = 0, AugmentFlip = false,
    };

    /// <summary>The real CPU run (about 45 minutes on 2 cores).</summary>
    public static TrainConfig Small { get; } = new();

    /// <summary>A preset by name: "tiny" or "small".</summary>
    public static TrainConfig FromPreset(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        _ => throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"unknown preset '{name}'; expected tiny or small"),
    };

    /// <summary>Learning rate at <paramref name="step"/> (0-based) under the step decay.</summary>
    public double LearningRateAt(int step) =>
        LearningRate * Math.Pow(0.1, DecayAt.Count(f => step >= (int)(f * Steps)));

    /// <summary>The parsed <see cref="Quant"/>.</summary>
    public QuantMode ParseQuantMode() => QuantModes.Parse(Quant);

    /// <summary>The parsed <see cref="Scheme"/>; null for float training.</summary>
    public QuantScheme? ParseScheme() => ParseQuantMode() == QuantMode.None ? null
        : QuantScheme.Parse(Scheme ?? throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"train config: quant '{Quant}' needs a scheme (e.g. w4a4)"));

    /// <summary>Throws naming the first out-of-range field.</summary>
    public TrainConfig Validate()
    {
        Ghn.Validate();
        Check(Steps is >= 1 and <= 10_000_000, "steps", Steps);
        Check(MetaBatch is >= 1 and <= 256, "meta_batch", MetaBatch);
        Check(BatchSize is >= 2 and <= 4096, "batch_size", BatchSize);
        Check(NetPool is >= 1 and <= 1_000_000, "net_pool", NetPool);
        Check(AugmentPadding is >= 0 and <= 8, "augment_padding", AugmentPadding);
        Check(LogEvery >= 1, "log_every", LogEvery);
        Check(CheckpointEvery >= 1, "checkpoint_every", CheckpointEvery);
        if (DecayAt is null || DecayAt.Any(f => !(f > 0 && f < 1)))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"train config: decay_at must list fractions of the steps in (0, 1), got [{string.Join(", ", DecayAt ?? [])}]");
        _ = ParseScheme();
        if (!(LearningRate > 0) || !(GradClip > 0) || WeightDecay < 0)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "learning_rate and grad_clip must be > 0 and weight_decay ≥ 0");
        return this;
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Compact snake_case JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses <see cref="ToJson"/> output.</summary>
    public static TrainConfig FromJson(string json, string source)
    {
        try
        {
            return (JsonSerializer.Deserialize<TrainConfig>(json, Json)
                ?? throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{source}: train config is null")).Validate();
        }
        catch (JsonException e)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{source}: train config JSON is invalid: {e.Message}", e);
        }
    }

    private static void Check(bool ok, string field, long value)
    {
        if (!ok) throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"train config field '{field}' is {value}, out of range");
    }
}
