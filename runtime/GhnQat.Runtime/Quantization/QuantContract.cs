// The numerics contract (design §4, docs/quantization.md) as code: ranges, scales, codes, multipliers and the
// requantization formulas. The quantizer, CpuReference, the ONNX oracle and the trainer call these, never re-derive them.
namespace GhnQat.Runtime.Quantization;

/// <summary>
/// Every formula of the quantization contract. Host-side quantities (scales, multipliers, float32 biases, weight
/// codes) are computed in double from float32 inputs and rounded once to their stored type; device-side formulas
/// (<see cref="Requantize"/>, <see cref="RequantizeSum"/>, <see cref="QuantizeInput"/>, <see cref="Logit"/>) use
/// exactly one float32 multiply per term, float32 adds left to right, no fused multiply-add, round half to even.
/// </summary>
public static class QuantContract
{
    /// <summary>Smallest activation range used for a scale, so an all-zero tensor still has a positive scale.</summary>
    public const double MinRange = 1e-8;

    // Smallest positive normal float32, 2^−126.
    private const double MinNormalFloat = 1.1754943508222875e-38;

    /// <summary>Largest code: 2^(b−1) − 1 signed (narrow range, symmetric), 2^b − 1 unsigned.</summary>
    public static int QMax(int bits, bool isSigned)
    {
        CheckBits(bits);
        return isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /// <summary>Smallest code: −<see cref="QMax"/> signed (never −2^(b−1)), 0 unsigned.</summary>
    public static int QMin(int bits, bool isSigned) => isSigned ? -QMax(bits, isSigned) : 0;

    /// <summary>Round half to even in float32 (GLSL roundEven, ONNX Round, torch.round).</summary>
    public static float RoundEven(float value) => MathF.Round(value, MidpointRounding.ToEven);

    /// <summary>Activation scale s = float32(max(range, 1e-8) / qmax), the division done in double.</summary>
    public static float ActivationScale(double range, int bits, bool isSigned)
    {
        if (!double.IsFinite(range) || range < 0)
            throw new ArgumentOutOfRangeException(nameof(range), range, "An activation range must be finite and ≥ 0.");
        return (float)(Math.Max(range, MinRange) / QMax(bits, isSigned));
    }

    /// <summary>
    /// Per-channel weight scale s_w = float32(maxAbs / qmax) in double; 1 when that is not a positive normal
    /// float32 (an all-zero channel, or one so small that its codes would all be 0 anyway).
    /// </summary>
    public static float WeightScale(double maxAbs, int bits)
    {
        double s = maxAbs / QMax(bits, true);
        return s >= MinNormalFloat && double.IsFinite(s) ? (float)s : 1f;
    }

    /// <summary>Weight code q = clamp(roundEven(w / s_w), −qmax, qmax) in double, with the stored float32 s_w.</summary>
    public static int WeightCode(double weight, float scale, int bits)
    {
        int qmax = QMax(bits, true);
        double q = Math.Round(weight / scale, MidpointRounding.ToEven);
        return (int)Math.Clamp(q, -qmax, qmax);
    }

    /// <summary>Conv/linear requant multiplier M_c = float32(s_x · s_w[c] / s_y) in double.</summary>
    public static float ConvMultiplier(float inputScale, float weightScale, float outputScale) =>
        (float)((double)inputScale * weightScale / outputScale);

    /// <summary>Classifier multiplier M_c = float32(s_x · s_w[c]) in double (logits stay float).</summary>
    public static float ClassifierMultiplier(float inputScale, float weightScale) =>
        (float)((double)inputScale * weightScale);

    /// <summary>Add multiplier M_i = float32(s_i / s_y) in double.</summary>
    public static float AddMultiplier(float inputScale, float outputScale) => (float)((double)inputScale / outputScale);

    /// <summary>Pool multiplier M = float32(s_in / (count · s_out)) in double; count = k² (avg pool) or H·W (gap).</summary>
    public static float PoolMultiplier(float inputScale, long count, float outputScale) =>
        (float)((double)inputScale / ((double)count * outputScale));

    /// <summary>
    /// Largest |acc| a conv or linear can reach: <paramref name="reduction"/> (in/groups·k·k) × qmax_x × qmax_w.
    /// The quantizer rejects a layer where this exceeds int32, so the accumulator never overflows.
    /// </summary>
    public static long AccumulatorBound(long reduction, int inputBits, bool inputSigned, int weightBits) =>
        reduction * QMax(inputBits, inputSigned) * QMax(weightBits, true);

    /// <summary>
    /// Conv bias in output-code units: float32(b' / s_y) in double (docs/quantization.md §5). Kept in float32 rather
    /// than rounded to accumulator units, because at 2–4 bits one accumulator unit can be most of an output step
    /// (docs/decisions/float-bias.md).
    /// </summary>
    public static float ConvBias(double foldedBias, float outputScale) => (float)(foldedBias / outputScale);

    /// <summary>Classifier bias in logit units: float32(b) (the logits are float).</summary>
    public static float ClassifierBias(double bias) => (float)bias;

    /// <summary>
    /// The one requant formula: clamp(roundEven(float32(acc) × M + bias), lo, hi) — one float32 multiply, then one
    /// float32 add, never fused.
    /// </summary>
    public static int Requantize(int accumulator, float multiplier, float bias, int lo, int hi)
    {
        float product = (float)accumulator * multiplier;
        float sum = product + bias;
        return ClampToCode(RoundEven(sum), lo, hi);
    }

    /// <summary>Pools: clamp(roundEven(float32(sum) × M), lo, hi) — the requant formula without a bias.</summary>
    public static int Requantize(int sum, float multiplier, int lo, int hi)
    {
        float product = (float)sum * multiplier;
        return ClampToCode(RoundEven(product), lo, hi);
    }

    /// <summary>
    /// Add: clamp(roundEven(float32(q_0)·M_0 + float32(q_1)·M_1 + …), lo, hi), each product one float32 multiply,
    /// the sum accumulated in float32 left to right starting from the first product.
    /// </summary>
    public static int RequantizeSum(ReadOnlySpan<int> codes, ReadOnlySpan<float> multipliers, int lo, int hi)
    {
        float sum = (float)codes[0] * multipliers[0];
        for (int i = 1; i < codes.Length; i++)
        {
            float term = (float)codes[i] * multipliers[i];
            sum += term;
        }
        return ClampToCode(RoundEven(sum), lo, hi);
    }

    /// <summary>Input image: clamp(roundEven(x × invScale), −qmax, qmax), one float32 multiply.</summary>
    public static int QuantizeInput(float x, float inverseScale, int qmax)
    {
        float product = x * inverseScale;
        return ClampToCode(RoundEven(product), -qmax, qmax);
    }

    /// <summary>Inverse input scale used by <see cref="QuantizeInput"/>: float32(1 / s_in) in double.</summary>
    public static float InverseScale(float scale) => (float)(1.0 / scale);

    /// <summary>Classifier logit: float32(acc) × M_c + bias_c (one multiply, then one add), no rounding, no clamp.</summary>
    public static float Logit(int accumulator, float multiplier, float bias)
    {
        float product = (float)accumulator * multiplier;
        return product + bias;
    }

    // Clamps in float before converting, so a huge or infinite product cannot overflow the int conversion.
    private static int ClampToCode(float rounded, int lo, int hi) =>
        rounded <= lo ? lo : rounded >= hi ? hi : (int)rounded;

    private static void CheckBits(int bits)
    {
        if (bits is not (8 or 4 or 2))
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "The contract supports 8, 4 or 2 bits.");
    }
}
