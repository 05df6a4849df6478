// Builds the ghnqat command tree (Spectre.Console.Cli) and turns errors into one clear line.
using GhnQat.Runtime.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GhnQat.Cli;

/// <summary>The ghnqat command application.</summary>
public static class CliApp
{
    /// <summary>Exit code for success.</summary>
    public const int ExitOk = 0;
    /// <summary>Exit code for bad input: a file, spec or argument the kit rejected.</summary>
    public const int ExitBadInput = 2;
    /// <summary>Exit code for a file-system failure: a folder that cannot be created or a file that cannot be written (sysexits EX_IOERR).</summary>
    public const int ExitIo = 74;
    /// <summary>Exit code for an unexpected internal failure.</summary>
    public const int ExitInternal = 70;

    /// <summary>Whether the current run asked for --verbose (a command that runs others in-process passes it on).</summary>
    internal static bool Verbose { get; private set; }

    /// <summary>Runs the CLI with the given arguments and returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        bool verbose = args.Contains("--verbose");
        Verbose = verbose;
        Output.Provenance.Arguments = args.Where(a => a != "--verbose").ToArray();
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("ghnqat");
            // Bind Spectre's console to the current Console.Out on every run (its static default keeps the first one).
            config.ConfigureConsole(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }));
            config.PropagateExceptions();
            config.SetInterceptor(new UnknownOptionInterceptor());
            Commands.Register(config);
        });
        try
        {
            return app.Run(args.Where(a => a != "--verbose").ToArray());
        }
        catch (GhnQatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitBadInput;
        }
        catch (CommandParseException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitBadInput;
        }
        catch (CommandRuntimeException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitBadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            if (verbose) Console.Error.WriteLine(e);
            return ExitIo;
        }
        catch (Exception e) when (!verbose)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message} (run with --verbose for the stack trace)");
            return ExitInternal;
        }
    }
}
