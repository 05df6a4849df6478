// The result of predicting one net on the device: float net, integer net, packed bytes and the time each took.
using GhnQat.Runtime.Networks;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Deployment;

/// <summary>What <see cref="OnDevicePredictor.Predict"/> produced.</summary>
/// <param name="FloatNet">The GHN's float network.</param>
/// <param name="Quantized">The integer network (null when only the float net was asked for).</param>
/// <param name="Packed">The packed safetensors bytes of <paramref name="Quantized"/> (empty when null).</param>
/// <param name="Timings">Per-stage milliseconds.</param>
public sealed record OnDevicePrediction(FloatNetwork FloatNet, QuantizedNetwork? Quantized, byte[] Packed, PredictionTimings Timings);
