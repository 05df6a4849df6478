// Minimal inputs found by tools/GhnQat.Fuzz, kept as regression cases (one per finding, see docs/reliability.md).
using System.Text;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Tests.IO;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>Regression cases for fuzzer findings; each names the target and what went wrong before the fix.</summary>
internal static class FuzzFindingCorpus
{
    public static IEnumerable<HostileCase> Cases()
    {
        // safetensors, "echo": System.Text.Json quotes an invalid literal up to the end of its input, so a 100 MB
        // header made a 100 MB error line (fuzz seed 1, echo-20d754b71af7). Fixed by clipping the JSON message.
        string tail = new('x', 1_000_000);
        yield return new HostileCase("SafetensorsInvalidLiteralEchoesHeader", folder =>
        {
            string path = Path.Combine(folder, "literal.safetensors");
            File.WriteAllBytes(path, SafetensorsBytes.Build("{\"a\":t" + tail + "}", 0));
            return new HostileParse(() => SafetensorsFile.Open(path).Dispose(), path);
        }, GhnQatErrorCode.InvalidFile, "header is not valid JSON ('txxxx");

        // archspec, "echo": the same System.Text.Json message through ArchSpec.Load (echo-68d519d1d3ac).
        yield return new HostileCase("ArchSpecInvalidLiteralEchoesFile", folder =>
        {
            string path = Path.Combine(folder, "literal.json");
            File.WriteAllText(path, "{\"schema\": f" + tail + "}", new UTF8Encoding(false));
            return new HostileParse(() => ArchSpec.Load(path), path);
        }, GhnQatErrorCode.InvalidArchSpec, "bad JSON at line 1, position 13: 'fxxxx");
    }
}
