// `ghnqat archs sample`: writes N specs of one split as canonical JSON files (byte-identical across runs).
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using Spectre.Console;
using Spectre.Console.Cli;

// Namespace GhnQat.Cli.Archs, not ...Commands.Archs: a namespace named Commands would clash with the Commands class.
namespace GhnQat.Cli.Archs;

/// <summary>Samples nets from the mobile CNN space and writes DIR/&lt;split&gt;-&lt;index:D5&gt;.json.</summary>
internal sealed class ArchsSampleCommand : Command<ArchsSampleCommand.Settings>
{
    /// <summary>Options of <c>archs sample</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        /// <summary>Split name.</summary>
        [CommandOption("-s|--split <SPLIT>")]
        [Description("Split: train, id, wide, deep, dense or bnfree.")]
        [DefaultValue("train")]
        public string Split { get; init; } = "train";

        /// <summary>Number of nets.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Number of nets to write (1..100000).")]
        [DefaultValue(10)]
        public int Count { get; init; } = 10;

        /// <summary>Sampling seed.</summary>
        [CommandOption("--seed <K>")]
        [Description("Seed; the same split, count and seed always give the same files.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        /// <summary>Output folder.</summary>
        [CommandOption("-o|--out <DIR>")]
        [Description("Output folder (created if missing).")]
        public string? Out { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (Count is < 1 or > 100_000) return ValidationResult.Error($"--count must be 1..100000, got {Count}");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            return ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var split = ArchSpace.ParseSplit(settings.Split);
        string dir = settings.Out!;
        Directory.CreateDirectory(dir);
        var specs = ArchSpace.Sample(split, settings.Count, settings.Seed);
        string name = ArchSpace.SplitName(split);
        var files = new string[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            files[i] = string.Create(CultureInfo.InvariantCulture, $"{name}-{i:D5}.json");
            specs[i].Save(Path.Combine(dir, files[i]));
        }
        using var json = JsonStdout.Begin(settings.Json);
        if (json.Enabled)
        {
            json.Print(new
            {
                split = name, count = specs.Count, seed = settings.Seed, out_dir = dir,
                files,
                parameters = new { min = specs.Min(s => s.ParameterCount), max = specs.Max(s => s.ParameterCount) },
                macs = new { min = specs.Min(s => s.Macs), max = specs.Max(s => s.Macs) },
                depth = new { min = specs.Min(s => s.Depth), max = specs.Max(s => s.Depth) },
            });
            return CliApp.ExitOk;
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {specs.Count} {name} nets (seed {settings.Seed}) to {dir}: params {specs.Min(s => s.ParameterCount)}..{specs.Max(s => s.ParameterCount)}, " +
            $"MACs {specs.Min(s => s.Macs)}..{specs.Max(s => s.Macs)}, depth {specs.Min(s => s.Depth)}..{specs.Max(s => s.Depth)}"));
        return CliApp.ExitOk;
    }
}
