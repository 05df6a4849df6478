// Access to the SPIR-V modules embedded by build/Shaders.targets under "GhnQat.Shaders.<variant>.spv".
using System.Reflection;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>The compiled shader variants shipped inside the runtime assembly.</summary>
public static class ShaderLibrary
{
    /// <summary>Prefix of every embedded shader's logical name.</summary>
    public const string ResourcePrefix = "GhnQat.Shaders.";

    private const uint SpirvMagic = 0x07230203;
    private static readonly Assembly Owner = typeof(ShaderLibrary).Assembly;

    /// <summary>Variant names available (e.g. "pack_b4"), sorted.</summary>
    public static IReadOnlyList<string> Variants { get; } =
        [.. Owner.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".spv", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".spv".Length])
            .Order(StringComparer.Ordinal)];

    /// <summary>Logical resource name of a variant: "pack_b4" → "GhnQat.Shaders.pack_b4.spv".</summary>
    public static string ResourceName(string variant) => $"{ResourcePrefix}{variant}.spv";

    /// <summary>Reads the SPIR-V words of a variant (a fresh array; the caller owns it).</summary>
    /// <param name="variant">A variant name ("pack_b4") or a full logical name ("GhnQat.Shaders.pack_b4.spv").</param>
    /// <exception cref="GhnQatException">InvalidArgument naming the available variants when it is not embedded.</exception>
    public static uint[] LoadWords(string variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        string name = variant.StartsWith(ResourcePrefix, StringComparison.Ordinal) ? variant : ResourceName(variant);
        using Stream? stream = Owner.GetManifestResourceStream(name);
        if (stream is null)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"shader '{variant}' is not embedded in {Owner.GetName().Name}; available: {string.Join(", ", Variants)} " +
                "(declare variants in shaders/Shaders.props)");
        }

        if (stream.Length % 4 != 0 || stream.Length < 20)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"embedded shader '{name}' is {stream.Length} bytes: not SPIR-V");
        }

        var words = new uint[stream.Length / 4];
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
        if (words[0] != SpirvMagic)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"embedded shader '{name}' lacks the SPIR-V magic number");
        }

        return words;
    }
}
