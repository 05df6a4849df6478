// Rejects options no command declares: Spectre.Console.Cli passes them on as "remaining arguments" by default, so a
// typo such as --cuont would be ignored silently (its strict mode garbles missing-value errors, so it is not used).
using GhnQat.Runtime.Errors;
using Spectre.Console.Cli;

namespace GhnQat.Cli;

/// <summary>Runs before every command and fails on any option or argument the command did not bind.</summary>
internal sealed class UnknownOptionInterceptor : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        // Parsed holds unknown options by their spelling ("--frob"); Raw also holds anything after "--".
        string? unknown = context.Remaining.Parsed.Select(g => g.Key).Concat(context.Remaining.Raw).FirstOrDefault();
        if (unknown is not null)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"unknown option or argument '{unknown}' for '{context.Name}'; add --help to see its options");
        }
    }
}
