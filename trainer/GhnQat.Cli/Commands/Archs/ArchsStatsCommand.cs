// `ghnqat archs stats`: measures parameter, MAC, depth and width ranges per split (the table in docs/architectures.md).
using System.ComponentModel;
using System.Globalization;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using Spectre.Console;
using Spectre.Console.Cli;

// Namespace GhnQat.Cli.Archs, not ...Commands.Archs: a namespace named Commands would clash with the Commands class.
namespace GhnQat.Cli.Archs;

/// <summary>Samples nets of every split (or one) and prints a Markdown table of their ranges.</summary>
internal sealed class ArchsStatsCommand : Command<ArchsStatsCommand.Settings>
{
    /// <summary>Options of <c>archs stats</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Split name, or all.</summary>
        [CommandOption("-s|--split <SPLIT>")]
        [Description("One split, or all of them when omitted.")]
        public string? Split { get; init; }

        /// <summary>Nets per split.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Nets per split (1..100000).")]
        [DefaultValue(1000)]
        public int Count { get; init; } = 1000;

        /// <summary>Sampling seed.</summary>
        [CommandOption("--seed <K>")]
        [Description("Seed, as for archs sample.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Count is < 1 or > 100_000 ? ValidationResult.Error($"--count must be 1..100000, got {Count}") : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var splits = settings.Split is null ? Enum.GetValues<ArchSplit>() : [ArchSpace.ParseSplit(settings.Split)];
        var o = Console.Out;
        o.WriteLine("| split | nets | params min / median / max | MACs min / median / max | depth | widest conv | graph nodes |");
        o.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var split in splits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var specs = ArchSpace.Sample(split, settings.Count, settings.Seed);
            var graphNodes = specs.Select(s => ArchGraph.Build(s, maxVirtualEdgeLength: 1).Nodes.Count).ToArray();
            var widths = specs.Select(s => s.Nodes.Where(n => n.Op == ArchOp.Conv).Max(n => n.Out)).ToArray();
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {ArchSpace.SplitName(split)} | {specs.Count} | {Range(specs.Select(s => s.ParameterCount))} | {Range(specs.Select(s => s.Macs))} | " +
                $"{specs.Min(s => s.Depth)}–{specs.Max(s => s.Depth)} | {widths.Min()}–{widths.Max()} | {graphNodes.Min()}–{graphNodes.Max()} |"));
        }
        return CliApp.ExitOk;
    }

    private static string Range(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return $"{Short(sorted[0])} / {Short(sorted[sorted.Length / 2])} / {Short(sorted[^1])}";
    }

    // 12.3K, 4.56M: three significant digits keep the table readable.
    private static string Short(long v) => v switch
    {
        >= 1_000_000 => (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "K",
        _ => v.ToString(CultureInfo.InvariantCulture),
    };
}
