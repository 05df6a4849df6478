// The GPU check's command line: one command word, then `--name value` options and `--flag` switches.
using System.Globalization;
using GhnQat.Runtime.Errors;

namespace GhnQat.DeviceCheck;

/// <summary>Parsed arguments; every getter names the option in its error (InvalidArgument).</summary>
internal sealed class CheckArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CheckArgs(IReadOnlyList<string> args)
    {
        Command = args.Count > 0 ? args[0] : "help";
        for (int i = 1; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"unexpected argument '{args[i]}'; options look like --name value");
            bool hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _options[args[i][2..]] = hasValue ? args[++i] : null;
        }
    }

    /// <summary>The command word (first argument).</summary>
    public string Command { get; }

    public bool Flag(string name)
    {
        _read.Add(name);
        if (_options.TryGetValue(name, out string? value) && value is not null)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"--{name} takes no value, got '{value}'");
        return _options.ContainsKey(name);
    }

    public string? Text(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out string? value)) return null;
        return value ?? throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"--{name} needs a value");
    }

    public string Required(string name) =>
        Text(name) ?? throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"{Command}: --{name} is required");

    public int Int(string name, int fallback, int min = 1)
    {
        string? text = Text(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"--{name} must be an integer ≥ {min}, got '{text}'");
        return value;
    }

    /// <summary>Throws when an option was given that the command never read (a typo, or the wrong command).</summary>
    public void RejectUnknown()
    {
        string? unknown = _options.Keys.FirstOrDefault(k => !_read.Contains(k));
        if (unknown is not null)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"{Command}: unknown option --{unknown}");
    }
}
