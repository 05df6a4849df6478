// Thread-safe sink for validation-layer messages: counts errors and warnings and keeps the most recent lines.
// The debug-utils callback may fire on any thread the driver uses, so every member takes the lock.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Counts validation errors and warnings and keeps the last <c>capacity</c> messages.</summary>
internal sealed class ValidationMessageLog(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _recent = new();
    private int _errors;
    private int _warnings;

    public int ErrorCount
    {
        get { lock (_gate) { return _errors; } }
    }

    public int WarningCount
    {
        get { lock (_gate) { return _warnings; } }
    }

    public void Add(bool isError, string message)
    {
        lock (_gate)
        {
            if (isError)
            {
                _errors++;
            }
            else
            {
                _warnings++;
            }

            _recent.Enqueue((isError ? "[error] " : "[warning] ") + message);
            while (_recent.Count > capacity)
            {
                _recent.Dequeue();
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _recent];
        }
    }
}
