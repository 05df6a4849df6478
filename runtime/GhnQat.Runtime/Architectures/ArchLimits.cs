// Caps that make absurd specs fail validation instead of exhausting memory or overflowing counts.
namespace GhnQat.Runtime.Architectures;

/// <summary>Upper bounds enforced by <see cref="ArchSpec"/> validation.</summary>
public static class ArchLimits
{
    /// <summary>Most nodes a spec may have (checked first, before any per-node work).</summary>
    public const int MaxNodes = 100_000;
    /// <summary>Most channels of any tensor: the top of GHN-2's channel vocabulary.</summary>
    public const int MaxChannels = 8192;
    /// <summary>Most channels of the input image.</summary>
    public const int MaxInputChannels = 64;
    /// <summary>Largest input height or width, pixels.</summary>
    public const int MaxInputSide = 4096;
    /// <summary>Largest conv or pool kernel side.</summary>
    public const int MaxKernel = 15;
    /// <summary>Largest stride.</summary>
    public const int MaxStride = 8;
    /// <summary>Largest dilation.</summary>
    public const int MaxDilation = 8;
    /// <summary>Most inputs of one add node.</summary>
    public const int MaxAddInputs = 1024;
    /// <summary>Most classes.</summary>
    public const int MaxClasses = 8192;
    /// <summary>Most learned parameters of a whole net.</summary>
    public const long MaxParameters = 1_000_000_000;
    /// <summary>Longest node id; ids use only letters, digits, '_' and '-'.</summary>
    public const int MaxIdLength = 64;
    /// <summary>Longest spec name.</summary>
    public const int MaxNameLength = 200;
}
