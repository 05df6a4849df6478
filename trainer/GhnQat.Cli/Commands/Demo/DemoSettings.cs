// Options of `ghnqat demo`: which shipped GHNs, which nets, how many images, which backend.
using System.ComponentModel;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Data;
using GhnQat.Runtime.Quantization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GhnQat.Cli.Demo;

/// <summary>Options of <c>demo</c>. The defaults keep the run within about 5 minutes on 2 cores.</summary>
internal sealed class DemoSettings : CommandSettings
{
    [CommandOption("--models <DIR>")]
    [Description("Folder of the shipped GHNs: ghn2-small.safetensors (fp32) and ghn2-qat-<bits>.safetensors.")]
    [DefaultValue("models")]
    public string Models { get; init; } = "models";

    [CommandOption("--bits <LIST>")]
    [Description("Comma-separated bit widths: fp32 (float GHN, CPU float executor) and schemes with a shipped GHN-QAT model.")]
    [DefaultValue("fp32,w4a8,w4a4,w2a2")]
    public string Bits { get; init; } = "fp32,w4a8,w4a4,w2a2";

    [CommandOption("--splits <LIST>")]
    [Description("Test splits the unseen nets come from.")]
    [DefaultValue("id,wide,deep,dense,bnfree")]
    public string Splits { get; init; } = "id,wide,deep,dense,bnfree";

    [CommandOption("--nets <N>")]
    [Description("Nets per split (ArchSpace.Sample(split, N, --seed)).")]
    [DefaultValue(1)]
    public int Nets { get; init; } = 1;

    [CommandOption("--seed <K>")]
    [Description("Seed of the sampled nets.")]
    [DefaultValue(2026UL)]
    public ulong Seed { get; init; } = 2026;

    [CommandOption("--max-mmacs <M>")]
    [Description("Skip sampled nets above M million multiply-accumulates per image (wide nets reach 1000 M; 0 = no cap). The default keeps the run short; the report says how many were skipped.")]
    [DefaultValue(40.0)]
    public double MaxMmacs { get; init; } = 40;

    [CommandOption("--images <N>")]
    [Description("Fashion-MNIST test images scored per net (10000 = the whole test set); every layer of each is checked against the CPU reference.")]
    [DefaultValue(500)]
    public int Images { get; init; } = 500;

    [CommandOption("--ort-images <N>")]
    [Description("Of those, the first N also checked layer by layer against ONNX Runtime.")]
    [DefaultValue(128)]
    public int OrtImages { get; init; } = 128;

    [CommandOption("--backend <NAME>")]
    [Description("auto (Vulkan on the best device, else the CPU reference with a message), vulkan (fail without it) or cpu.")]
    [DefaultValue("auto")]
    public string Backend { get; init; } = "auto";

    [CommandOption("--device <TEXT>")]
    [Description("Vulkan device whose name contains TEXT (default: discrete > integrated > virtual > CPU).")]
    public string? Device { get; init; }

    [CommandOption("--no-validation")]
    [Description("Run Vulkan without the Khronos validation layer (it is on by default when installed, and its messages are counted).")]
    public bool NoValidation { get; init; }

    [CommandOption("--no-trainer")]
    [Description("Skip the trainer's (TorchSharp) numbers for the same nets.")]
    public bool NoTrainer { get; init; }

    [CommandOption("--threads <N>")]
    [Description("CPU threads for the CPU reference and TorchSharp (0 = all cores).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    [CommandOption("-o|--out <DIR>")]
    [Description("Run folder (default runs/demo-<UTC time>).")]
    public string? Out { get; init; }

    [CommandOption("--data <DIR>")]
    [Description("Fashion-MNIST folder.")]
    [DefaultValue(FashionMnist.DefaultFolder)]
    public string Data { get; init; } = FashionMnist.DefaultFolder;

    [CommandOption("--json")]
    [Description("Print the result as JSON on stdout instead of the table (the report files are written either way).")]
    public bool Json { get; init; }

    /// <summary>Bit widths, lower case, in the given order.</summary>
    public string[] BitList => List(Bits);

    /// <summary>Split names, lower case, in the given order.</summary>
    public string[] SplitList => List(Splits);

    public override ValidationResult Validate()
    {
        if (Nets is < 1 or > 10_000) return ValidationResult.Error("--nets must be 1..10000");
        if (Images is < 1 or > 10_000) return ValidationResult.Error("--images must be 1..10000 (the Fashion-MNIST test set has 10000)");
        if (MaxMmacs < 0) return ValidationResult.Error("--max-mmacs must be ≥ 0 (0 = no cap)");
        if (OrtImages < 0) return ValidationResult.Error("--ort-images must be ≥ 0");
        if (Threads < 0) return ValidationResult.Error("--threads must be ≥ 0");
        if (Backend is not ("auto" or "vulkan" or "cpu")) return ValidationResult.Error($"--backend must be auto, vulkan or cpu, got '{Backend}'");
        if (BitList.Length == 0) return ValidationResult.Error("--bits lists nothing");
        foreach (string b in BitList)
        {
            if (b != DemoRunner.Fp32 && !QuantScheme.TryParse(b, out _)) return ValidationResult.Error($"--bits: '{b}' is neither fp32 nor a scheme (w8a8, w4a8, w4a4, w2a2)");
        }
        if (SplitList.Length == 0) return ValidationResult.Error("--splits lists nothing");
        foreach (string split in SplitList)
        {
            if (split == "train" || !ArchSpace.SplitNames.Contains(split))
                return ValidationResult.Error($"--splits: '{split}' is not a test split (id, wide, deep, dense, bnfree)");
        }
        return ValidationResult.Success();
    }

    private static string[] List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).Distinct().ToArray();
}
