// Compares an execution of a quantized network (CPU reference, Vulkan) with the ORT oracle, tensor by tensor.
using System.Globalization;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Onnx;

/// <summary>
/// Parity counts between the ORT oracle (expected) and another execution (actual): codes of every quantized
/// tensor must be equal, logits equal bit for bit (the contract makes them identical, so there is no tolerance).
/// </summary>
public static class OrtParity
{
    /// <summary>Mismatches kept per tensor by default.</summary>
    public const int DefaultMaxExamples = 5;

    /// <summary>
    /// Compares a <see cref="CpuReference"/> run (made with <c>keepCodes: true</c>) of the same images with the
    /// ORT oracle's. See the general overload for positions and offsets.
    /// </summary>
    /// <exception cref="GhnQatException">The CPU run kept no codes, or lengths differ (InvalidArgument).</exception>
    public static ParityReport Compare(QuantizedNetwork network, OrtOracleResult expected, CpuReferenceResult actual,
        int imageOffset = 0, int maxExamples = DefaultMaxExamples)
    {
        ArgumentNullException.ThrowIfNull(actual);
        return Compare(network, expected, id => actual.Codes.TryGetValue(id, out var codes)
            ? codes
            : throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"parity of '{id}': the CPU reference result holds no codes for it (run it with keepCodes: true)"),
            actual.Logits, imageOffset, maxExamples);
    }

    /// <summary>
    /// Compares one batch. <paramref name="actualCodes"/> gives each tensor's codes by id, widened to int, batch
    /// first ([N, C, H, W] or [N, C]); <paramref name="actualLogits"/> is [N, classes]. Positions in the report
    /// count images from <paramref name="imageOffset"/>, so reports of consecutive batches merge cleanly.
    /// </summary>
    /// <exception cref="GhnQatException">A tensor or the logits have the wrong length (InvalidArgument).</exception>
    public static ParityReport Compare(QuantizedNetwork network, OrtOracleResult expected, Func<string, ReadOnlyMemory<int>> actualCodes,
        ReadOnlySpan<float> actualLogits, int imageOffset = 0, int maxExamples = DefaultMaxExamples)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actualCodes);
        var results = new List<TensorParity>(network.Tensors.Count + 1);
        foreach (var tensor in network.Tensors)
        {
            var ort = expected.Codes(tensor.Id);
            var mine = actualCodes(tensor.Id).Span;
            CheckLength(tensor.Id, ort.Length, mine.Length);
            results.Add(CompareCodes(tensor.Id, tensor.Shape, ort.ValueAt, mine, imageOffset, maxExamples));
        }
        results.Add(CompareLogits(expected.Logits, actualLogits, expected.Classes, imageOffset, maxExamples));
        return new ParityReport(results);
    }

    /// <summary>One tensor's codes, batch first: <paramref name="expected"/>(i) against <paramref name="actual"/>[i] (equal lengths).</summary>
    internal static TensorParity CompareCodes(string id, ActivationShape shape, Func<int, double> expected, ReadOnlySpan<int> actual,
        int imageOffset, int maxExamples)
    {
        var mismatches = new List<ParityMismatch>();
        long count = 0;
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected(i);
            if (e == actual[i]) continue;
            count++;
            worst = Math.Max(worst, Math.Abs(e - actual[i]));
            if (mismatches.Count < maxExamples) mismatches.Add(new ParityMismatch(i, Position(shape, i, imageOffset), e, actual[i]));
        }
        return new TensorParity(id, actual.Length, count, worst, mismatches);
    }

    /// <summary>The logits, [N, classes], bit for bit; throws InvalidArgument when the lengths differ.</summary>
    internal static TensorParity CompareLogits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int classes, int imageOffset, int maxExamples)
    {
        CheckLength(OnnxNames.Logits, expected.Length, actual.Length);
        var mismatches = new List<ParityMismatch>();
        long count = 0;
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            // Bit equality: the contract's last step is one float32 multiply on both sides.
            if (BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])) continue;
            count++;
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
            if (mismatches.Count < maxExamples)
                mismatches.Add(new ParityMismatch(i, Position(new ActivationShape(classes, 1, 1, IsVector: true), i, imageOffset), expected[i], actual[i]));
        }
        return new TensorParity(OnnxNames.Logits, actual.Length, count, worst, mismatches);
    }

    /// <summary>"n=… c=… y=… x=…" (or "n=… c=…" for vectors) of a flat batch-first index.</summary>
    internal static string Position(ActivationShape shape, long index, int imageOffset)
    {
        long perImage = shape.ElementCount;
        long n = index / perImage + imageOffset, rest = index % perImage;
        if (shape.IsVector) return string.Create(CultureInfo.InvariantCulture, $"n={n} c={rest}");
        long plane = (long)shape.Height * shape.Width;
        return string.Create(CultureInfo.InvariantCulture, $"n={n} c={rest / plane} y={rest % plane / shape.Width} x={rest % shape.Width}");
    }

    internal static void CheckLength(string id, int expected, int actual)
    {
        if (expected != actual)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"parity of '{id}': the reference has {expected} elements, the checked execution {actual}");
    }
}
