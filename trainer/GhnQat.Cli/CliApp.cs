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

    /// <summary>The footer of the root help: exit codes and the options every command shares (docs/cli.md).</summary>
    public const string ExitCodesHelp = """

        EXIT CODES:
            0     success
            2     bad input: an argument, file or spec the kit rejected (one "error: ..." line on stderr)
            70    internal error, or a check failed (parity mismatch, logits not exact, soak not flat or not clean)
            74    I/O error: a folder or file that cannot be created or written

        EVERY COMMAND:
            --help       its options and examples
            --json       (commands with a result) one JSON document on stdout, log lines on stderr
            --verbose    the stack trace of an error, after its one line

        Every command, its JSON keys and the exit codes: docs/cli.md

        """;

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
        string[] rest = args.Where(a => a != "--verbose").ToArray();
        try
        {
            int code = app.Run(rest);
            if (rest.Length == 0 || rest is ["-h" or "--help"]) Console.Out.Write(ExitCodesHelp);
            // Spectre answers a branch without its command ("ghnqat archs") with the branch's help and exit code 1.
            if (code == 1)
            {
                Console.Error.WriteLine($"error: '{string.Join(' ', rest)}' needs a command; the help above lists them");
                return ExitBadInput;
            }
            return code;
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
