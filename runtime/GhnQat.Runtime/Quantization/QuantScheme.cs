// The bit widths of one deployment (design §4): weights and activations, with 8-bit first layer and classifier.
using System.Globalization;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Bit widths of a quantized network; every width is 8, 4 or 2. <see cref="FirstLayerBits"/> is the width of the
/// input image codes and of the weights of every conv that reads the image; <see cref="ClassifierBits"/> is the
/// width of the classifier's weights and of the tensor it reads. Every other weight uses <see cref="WeightBits"/>
/// and every other activation <see cref="ActivationBits"/>. Names: "w8a8", "w4a8", "w4a4", "w2a2" (any
/// w{8,4,2}a{8,4,2}), with "-f{b}" / "-c{b}" suffixes only when the first layer or classifier is not 8-bit.
/// </summary>
public sealed record QuantScheme
{
    /// <summary>Creates a scheme; throws <see cref="GhnQatErrorCode.InvalidArgument"/> for a width other than 8, 4, 2.</summary>
    public QuantScheme(int weightBits, int activationBits, int firstLayerBits = 8, int classifierBits = 8)
    {
        Check(weightBits, nameof(WeightBits));
        Check(activationBits, nameof(ActivationBits));
        Check(firstLayerBits, nameof(FirstLayerBits));
        Check(classifierBits, nameof(ClassifierBits));
        WeightBits = weightBits;
        ActivationBits = activationBits;
        FirstLayerBits = firstLayerBits;
        ClassifierBits = classifierBits;
    }

    /// <summary>8-bit weights, 8-bit activations.</summary>
    public static QuantScheme W8A8 { get; } = new(8, 8);
    /// <summary>4-bit weights, 8-bit activations.</summary>
    public static QuantScheme W4A8 { get; } = new(4, 8);
    /// <summary>4-bit weights, 4-bit activations.</summary>
    public static QuantScheme W4A4 { get; } = new(4, 4);
    /// <summary>2-bit weights ({−1, 0, 1}), 2-bit activations.</summary>
    public static QuantScheme W2A2 { get; } = new(2, 2);

    /// <summary>The four schemes the kit evaluates, in the order results tables list them.</summary>
    public static IReadOnlyList<QuantScheme> Standard { get; } = [W8A8, W4A8, W4A4, W2A2];

    /// <summary>Weight width of every conv and non-classifier linear except the first-layer convs.</summary>
    public int WeightBits { get; }
    /// <summary>Width of every activation tensor except the input image and the classifier's input.</summary>
    public int ActivationBits { get; }
    /// <summary>Width of the input image codes and of the weights of convs that read the image.</summary>
    public int FirstLayerBits { get; }
    /// <summary>Width of the classifier weights and of the tensor the classifier reads.</summary>
    public int ClassifierBits { get; }

    /// <summary>Canonical name, e.g. "w4a4", or "w4a4-f4-c4" when first layer and classifier follow the body.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"w{WeightBits}a{ActivationBits}")
        + (FirstLayerBits == 8 ? "" : string.Create(CultureInfo.InvariantCulture, $"-f{FirstLayerBits}"))
        + (ClassifierBits == 8 ? "" : string.Create(CultureInfo.InvariantCulture, $"-c{ClassifierBits}"));

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive); throws InvalidArgument otherwise.</summary>
    public static QuantScheme Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var scheme)) return scheme;
        throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"unknown quantization scheme '{name}'; expected w<8|4|2>a<8|4|2> with optional -f<bits> -c<bits>, e.g. w8a8, w4a8, w4a4, w2a2");
    }

    /// <summary>Parses a scheme name; false when it is not one <see cref="Name"/> can produce.</summary>
    public static bool TryParse(string? name, out QuantScheme scheme)
    {
        scheme = W8A8;
        if (name is null) return false;
        string[] parts = name.Trim().ToLowerInvariant().Split('-');
        if (parts[0].Length != 4 || parts[0][0] != 'w' || parts[0][2] != 'a') return false;
        int w = Digit(parts[0][1]), a = Digit(parts[0][3]), f = 8, c = 8;
        int next = 1;
        if (next < parts.Length && parts[next].Length == 2 && parts[next][0] == 'f') f = Digit(parts[next++][1]);
        if (next < parts.Length && parts[next].Length == 2 && parts[next][0] == 'c') c = Digit(parts[next++][1]);
        if (next != parts.Length || !IsWidth(w) || !IsWidth(a) || !IsWidth(f) || !IsWidth(c)) return false;
        scheme = new QuantScheme(w, a, f, c);
        // Reject spellings that name a default explicitly ("w4a4-f8"), so every scheme has exactly one name.
        return string.Equals(scheme.Name, name.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static int Digit(char c) => c is >= '0' and <= '9' ? c - '0' : -1;

    private static bool IsWidth(int bits) => bits is 8 or 4 or 2;

    private static void Check(int bits, string what)
    {
        if (!IsWidth(bits))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"{what} is {bits}; the contract supports 8, 4 or 2 bits");
    }
}
