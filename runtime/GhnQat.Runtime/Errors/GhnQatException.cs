// The one exception type of the kit (ONNX Runtime style): a code plus a message that names the file, node or field.
namespace GhnQat.Runtime.Errors;

/// <summary>Base of every error the kit raises on bad input or an unusable device.</summary>
public class GhnQatException : Exception
{
    /// <summary>Creates an exception with a code and a message naming what was wrong and what was expected.</summary>
    public GhnQatException(GhnQatErrorCode code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    /// <summary>What kind of failure this is.</summary>
    public GhnQatErrorCode Code { get; }
}
