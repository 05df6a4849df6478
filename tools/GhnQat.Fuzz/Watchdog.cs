// A background thread that notices when the current parse has run longer than the hang limit.
namespace GhnQat.Fuzz;

/// <summary>Polls ten times a second; calls <c>onHang</c> once with the input of a parse that outlived the limit.</summary>
internal sealed class Watchdog : IDisposable
{
    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly TimeSpan _limit;
    private readonly Action<byte[]> _onHang;
    private byte[]? _input;
    private long _startedAt;
    private volatile bool _stopped;

    public Watchdog(TimeSpan limit, Action<byte[]> onHang)
    {
        _limit = limit;
        _onHang = onHang;
        _thread = new Thread(Poll) { IsBackground = true, Name = "fuzz-watchdog" };
        _thread.Start();
    }

    public void Begin(byte[] input)
    {
        lock (_gate)
        {
            _input = input;
            _startedAt = Environment.TickCount64;
        }
    }

    public void End()
    {
        lock (_gate) _input = null;
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    private void Poll()
    {
        while (!_stopped)
        {
            Thread.Sleep(100);
            byte[]? stuck = null;
            lock (_gate)
            {
                // Twice the limit: a parse that merely ran slow finishes and is reported as "slow" with its time.
                if (_input is not null && Environment.TickCount64 - _startedAt > 2 * _limit.TotalMilliseconds) stuck = _input;
            }
            if (stuck is not null) _onHang(stuck);
        }
    }
}
