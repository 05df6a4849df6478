// JSON spellings of ArchOp and the attribute names each op accepts.
namespace GhnQat.Runtime.Architectures;

/// <summary>Maps <see cref="ArchOp"/> to and from its JSON name.</summary>
public static class ArchOps
{
    private static readonly (ArchOp Op, string Name)[] Table =
    [
        (ArchOp.Conv, "conv"), (ArchOp.BatchNorm, "bn"), (ArchOp.Relu, "relu"), (ArchOp.Relu6, "relu6"),
        (ArchOp.Add, "add"), (ArchOp.MaxPool, "maxpool"), (ArchOp.AvgPool, "avgpool"),
        (ArchOp.GlobalAvgPool, "gap"), (ArchOp.Linear, "linear"),
    ];

    /// <summary>Every JSON op name, in enum order.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The JSON name of <paramref name="op"/>, e.g. <c>"conv"</c>.</summary>
    public static string Name(ArchOp op)
    {
        foreach (var (o, n) in Table) if (o == op) return n;
        return op.ToString();
    }

    /// <summary>Parses a JSON op name; false when the name is unknown.</summary>
    public static bool TryParse(string name, out ArchOp op)
    {
        foreach (var (o, n) in Table)
        {
            if (string.Equals(n, name, StringComparison.Ordinal)) { op = o; return true; }
        }
        op = default;
        return false;
    }

    /// <summary>The attribute names (beyond id, op, inputs) that <paramref name="op"/> accepts, in canonical order.</summary>
    public static IReadOnlyList<string> Attributes(ArchOp op) => op switch
    {
        ArchOp.Conv => ["out", "k", "stride", "groups", "dilation", "bias"],
        ArchOp.MaxPool or ArchOp.AvgPool => ["k", "stride"],
        ArchOp.Linear => ["out", "bias"],
        _ => [],
    };

    /// <summary>True for ops that own learned parameters (conv, bn, linear).</summary>
    public static bool HasParameters(ArchOp op) => op is ArchOp.Conv or ArchOp.BatchNorm or ArchOp.Linear;
}
