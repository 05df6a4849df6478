// The whole on-device chain for one net: ArchSpec → GHN → calibrate → quantize → pack, timed per stage.
using System.Diagnostics;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Deployment;

/// <summary>
/// Holds a loaded GHN and the app's calibration images (any unlabeled images of the input shape; default the first
/// 512 training images) and turns an ArchSpec into a deployable integer network (design §1). Immutable; one
/// instance can serve many nets, one call at a time per thread.
/// </summary>
public sealed class OnDevicePredictor
{
    private readonly ReadOnlyMemory<float> _images;
    private readonly int _count;

    /// <summary>
    /// <paramref name="calibrationImages"/> are normalized images, N × C × H × W row-major, with N =
    /// <paramref name="count"/>; the array is kept (not copied).
    /// </summary>
    public OnDevicePredictor(Ghn ghn, ReadOnlyMemory<float> calibrationImages, int count, ActivationShape imageShape)
    {
        ArgumentNullException.ThrowIfNull(ghn);
        if (count < 1) throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"calibration needs at least 1 image, got {count}");
        if (calibrationImages.Length != (long)count * imageShape.ElementCount)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"calibration images hold {calibrationImages.Length} values; {count} images of {imageShape} need {(long)count * imageShape.ElementCount}");
        Ghn = ghn;
        _images = calibrationImages;
        _count = count;
        ImageShape = imageShape;
    }

    /// <summary>The GHN.</summary>
    public Ghn Ghn { get; }
    /// <summary>Shape of one calibration image.</summary>
    public ActivationShape ImageShape { get; }
    /// <summary>Which net calibration measures (default: the quantized net, as QAT trained it).</summary>
    public CalibrationMode Calibration { get; init; } = CalibrationMode.QuantizationAware;

    /// <summary>Predicts, calibrates, quantizes with <paramref name="scheme"/> (null = float only) and packs.</summary>
    public OnDevicePrediction Predict(ArchSpec spec, QuantScheme? scheme)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Input != ImageShape)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"net '{spec.Name}' reads images of {spec.Input}, the calibration images are {ImageShape}");
        var clock = Stopwatch.StartNew();
        var net = Ghn.Predict(spec);
        double ghn = Lap(clock);
        if (scheme is null) return new OnDevicePrediction(net, null, [], new PredictionTimings(ghn, 0, 0, 0));
        var calibration = Calibrator.CalibrateForDeployment(net, scheme, _images, _count, Calibration);
        double calibrate = Lap(clock);
        var quantized = Quantizer.Quantize(net, calibration, scheme);
        double quantize = Lap(clock);
        var packed = quantized.ToWriter().ToArray();
        double pack = Lap(clock);
        return new OnDevicePrediction(net, quantized, packed, new PredictionTimings(ghn, calibrate, quantize, pack));
    }

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
