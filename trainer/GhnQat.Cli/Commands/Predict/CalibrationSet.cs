// The default calibration images (first N Fashion-MNIST training images, normalized) and a predictor over them.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Deployment;
using GhnQat.Runtime.Hypernet;

namespace GhnQat.Cli.Predict;

/// <summary>Builds an <see cref="OnDevicePredictor"/> from a dataset folder.</summary>
internal static class CalibrationSet
{
    /// <summary>The first <paramref name="count"/> training images of the Fashion-MNIST in <paramref name="folder"/>.</summary>
    public static OnDevicePredictor Predictor(Ghn ghn, string folder, int count, CalibrationMode mode = CalibrationMode.QuantizationAware)
    {
        var calibration = FashionMnist.Load(DatasetSplit.Train, folder).CalibrationSubset(count);
        var pixels = new float[calibration.Count * calibration.ImageElements];
        calibration.Normalize(0, calibration.Count, pixels);
        return new OnDevicePredictor(ghn, pixels, calibration.Count,
            new ActivationShape(calibration.Channels, calibration.Height, calibration.Width)) { Calibration = mode };
    }
}
