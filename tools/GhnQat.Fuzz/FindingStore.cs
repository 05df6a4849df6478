// Saves findings under artifacts/fuzz/<target>/findings/ after shrinking each input to a minimal reproducer.
using System.Security.Cryptography;

namespace GhnQat.Fuzz;

/// <summary>Deduplicates findings by signature, minimizes the input, and writes KIND-HASH.bin plus KIND-HASH.txt.</summary>
internal sealed class FindingStore(IFuzzTarget target, string folder, TimeSpan hangLimit, TextWriter log)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public int Count => _seen.Count;

    /// <summary>Records a finding once per signature; returns false for a signature already saved.</summary>
    public bool Add(byte[] input, Finding finding)
    {
        if (!_seen.Add(finding.Signature)) return false;
        // Hangs and allocations are judged by thresholds that a smaller input may no longer cross: keep those whole.
        byte[] minimal = finding.Kind == "crash" ? Minimize(input, finding.Signature) : input;
        Directory.CreateDirectory(folder);
        string name = $"{finding.Kind}-{Convert.ToHexStringLower(SHA256.HashData(minimal))[..12]}";
        File.WriteAllBytes(Path.Combine(folder, name + ".bin"), minimal);
        File.WriteAllText(Path.Combine(folder, name + ".txt"),
            $"target {target.Name}\nkind {finding.Kind}\nsignature {finding.Signature}\ninput {minimal.Length} bytes (from {input.Length})\n\n{finding.Details}\n");
        log.WriteLine($"FINDING {target.Name} {finding.Kind}: {finding.Signature} -> {Path.Combine(folder, name + ".bin")}");
        return true;
    }

    // Delta debugging: drop chunks (halves, quarters, … single bytes) while the same crash signature remains.
    private byte[] Minimize(byte[] input, string signature)
    {
        byte[] best = input;
        int budget = 5000;
        for (int chunk = Math.Max(1, best.Length / 2); chunk >= 1 && budget > 0; chunk /= 2)
        {
            for (int at = 0; at + chunk <= best.Length && budget > 0; budget--)
            {
                byte[] candidate = [.. best.AsSpan(0, at), .. best.AsSpan(at + chunk)];
                if (Execution.Of(target, candidate, hangLimit).Finding?.Signature == signature) best = candidate;
                else at += chunk;
            }
        }
        return best;
    }
}
