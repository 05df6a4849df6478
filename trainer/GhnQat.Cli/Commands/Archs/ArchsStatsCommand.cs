// `ghnqat archs stats`: measures parameter, MAC, depth and width ranges per split (the table in docs/architectures.md).
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
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
    public sealed class Settings : JsonSettings
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
        var rows = new List<Row>();
        foreach (var split in splits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var specs = ArchSpace.Sample(split, settings.Count, settings.Seed);
            var graphNodes = specs.Select(s => (long)ArchGraph.Build(s, maxVirtualEdgeLength: 1).Nodes.Count).ToArray();
            var widths = specs.Select(s => (long)s.Nodes.Where(n => n.Op == ArchOp.Conv).Max(n => n.Out)).ToArray();
            rows.Add(new Row(ArchSpace.SplitName(split), specs.Count, Spread.Of(specs.Select(s => s.ParameterCount)), Spread.Of(specs.Select(s => s.Macs)),
                Spread.Of(specs.Select(s => (long)s.Depth)), Spread.Of(widths), Spread.Of(graphNodes)));
        }
        if (settings.Json)
        {
            using var json = JsonStdout.Begin(enabled: true);
            json.Print(new { count = settings.Count, seed = settings.Seed, splits = rows });
            return CliApp.ExitOk;
        }
        var o = Console.Out;
        o.WriteLine("| split | nets | params min / median / max | MACs min / median / max | depth | widest conv | graph nodes |");
        o.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Split} | {r.Nets} | {Range(r.Parameters)} | {Range(r.Macs)} | {r.Depth.Min}–{r.Depth.Max} | {r.WidestConv.Min}–{r.WidestConv.Max} | {r.GraphNodes.Min}–{r.GraphNodes.Max} |"));
        }
        return CliApp.ExitOk;
    }

    /// <summary>One table row (one JSON element of "splits").</summary>
    private sealed record Row(string Split, int Nets, Spread Parameters, Spread Macs, Spread Depth, Spread WidestConv, Spread GraphNodes);

    /// <summary>Minimum, median (upper median for an even count) and maximum.</summary>
    private sealed record Spread(long Min, long Median, long Max)
    {
        public static Spread Of(IEnumerable<long> values)
        {
            var sorted = values.Order().ToArray();
            return new Spread(sorted[0], sorted[sorted.Length / 2], sorted[^1]);
        }
    }

    private static string Range(Spread s) => $"{Short(s.Min)} / {Short(s.Median)} / {Short(s.Max)}";

    // 12.3K, 4.56M: three significant digits keep the table readable.
    private static string Short(long v) => v switch
    {
        >= 1_000_000 => (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "K",
        _ => v.ToString(CultureInfo.InvariantCulture),
    };
}
