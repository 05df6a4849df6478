// Progress for long commands: a bar redrawn in place in a terminal, plus plain log lines that survive redirection.
using System.Diagnostics;
using System.Globalization;

namespace GhnQat.Cli.Output;

/// <summary>
/// Reports progress of N units of work. In a terminal a one-line bar with ETA is redrawn on stderr; every
/// <see cref="Log"/> call prints a plain line on stdout (what CI logs and pipes keep).
/// </summary>
internal sealed class ConsoleProgress
{
    private readonly int _total;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _terminal;
    private readonly int _startDone;
    private bool _barShown;

    public ConsoleProgress(string label, int total, int alreadyDone = 0, bool? terminal = null)
    {
        _terminal = terminal ?? !Console.IsErrorRedirected;
        _label = label;
        _total = Math.Max(1, total);
        _startDone = alreadyDone;
    }

    /// <summary>Where <see cref="Log"/> lines go (stdout by default; stderr when stdout carries JSON).</summary>
    public TextWriter Writer { get; init; } = Console.Out;

    /// <summary>
    /// Outside a terminal, <see cref="Update"/> prints one plain line at most this often (and at the last unit), so
    /// logs of long runs show progress; null (the default) leaves plain progress to the caller's own <see cref="Log"/>.
    /// </summary>
    public TimeSpan? PlainInterval { get; init; }

    private TimeSpan? _lastPlain;

    /// <summary>Redraws the bar (terminal only) after <paramref name="done"/> units.</summary>
    public void Update(int done, string detail)
    {
        if (!_terminal)
        {
            if (PlainInterval is not { } interval || (_lastPlain is { } last && _clock.Elapsed - last < interval && done < _total)) return;
            _lastPlain = _clock.Elapsed;
            Writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_label} {done}/{_total} {detail} ETA {Eta(done)}"));
            return;
        }
        double fraction = Math.Clamp(done / (double)_total, 0, 1);
        int filled = (int)(fraction * 30);
        string bar = new string('#', filled) + new string('.', 30 - filled);
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{_label} [{bar}] {fraction * 100,5:F1}% {done}/{_total} {detail} ETA {Eta(done)}   "));
        _barShown = true;
    }

    /// <summary>Prints one plain line (clearing the bar first in a terminal).</summary>
    public void Log(string line)
    {
        ClearBar();
        Writer.WriteLine(line);
    }

    /// <summary>Removes the bar so later output starts on a clean line.</summary>
    public void ClearBar()
    {
        if (!_barShown) return;
        Console.Error.Write("\r" + new string(' ', 150) + "\r");
        _barShown = false;
    }

    /// <summary>Remaining time estimated from the units done in this process.</summary>
    public string Eta(int done)
    {
        int since = done - _startDone;
        if (since <= 0) return "?";
        var left = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / since * (_total - done));
        return left.TotalHours >= 1 ? left.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : left.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
