// Per-tensor parity of two executions of one quantized network (codes of every layer, then the logits).
using System.Globalization;
using System.Text;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// The outcome of <see cref="OrtParity"/>: one <see cref="TensorParity"/> per quantized tensor in network order,
/// the logits last. Immutable; <see cref="Merge"/> adds the counts of a later batch.
/// </summary>
public sealed class ParityReport
{
    /// <summary>Wraps per-tensor results (logits last).</summary>
    public ParityReport(IReadOnlyList<TensorParity> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Tensors = tensors.ToArray();
    }

    /// <summary>Per-tensor results in network order, the logits last.</summary>
    public IReadOnlyList<TensorParity> Tensors { get; }
    /// <summary>Elements compared over all tensors.</summary>
    public long Compared => Tensors.Sum(t => t.Compared);
    /// <summary>Mismatching elements over all tensors.</summary>
    public long Mismatches => Tensors.Sum(t => t.Mismatches);
    /// <summary>True when every tensor matched exactly.</summary>
    public bool IsExact => Tensors.All(t => t.IsExact);
    /// <summary>The first tensor in network order with a mismatch (where a divergence starts), or null.</summary>
    public TensorParity? FirstDivergence => Tensors.FirstOrDefault(t => !t.IsExact);

    /// <summary>
    /// Sums this report with one over later images of the same network: counts add, the max difference is the
    /// larger, and first mismatches keep this report's before <paramref name="later"/>'s, up to <paramref name="maxExamples"/>.
    /// </summary>
    public ParityReport Merge(ParityReport later, int maxExamples = OrtParity.DefaultMaxExamples)
    {
        ArgumentNullException.ThrowIfNull(later);
        if (!Tensors.Select(t => t.TensorId).SequenceEqual(later.Tensors.Select(t => t.TensorId)))
            throw new ArgumentException("reports cover different tensors; merge reports of one network only", nameof(later));
        return new ParityReport(Tensors.Zip(later.Tensors, (a, b) => new TensorParity(a.TensorId, a.Compared + b.Compared,
            a.Mismatches + b.Mismatches, Math.Max(a.MaxAbsDifference, b.MaxAbsDifference),
            a.FirstMismatches.Concat(b.FirstMismatches).Take(maxExamples).ToArray())).ToArray());
    }

    /// <summary>
    /// Plain-text table, one line per tensor (id, compared, mismatches, max |diff|), then the first mismatches of
    /// the first diverging tensor; ends with a summary line.
    /// </summary>
    public string ToText()
    {
        var text = new StringBuilder();
        int width = Math.Max(6, Tensors.Select(t => t.TensorId.Length).DefaultIfEmpty(0).Max());
        text.AppendLine(CultureInfo.InvariantCulture, $"{"tensor".PadRight(width)}  {"compared",10}  {"mismatches",10}  {"max |diff|",10}");
        foreach (var t in Tensors)
            text.AppendLine(CultureInfo.InvariantCulture, $"{t.TensorId.PadRight(width)}  {t.Compared,10}  {t.Mismatches,10}  {t.MaxAbsDifference,10:G4}");
        if (FirstDivergence is { } first)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"first divergence: '{first.TensorId}'");
            foreach (var m in first.FirstMismatches)
                text.AppendLine(CultureInfo.InvariantCulture, $"  [{m.Position}] expected {m.Expected:R}, got {m.Actual:R}");
        }
        text.Append(CultureInfo.InvariantCulture, $"{(IsExact ? "exact" : "MISMATCH")}: {Mismatches} of {Compared} elements differ over {Tensors.Count} tensors");
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToText();
}
