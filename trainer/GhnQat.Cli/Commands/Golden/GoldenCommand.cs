// `ghnqat golden`: the trainer's own predictions (TorchSharp) for fixed nets, saved for the runtime's parity tests.
using System.ComponentModel;
using System.Globalization;
using System.IO.Compression;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Networks;
using GhnQat.Trainer;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Training;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace GhnQat.Cli.Golden;

/// <summary>
/// Writes OUT/&lt;net&gt;.safetensors (a FloatNetwork file: predicted tensors + ArchSpec) for the first nets of the
/// id split and the smallest nets (by parameters) of the wide and bnfree splits, so committed files stay small.
/// </summary>
internal sealed class GoldenCommand : Command<GoldenCommand.Settings>
{
    /// <summary>Options of <c>golden</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        [CommandOption("--ghn <FILE>")]
        [Description("GHN model or checkpoint written by train.")]
        public string? Ghn { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Output folder.")]
        [DefaultValue("tests/GhnQat.Runtime.Tests/Fixtures/golden-small")]
        public string Out { get; init; } = "tests/GhnQat.Runtime.Tests/Fixtures/golden-small";

        [CommandOption("--id <N>")]
        [Description("Nets of the id split (the first N of seed --seed).")]
        [DefaultValue(5)]
        public int Id { get; init; } = 5;

        [CommandOption("--wide <N>")]
        [Description("Smallest nets among the first 50 of the wide split.")]
        [DefaultValue(2)]
        public int Wide { get; init; } = 2;

        [CommandOption("--bnfree <N>")]
        [Description("Smallest nets among the first 50 of the bnfree split.")]
        [DefaultValue(2)]
        public int BnFree { get; init; } = 2;

        [CommandOption("--bits <LIST>")]
        [Description("Instead of float networks: deploy-protocol quantized networks at these schemes (e.g. w4a4,w2a2) " +
            "for the --id smallest of the first 50 id nets, plus every layer's codes for --images test images.")]
        public string? Bits { get; init; }

        [CommandOption("--images <N>")]
        [Description("With --bits: test images (the first N) whose per-layer codes are written.")]
        [DefaultValue(16)]
        public int Images { get; init; } = 16;

        [CommandOption("--data <DIR>")]
        [Description("With --bits: Fashion-MNIST folder (calibration = the first 512 training images).")]
        [DefaultValue(FashionMnist.DefaultFolder)]
        public string Data { get; init; } = FashionMnist.DefaultFolder;

        [CommandOption("--seed <K>")]
        [Description("Seed of the sampled nets.")]
        [DefaultValue(7UL)]
        public ulong Seed { get; init; } = 7;

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Ghn)) return Spectre.Console.ValidationResult.Error("--ghn FILE is required");
            if (Id is < 0 or > 50) return Spectre.Console.ValidationResult.Error("--id must be 0..50");
            if (Images is < 1 or > 1000) return Spectre.Console.ValidationResult.Error("--images must be 1..1000");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        using var json = JsonStdout.Begin(s.Json);
        TorchEnvironment.Initialize(threads: 1);
        // One thread: the predicted tensors, hence the golden files, must not depend on the machine's core count.
        var loaded = GhnCheckpoint.Load(s.Ghn!);
        using var model = loaded.Model;
        if (s.Bits is not null) return WriteQuantized(s, model, json);
        var specs = ArchSpace.Sample(ArchSplit.Id, s.Id, s.Seed)
            .Concat(ArchSpace.Sample(ArchSplit.Wide, 50, s.Seed).OrderBy(n => n.ParameterCount).Take(s.Wide))
            .Concat(ArchSpace.Sample(ArchSplit.BnFree, 50, s.Seed).OrderBy(n => n.ParameterCount).Take(s.BnFree));
        Directory.CreateDirectory(s.Out);
        var meta = Provenance.Metadata();
        meta["ghnqat.ghn_file"] = Path.GetFileName(s.Ghn!);
        var files = new List<string>();
        foreach (var spec in specs)
        {
            using var scope = NewDisposeScope();
            var predicted = NetEvaluator.Predict(model, spec);
            var arrays = predicted.ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().data<float>().ToArray(), StringComparer.Ordinal);
            files.Add(Path.Combine(s.Out, spec.Name + ".safetensors"));
            new FloatNetwork(spec, arrays).Save(files[^1], meta);
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {files.Count} golden float networks predicted by {s.Ghn} to {s.Out}"));
        if (json.Enabled) json.Print(new { ghn = s.Ghn, out_dir = s.Out, kind = "float", schemes = Array.Empty<string>(), images = 0, files });
        return CliApp.ExitOk;
    }

    /// <summary>
    /// The GHN-QAT golden files (docs/qat.md, "Golden files"): for each scheme and net, the deploy protocol's
    /// quantized network (OUT/&lt;net&gt;.&lt;scheme&gt;.qnet.safetensors) and, gzipped, the codes of every tensor and the
    /// logits for the first test images as the runtime's CpuReference computes them
    /// (OUT/&lt;net&gt;.&lt;scheme&gt;.codes.safetensors.gz; codes as U8/I8 where they fit, else I32).
    /// </summary>
    private static int WriteQuantized(Settings s, Ghn2 model, JsonStdout json)
    {
        var schemes = s.Bits!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(QuantScheme.Parse).ToArray();
        var specs = ArchSpace.Sample(ArchSplit.Id, 50, s.Seed).OrderBy(n => n.ParameterCount).Take(s.Id).ToArray();
        var calibration = FashionMnist.Load(DatasetSplit.Train, s.Data).CalibrationSubset();
        var test = FashionMnist.Load(DatasetSplit.Test, s.Data);
        var deployer = new DeployEvaluator(calibration, test, s.Images, TorchEnvironment.Threads);
        var images = new float[s.Images * test.ImageElements];
        test.Normalize(0, s.Images, images);
        Directory.CreateDirectory(s.Out);
        var meta = Provenance.Metadata();
        meta["ghnqat.ghn_file"] = Path.GetFileName(s.Ghn!);
        meta["ghnqat.golden_images"] = string.Create(CultureInfo.InvariantCulture, $"the first {s.Images} Fashion-MNIST test images");
        var files = new List<string>();
        foreach (var spec in specs)
        {
            using var scope = NewDisposeScope();
            var floatNet = DeployEvaluator.ToFloatNetwork(spec, NetEvaluator.Predict(model, spec));
            foreach (var scheme in schemes)
            {
                var quantized = DeployEvaluator.Quantize(floatNet, deployer.Calibrate(floatNet, scheme), scheme);
                string stem = Path.Combine(s.Out, $"{spec.Name}.{scheme.Name}");
                quantized.Save(stem + ".qnet.safetensors", meta);
                var run = new CpuReference(quantized).Run(images, s.Images, keepCodes: true);
                var writer = new SafetensorsWriter();
                foreach (var (key, value) in meta) writer.SetMetadata(key, value);
                writer.AddFloat32("logits", [s.Images, spec.Classes], run.Logits);
                foreach (var (id, codes) in run.Codes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    AddCodes(writer, "codes." + id, codes);
                using (var file = File.Create(stem + ".codes.safetensors.gz"))
                using (var gz = new GZipStream(file, CompressionLevel.SmallestSize))
                    writer.WriteTo(gz);
                files.Add(stem + ".qnet.safetensors");
                files.Add(stem + ".codes.safetensors.gz");
            }
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {files.Count / 2} golden quantized networks with the codes of {s.Images} test images, predicted by {s.Ghn}, to {s.Out}"));
        if (json.Enabled) json.Print(new { ghn = s.Ghn, out_dir = s.Out, kind = "quantized", schemes = schemes.Select(x => x.Name).ToArray(), images = s.Images, files });
        return CliApp.ExitOk;
    }

    private static void AddCodes(SafetensorsWriter writer, string name, int[] codes)
    {
        long[] shape = [codes.Length];
        int min = codes.Length == 0 ? 0 : codes.Min(), max = codes.Length == 0 ? 0 : codes.Max();
        if (min >= 0 && max <= byte.MaxValue) writer.AddUInt8(name, shape, codes.Select(c => (byte)c).ToArray());
        else if (min >= sbyte.MinValue && max <= sbyte.MaxValue) writer.AddInt8(name, shape, codes.Select(c => (sbyte)c).ToArray());
        else writer.AddInt32(name, shape, codes);
    }
}
