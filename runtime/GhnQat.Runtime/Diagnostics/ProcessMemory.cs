// Resident memory of this process from /proc/self/statm (Linux), for soak tests that watch native memory too.
using System.Globalization;

namespace GhnQat.Runtime.Diagnostics;

/// <summary>Reads the process's resident memory.</summary>
public static class ProcessMemory
{
    private const string Statm = "/proc/self/statm";

    /// <summary>
    /// Resident bytes (statm field 2 × page size): managed heap, native allocations of the driver and the runtime,
    /// mapped files. −1 where /proc/self/statm does not exist (not Linux). Allocates a little (the file read).
    /// </summary>
    public static long ResidentBytes() => StatmBytes(1);

    /// <summary>
    /// The file-backed part of <see cref="ResidentBytes"/> (statm field 3: pages of mapped files and shared memory, e.g.
    /// the code of libraries touched for the first time). Resident − shared is the anonymous memory where leaks show.
    /// −1 where unavailable.
    /// </summary>
    public static long ResidentSharedBytes() => StatmBytes(2);

    private static long StatmBytes(int field)
    {
        if (!File.Exists(Statm)) return -1;
        // "size resident shared text lib data dt", in pages.
        string[] fields = File.ReadAllText(Statm).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > field && long.TryParse(fields[field], NumberStyles.None, CultureInfo.InvariantCulture, out long pages)
            ? pages * Environment.SystemPageSize
            : -1;
    }
}
