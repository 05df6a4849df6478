// The command tree: one AddBranch/AddCommand per noun. Each command lives in Commands/<Noun>/.
using Spectre.Console.Cli;

namespace GhnQat.Cli;

/// <summary>Registers every ghnqat command.</summary>
internal static class Commands
{
    public static void Register(IConfigurator config)
    {
    }
}
