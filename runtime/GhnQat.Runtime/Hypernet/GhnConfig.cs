// The GHN's hyperparameters as a checkpoint stores them ("ghnqat.ghn_config", snake_case JSON written by the trainer).
using System.Text.Json;
using System.Text.Json.Serialization;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// GHN-2 sizes (brief §1.6). The runtime reads the same JSON the trainer writes, key for key; unknown keys are an
/// error so a file from a newer trainer is refused instead of half-understood. Defaults are the trainer's.
/// </summary>
public sealed record GhnConfig
{
    /// <summary>Node embedding size H (GHN-2: 32); a multiple of 4, since the shape encoder uses four H/4 tables.</summary>
    public int Hidden { get; init; } = 32;
    /// <summary>Out-channels of a decoded block; wider layers tile it (GHN-2: 64).</summary>
    public int MaxOut { get; init; } = 64;
    /// <summary>In-channels of a decoded block; wider layers tile it (GHN-2: 64).</summary>
    public int MaxIn { get; init; } = 64;
    /// <summary>Side K of the decoder's spatial map, cropped top-left to the kernel.</summary>
    public int DecoderKernel { get; init; } = 5;
    /// <summary>Channels C of the decoder's spatial map (GHN-2: 4·H).</summary>
    public int DecoderChannels { get; init; } = 128;
    /// <summary>Hidden width D of the decoder's 1×1 conv stack (GHN-2: 256).</summary>
    public int DecoderHidden { get; init; } = 256;
    /// <summary>Virtual-edge cutoff s_max (GHN-2: 50; 1 = no virtual edges, and a message MLP of width H).</summary>
    public int MaxVirtualEdge { get; init; } = 50;
    /// <summary>LayerNorm (eps 1e-5) on node states before decoding.</summary>
    public bool LayerNorm { get; init; } = true;
    /// <summary>GHN-2's op-specific normalization of predicted tensors (fan-in scaling, 2σ(0.5p), tanh(0.2p)).</summary>
    public bool WeightNormalization { get; init; } = true;
    /// <summary>Classes of the target task; the classifier heads predict exactly this many rows.</summary>
    public int Classes { get; init; } = 10;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Throws a <see cref="GhnQatException"/> (InvalidArgument) naming the first out-of-range field.</summary>
    public GhnConfig Validate()
    {
        // The same bounds as the trainer's config, so every file the trainer writes is accepted and nothing else.
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

    /// <summary>Compact JSON with snake_case keys (the checkpoint's metadata form).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses and validates <see cref="ToJson"/> output; any problem is a <see cref="GhnQatException"/>
    /// (InvalidFile) whose message starts with <paramref name="source"/>.</summary>
    public static GhnConfig FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
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
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidArgument)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{source}: {e.Message}", e);
        }
    }

    private static void Check(bool ok, string field, string expected, int value)
    {
        if (!ok) throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"GHN config field '{field}' is {value}; expected {expected}");
    }
}
