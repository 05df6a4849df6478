// Version and identity of the runtime, recorded in every artifact's provenance.
namespace GhnQat.Runtime;

/// <summary>Identity of the GhnQat.Edge runtime.</summary>
public static class RuntimeInfo
{
    /// <summary>Product name written into artifact metadata.</summary>
    public const string Product = "GhnQat.Edge";
}
