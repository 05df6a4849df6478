// Command-line options of ghnqat-fuzz: which targets, for how long, which seed, where findings go.
using System.Globalization;

namespace GhnQat.Fuzz;

/// <summary>Parsed options; <see cref="Parse"/> returns null and prints usage for -h or a bad argument.</summary>
internal sealed record FuzzOptions(IReadOnlyList<string> Targets, TimeSpan DurationPerTarget, int Seed, string OutFolder,
    TimeSpan HangLimit)
{
    public static readonly string[] TargetNames = ["safetensors", "archspec", "idx", "cifar"];

    public const string Usage = """
        usage: ghnqat-fuzz [TARGET|all] [--minutes N | --seconds N] [--seed N] [--out DIR] [--hang-ms N]
          TARGET      safetensors, archspec, idx or cifar (default: all, one after the other)
          --minutes   minutes per target (default 2)
          --seed      seed of the mutation sequence (default 1; same seed, same inputs)
          --out       findings and summaries go to DIR/<target>/ (default artifacts/fuzz)
          --hang-ms   a single parse longer than this is a finding (default 2000)
        Any exception other than GhnQatException, a parse over the hang limit, or an allocation far beyond the
        input's size is a finding: saved, minimized, under DIR/<target>/findings/.
        """;

    public static FuzzOptions? Parse(string[] args, TextWriter error)
    {
        string target = "all";
        double seconds = 120;
        int seed = 1, hangMs = 2000;
        string outFolder = Path.Combine("artifacts", "fuzz");
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{a} needs a value");
            try
            {
                switch (a)
                {
                    case "-h" or "--help": error.WriteLine(Usage); return null;
                    case "--minutes": seconds = 60 * double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--out": outFolder = Next(); break;
                    case "--hang-ms": hangMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default:
                        if (a.StartsWith('-') || (a != "all" && !TargetNames.Contains(a)))
                            throw new FormatException($"unknown argument '{a}'");
                        target = a;
                        break;
                }
            }
            catch (FormatException e)
            {
                error.WriteLine($"error: {e.Message}\n{Usage}");
                return null;
            }
        }
        if (seconds <= 0 || hangMs <= 0)
        {
            error.WriteLine("error: --minutes/--seconds and --hang-ms must be positive");
            return null;
        }
        return new FuzzOptions(target == "all" ? TargetNames : [target], TimeSpan.FromSeconds(seconds), seed, outFolder,
            TimeSpan.FromMilliseconds(hangMs));
    }
}
