// `ghnqat golden`: the trainer's own predictions (TorchSharp) for fixed nets, saved for the runtime's parity tests.
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Networks;
using GhnQat.Trainer;
using GhnQat.Trainer.Evaluation;
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
    public sealed class Settings : CommandSettings
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

        [CommandOption("--seed <K>")]
        [Description("Seed of the sampled nets.")]
        [DefaultValue(7UL)]
        public ulong Seed { get; init; } = 7;

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Ghn) ? Spectre.Console.ValidationResult.Error("--ghn FILE is required") : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        TorchEnvironment.Initialize(threads: 1);
        var loaded = GhnCheckpoint.Load(s.Ghn!);
        using var model = loaded.Model;
        var specs = ArchSpace.Sample(ArchSplit.Id, s.Id, s.Seed)
            .Concat(ArchSpace.Sample(ArchSplit.Wide, 50, s.Seed).OrderBy(n => n.ParameterCount).Take(s.Wide))
            .Concat(ArchSpace.Sample(ArchSplit.BnFree, 50, s.Seed).OrderBy(n => n.ParameterCount).Take(s.BnFree));
        Directory.CreateDirectory(s.Out);
        var meta = Provenance.Metadata();
        meta["ghnqat.ghn_file"] = Path.GetFileName(s.Ghn!);
        int count = 0;
        foreach (var spec in specs)
        {
            using var scope = NewDisposeScope();
            var predicted = NetEvaluator.Predict(model, spec);
            var arrays = predicted.ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().data<float>().ToArray(), StringComparer.Ordinal);
            new FloatNetwork(spec, arrays).Save(Path.Combine(s.Out, spec.Name + ".safetensors"), meta);
            count++;
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {count} golden float networks predicted by {s.Ghn} to {s.Out}"));
        return CliApp.ExitOk;
    }
}
