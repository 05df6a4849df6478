// The __metadata__ keys the kit writes into its artifacts (provenance and format version); see docs/formats.md.
namespace GhnQat.Runtime.IO;

/// <summary>
/// Names of the <c>__metadata__</c> entries that GhnQat.Edge artifacts carry. Values are strings (the format
/// allows nothing else); structured values such as metrics are JSON text.
/// </summary>
public static class SafetensorsMetadataKeys
{
    /// <summary>Artifact kind and version, e.g. "ghnqat.ghn/1"; readers reject kinds or versions they do not know.</summary>
    public const string Format = "ghnqat.format";

    /// <summary>Product and version that wrote the file, e.g. "GhnQat.Edge 0.1.0".</summary>
    public const string Producer = "ghnqat.producer";

    /// <summary>The exact command line that produced the artifact.</summary>
    public const string Command = "ghnqat.command";

    /// <summary>Git commit of the source tree that produced the artifact (with "-dirty" when it had changes).</summary>
    public const string Commit = "ghnqat.commit";

    /// <summary>Dataset the artifact was trained or calibrated on, e.g. "fashion-mnist".</summary>
    public const string Dataset = "ghnqat.dataset";

    /// <summary>Measured results as a JSON object text, e.g. {"top1": 0.912}.</summary>
    public const string Metrics = "ghnqat.metrics";

    /// <summary>UTC creation time in ISO 8601 round-trip form ("o").</summary>
    public const string CreatedUtc = "ghnqat.created_utc";
}
