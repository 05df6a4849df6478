// Runs the ghnqat CLI in-process with Console.Out/Error captured (tests that use it are NonParallelizable).
using GhnQat.Cli;

namespace GhnQat.Trainer.Tests.Cli;

/// <summary>In-process CLI runs for tests.</summary>
internal static class CliRunner
{
    /// <summary>Exit code, stdout and stderr of <c>ghnqat args…</c>.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            return (CliApp.Run(args), o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
