// Entry point of ghnqat-fuzz: runs each chosen target for its time budget and prints one summary line per target.
using GhnQat.Fuzz;
using GhnQat.Fuzz.Targets;

var options = FuzzOptions.Parse(args, Console.Error);
if (options is null) return args.Contains("-h") || args.Contains("--help") ? 0 : 2;

// Targets that read paths get a scratch folder on tmpfs when there is one, so each run costs no disk I/O.
string scratchRoot = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
string scratch = Path.Combine(scratchRoot, $"ghnqat-fuzz-{Environment.ProcessId}");
Directory.CreateDirectory(scratch);
try
{
    int findings = 0;
    foreach (string name in options.Targets)
    {
        IFuzzTarget target = name switch
        {
            "safetensors" => new SafetensorsTarget(),
            "archspec" => new ArchSpecTarget(scratch),
            "idx" => new IdxTarget(scratch),
            _ => new CifarTarget(scratch),
        };
        var stats = new FuzzLoop(target, options, Console.Out).Run();
        Console.WriteLine(stats.Line());
        findings += stats.Findings;
    }
    return findings == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
