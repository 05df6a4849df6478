// The GHN's hyperparameters: one record of defaults, saved in every checkpoint's metadata.
using System.Text.Json;
using System.Text.Json.Serialization;
using GhnQat.Runtime.Errors;

namespace GhnQat.Trainer.Ghn;

/// <summary>
/// GHN-2 sizes (brief §1.6) scaled to Fashion-MNIST. Every field has a comment; the JSON form is stored in the
/// checkpoint's metadata so a model file says exactly what it is.
/// </summary>
public sealed record GhnConfig
{
    /// <summary>Node embedding size (GHN-2: 32).</summary>
    public int Hidden { get; init; } = 32;
    /// <summary>Out-channels of a decoded block; wider layers tile it (GHN-2: 2·hidden = 64).</summary>
    public int MaxOut { get; init; } = 64;
    /// <summary>In-channels of a decoded block; wider layers tile it (GHN-2: 64).</summary>
    public int MaxIn { get; init; } = 64;
    /// <summary>Side of the decoder's spatial map, cropped top-left to the kernel (GHN-2 CIFAR: 11; our kernels are ≤ 5,
    /// so 5 keeps the same behaviour with a 5× smaller first decoder layer — brief §8.5 allows this).</summary>
    public int DecoderKernel { get; init; } = 5;
    /// <summary>Channels of the decoder's spatial map (GHN-2: 4·hidden = 128).</summary>
    public int DecoderChannels { get; init; } = 128;
    /// <summary>Hidden width of the decoder's 1×1 conv stack (GHN-2: 256).</summary>
    public int DecoderHidden { get; init; } = 256;
    /// <summary>Virtual-edge cutoff s_max (GHN-2: 50; 1 = no virtual edges).</summary>
    public int MaxVirtualEdge { get; init; } = 50;
    /// <summary>LayerNorm on node states before decoding (GHN-2: on).</summary>
    public bool LayerNorm { get; init; } = true;
    /// <summary>GHN-2's op-specific normalization of predicted tensors (fan-in scaling, 2σ(0.5p), tanh(0.2p)).</summary>
    public bool WeightNormalization { get; init; } = true;
    /// <summary>Classes of the target task (Fashion-MNIST: 10).</summary>
    public int Classes { get; init; } = 10;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Throws a <see cref="GhnQatException"/> naming the first out-of-range field.</summary>
    public GhnConfig Validate()
    {
        Check(Hidden is >= 4 and <= 1024 && Hidden % 4 == 0, "hidden", "a multiple of 4 in 4..1024", Hidden);
        Check(MaxOut is >= 1 and <= 512, "max_out", "1..512", MaxOut);
        Check(MaxIn is >= 1 and <= 512, "max_in", "1..512", MaxIn);
        Check(DecoderKernel is >= 1 and <= 16, "decoder_kernel", "1..16", DecoderKernel);
        Check(DecoderChannels is >= 1 and <= 4096, "decoder_channels", "1..4096", DecoderChannels);
        Check(DecoderHidden is >= 1 and <= 4096, "decoder_hidden", "1..4096", DecoderHidden);
        Check(MaxVirtualEdge is >= 1 and <= 1000, "max_virtual_edge", "1..1000", MaxVirtualEdge);
        Check(Classes is >= 1 and <= 100_000, "classes", "1..100000", Classes);
        return this;
    }

    /// <summary>Compact JSON with snake_case keys.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and validates <see cref="ToJson"/> output; unknown keys are an error.</summary>
    public static GhnConfig FromJson(string json, string source)
    {
        try
        {
            var config = JsonSerializer.Deserialize<GhnConfig>(json, Json)
                ?? throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{source}: GHN config is null");
            return config.Validate();
        }
        catch (JsonException e)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{source}: GHN config JSON is invalid: {e.Message}", e);
        }
    }

    private static void Check(bool ok, string field, string expected, int value)
    {
        if (!ok) throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"GHN config field '{field}' is {value}; expected {expected}");
    }
}
