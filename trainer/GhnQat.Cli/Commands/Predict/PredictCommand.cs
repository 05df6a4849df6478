// `ghnqat predict`: on-device weight prediction with the C# runtime: GHN → float net → calibrate → quantize → pack.
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Deployment;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Quantization;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Predict;

/// <summary>Writes a quantized (or float) network file for one ArchSpec, using only the runtime (no torch).</summary>
internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    /// <summary>Options of <c>predict</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILE>")]
        [Description("GHN model file (.safetensors) written by train or finetune.")]
        public string? Ghn { get; init; }

        [CommandOption("--arch <FILE>")]
        [Description("ArchSpec JSON of the net whose weights to predict.")]
        public string? Arch { get; init; }

        [CommandOption("--bits <SCHEME>")]
        [Description("w8a8, w4a8, w4a4, w2a2, or float (write the predicted float net).")]
        [DefaultValue("w4a4")]
        public string Bits { get; init; } = "w4a4";

        [CommandOption("--calib <N>")]
        [Description("Calibration images: the first N Fashion-MNIST training images.")]
        [DefaultValue(ImageDataset.DefaultCalibrationCount)]
        public int Calib { get; init; } = ImageDataset.DefaultCalibrationCount;

        [CommandOption("--calibrate-on <NET>")]
        [Description("quantized (the net as deployed, measured as QAT evaluates it) or float (the float net's statistics).")]
        [DefaultValue("quantized")]
        public string CalibrateOn { get; init; } = "quantized";

        [CommandOption("--data <DIR>")]
        [Description("Fashion-MNIST folder.")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        [CommandOption("-o|--out <FILE>")]
        [Description("Output network file (.safetensors); written atomically.")]
        public string? Out { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Ghn)) return Spectre.Console.ValidationResult.Error("--ghn FILE is required");
            if (string.IsNullOrWhiteSpace(Arch)) return Spectre.Console.ValidationResult.Error("--arch FILE is required");
            if (string.IsNullOrWhiteSpace(Out)) return Spectre.Console.ValidationResult.Error("--out FILE is required");
            if (Calib is < 1 or > 60_000) return Spectre.Console.ValidationResult.Error("--calib must be 1..60000");
            if (CalibrateOn is not ("quantized" or "float")) return Spectre.Console.ValidationResult.Error("--calibrate-on must be quantized or float");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        QuantScheme? scheme = s.Bits.Trim().Equals("float", StringComparison.OrdinalIgnoreCase) ? null : QuantScheme.Parse(s.Bits);
        var spec = ArchSpec.Load(s.Arch!);
        var ghn = Ghn.Load(s.Ghn!);
        var predictor = CalibrationSet.Predictor(ghn, s.Data, s.Calib,
            s.CalibrateOn == "float" ? CalibrationMode.FloatNet : CalibrationMode.QuantizationAware);
        var result = predictor.Predict(spec, scheme);
        var meta = Provenance.Metadata($"fashion-mnist train, first {s.Calib} images (calibration)");
        meta["ghnqat.ghn_file"] = Path.GetFileName(s.Ghn!);
        if (result.Quantized is null)
        {
            result.FloatNet.Save(s.Out!, meta);
        }
        else
        {
            result.Quantized.Save(s.Out!, meta);
        }
        var t = result.Timings;
        long bytes = new FileInfo(s.Out!).Length;
        if (s.Json)
        {
            using var json = JsonStdout.Begin(enabled: true);
            json.Print(new
            {
                arch = spec.Name, parameters = spec.ParameterCount, scheme = scheme?.Name ?? "float", out_file = s.Out, bytes,
                calibration_images = s.Calib, ghn_file = s.Ghn,
                timings_ms = new { ghn = t.GhnMs, calibrate = t.CalibrateMs, quantize = t.QuantizeMs, pack = t.PackMs, total = t.TotalMs },
            });
            return CliApp.ExitOk;
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{spec.Name}: {spec.ParameterCount} parameters predicted{(scheme is null ? "" : $", quantized {scheme.Name}")} → {s.Out} " +
            $"({bytes} bytes)"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"time: GHN {t.GhnMs:F1} ms, calibrate {t.CalibrateMs:F1} ms ({s.Calib} images), quantize {t.QuantizeMs:F1} ms, pack {t.PackMs:F1} ms, total {t.TotalMs:F1} ms"));
        return CliApp.ExitOk;
    }
}
