// Small helpers shared by the benchmark and report commands: medians and the machine's CPU name.
namespace GhnQat.Cli.Output;

/// <summary>Statistics and machine facts for benchmark reports.</summary>
internal static class Measure
{
    /// <summary>Median of the values (NaN when empty).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>The CPU model from /proc/cpuinfo ("unknown" when unreadable).</summary>
    public static string CpuName()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
