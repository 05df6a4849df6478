// Runs one input through a target and classifies the result: accepted, rejected (with an error signature) or a finding.
using System.Diagnostics;
using System.Text.RegularExpressions;
using GhnQat.Runtime.Errors;

namespace GhnQat.Fuzz;

/// <summary>The verdict on one input; exactly one of <see cref="RejectSignature"/> and <see cref="Finding"/> may be set.</summary>
internal sealed partial record Execution(bool Accepted, string? RejectSignature, Finding? Finding)
{
    // Past this, an allocation is a finding: far beyond the input and any legitimate working set of these parsers.
    private const long AllocationFloorBytes = 64L << 20;
    private const long AllocationPerInputByte = 32;

    // Longest acceptable error message: the source name plus one readable line (the corpus tests allow 600 + path).
    private const int MaxMessageChars = 1024;

    public static Execution Of(IFuzzTarget target, byte[] input, TimeSpan hangLimit)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Execution result;
        try
        {
            target.Run(input);
            result = new Execution(true, null, null);
        }
        catch (GhnQatException e) when (e.Message.Length > MaxMessageChars)
        {
            // A rejection is still a finding when its message echoes the input: one error must stay one short line.
            // Deduplicated by the rule's opening words: the echoed text differs from input to input.
            string rule = Shape(e.Message);
            int cut = rule.IndexOfAny(['(', ':', '"', '\'']);
            return new Execution(false, null, new Finding("echo", $"echo {e.Code}: {rule[..(cut > 0 ? cut : Math.Min(40, rule.Length))].Trim()}",
                $"message of {e.Message.Length} chars: {e.Message[..300]}…"));
        }
        catch (GhnQatException e)
        {
            result = new Execution(false, ThrowSite(e), null);
        }
#pragma warning disable CA1031 // Any other exception type is exactly what the fuzzer looks for.
        catch (Exception e)
#pragma warning restore CA1031
        {
            string frame = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
            return new Execution(false, null, new Finding("crash", $"crash {e.GetType().FullName} {frame}", e.ToString()));
        }
        var elapsed = watch.Elapsed;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (elapsed > hangLimit)
            return result with { Finding = new Finding("slow", "slow", $"parse took {elapsed.TotalMilliseconds:F0} ms (limit {hangLimit.TotalMilliseconds:F0})") };
        if (allocated > AllocationFloorBytes + (AllocationPerInputByte * input.Length))
            return result with { Finding = new Finding("alloc", "alloc", $"parse allocated {allocated} bytes for a {input.Length}-byte input") };
        return result;
    }

    // Which rule rejected the input: the method and IL offset that threw, i.e. the throw statement itself. Cheaper and
    // steadier than message text, which quotes names that may hold any character.
    private static string ThrowSite(GhnQatException e)
    {
        while (e.InnerException is GhnQatException inner) e = inner;
        var frame = new StackTrace(e, fNeedFileInfo: false).GetFrame(0);
        var method = frame?.GetMethod();
        return method is null ? $"{e.Code}: {Shape(e.Message)}" : $"{e.Code} {method.DeclaringType?.Name}.{method.Name}+{frame!.GetILOffset()}";
    }

    // The message's template: the source name, numbers, quoted text and parenthesized detail removed, so one rule
    // gives one signature. JSON syntax errors collapse to one signature each: System.Text.Json's detail quotes input.
    private static string Shape(string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        string rule = colon >= 0 ? message[(colon + 2)..] : message;
        if (rule.StartsWith("bad JSON", StringComparison.Ordinal)) return "bad JSON";
        int detail = rule.IndexOf(" (", StringComparison.Ordinal);
        if (detail > 0) rule = rule[..detail];
        rule = Quoted().Replace(rule, "\"…\"");
        rule = Digits().Replace(Hex().Replace(rule, "0x#"), "#");
        return rule.Length <= 120 ? rule : rule[..120];
    }

    [GeneratedRegex("\"[^\"]*\"|'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex("0x[0-9A-Fa-f]+")]
    private static partial Regex Hex();

        [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
