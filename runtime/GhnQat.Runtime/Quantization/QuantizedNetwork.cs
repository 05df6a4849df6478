// An immutable integer network (design §4, §6): the ArchSpec, the scheme, every quantized tensor and the fused
// integer layers in execution order. Built by Quantizer, saved and loaded as packed safetensors.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// A quantized network. The constructor checks everything against the spec's deployment plan (fusion, wiring,
/// shapes, widths, signedness, code ranges, multipliers recomputed from the scales, int32 overflow bounds), so an
/// instance is always executable; a violation throws <see cref="GhnQatException"/> naming the layer or tensor.
/// Input images are quantized as codes = clamp(roundEven(x × <see cref="InputInvScale"/>), −qmax, qmax).
/// </summary>
public sealed class QuantizedNetwork
{
    /// <summary>Value of the <see cref="SafetensorsMetadataKeys.Format"/> key in a saved quantized network.</summary>
    public const string FormatName = "ghnqat.quantized-network/2";

    private readonly Dictionary<string, QuantTensorInfo> _tensorById;

    /// <summary>Validates and creates a network; <paramref name="source"/> names it in error messages.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="scheme">The bit widths.</param>
    /// <param name="tensors">The image tensor ("input") first, then every layer output except the logits, in layer order.</param>
    /// <param name="layers">Integer layers in execution order, the classifier last.</param>
    /// <param name="source">Where the network came from (a file path, or "&lt;memory&gt;").</param>
    public QuantizedNetwork(ArchSpec spec, QuantScheme scheme, IReadOnlyList<QuantTensorInfo> tensors,
        IReadOnlyList<QLayer> layers, string source = "<memory>")
        : this(spec, scheme, tensors, layers, source, GhnQatErrorCode.InvalidArgument)
    {
    }

    // errorCode: InvalidArgument for networks built in code, InvalidFile for networks read from a file.
    internal QuantizedNetwork(ArchSpec spec, QuantScheme scheme, IReadOnlyList<QuantTensorInfo> tensors,
        IReadOnlyList<QLayer> layers, string source, GhnQatErrorCode errorCode)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(layers);
        Spec = spec;
        Scheme = scheme;
        Tensors = tensors.ToArray();
        Layers = layers.ToArray();
        QuantizedNetworkValidator.Validate(this, QuantPlan.Build(spec, scheme), source, errorCode);
        _tensorById = Tensors.ToDictionary(t => t.Id, StringComparer.Ordinal);
        InputInvScale = QuantContract.InverseScale(InputScale);
    }

    /// <summary>The architecture.</summary>
    public ArchSpec Spec { get; }
    /// <summary>The bit widths.</summary>
    public QuantScheme Scheme { get; }
    /// <summary>Every quantized tensor: the image first, then layer outputs in layer order.</summary>
    public IReadOnlyList<QuantTensorInfo> Tensors { get; }
    /// <summary>Integer layers in execution (topological) order; the last is the classifier.</summary>
    public IReadOnlyList<QLayer> Layers { get; }
    /// <summary>The classifier (the last layer).</summary>
    public QLinearLayer Classifier => (QLinearLayer)Layers[^1];
    /// <summary>The image tensor.</summary>
    public QuantTensorInfo Input => Tensors[0];
    /// <summary>Scale of the image codes (float32).</summary>
    public float InputScale => Tensors[0].Scale;
    /// <summary>float32(1 / <see cref="InputScale"/>) computed in double: the one multiplier of input quantization.</summary>
    public float InputInvScale { get; }

    /// <summary>The tensor with id <paramref name="id"/>; throws InvalidArgument when there is none.</summary>
    public QuantTensorInfo Tensor(string id) => _tensorById.TryGetValue(id, out var t)
        ? t
        : throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"no quantized tensor '{id}' in network '{Spec.Name}'");

    /// <summary>Whether a quantized tensor has id <paramref name="id"/>.</summary>
    public bool ContainsTensor(string id) => _tensorById.ContainsKey(id);

    /// <summary>Writes the packed network as one safetensors file, atomically (layout: docs/quantization.md §9).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) => ToWriter(metadata).Save(path);

    /// <summary>The safetensors writer <see cref="Save"/> uses (for in-memory round trips).</summary>
    public SafetensorsWriter ToWriter(IReadOnlyDictionary<string, string>? metadata = null) =>
        QuantizedNetworkFile.ToWriter(this, metadata);

    /// <summary>Reads a file written by <see cref="Save"/>; anything inconsistent is InvalidFile naming the field.</summary>
    public static QuantizedNetwork Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return Read(file);
    }

    /// <summary>Reads a quantized network from an open safetensors file.</summary>
    public static QuantizedNetwork Read(SafetensorsFile file) => QuantizedNetworkFile.Read(file);

    /// <inheritdoc />
    public override string ToString() => $"{Spec.Name} {Scheme.Name}: {Layers.Count} layers, {Tensors.Count} tensors";
}
