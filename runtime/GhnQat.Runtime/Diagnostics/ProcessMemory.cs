// Resident memory of this process from /proc/self/status (Linux), and glibc's malloc_trim, for soak tests that watch
// native memory too.
using System.Globalization;
using System.Runtime.InteropServices;

namespace GhnQat.Runtime.Diagnostics;

/// <summary>Reads the process's resident memory; returns memory the C allocator keeps cached to the system.</summary>
public static partial class ProcessMemory
{
    private const string Status = "/proc/self/status";
    private static bool trimUnavailable;

    /// <summary>
    /// The resident set and its parts (<see cref="ResidentMemory"/>); <see cref="ResidentMemory.Unavailable"/> where
    /// /proc/self/status does not exist (not Linux). Allocates a little (the file read).
    /// </summary>
    public static ResidentMemory Read()
    {
        if (!File.Exists(Status)) return ResidentMemory.Unavailable;
        long total = -1, anonymous = -1, file = -1, shared = -1;
        // Lines such as "VmRSS:\t  166012 kB".
        foreach (string line in File.ReadLines(Status))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            switch (line[..colon])
            {
                case "VmRSS": total = Kilobytes(line, colon); break;
                case "RssAnon": anonymous = Kilobytes(line, colon); break;
                case "RssFile": file = Kilobytes(line, colon); break;
                case "RssShmem": shared = Kilobytes(line, colon); break;
            }
        }

        return total < 0 ? ResidentMemory.Unavailable : new ResidentMemory(total, anonymous, file, shared);
    }

    /// <summary>
    /// Whether <see cref="TrimNativeHeap"/> can work here: Linux, and no call has found glibc's malloc_trim missing.
    /// </summary>
    public static bool CanTrimNativeHeap => OperatingSystem.IsLinux() && !trimUnavailable;

    /// <summary>
    /// Asks glibc to give the free memory of every malloc arena back to the system (<c>malloc_trim(0)</c>): memory
    /// that native code (the Vulkan driver, the .NET runtime, the JIT) freed but the allocator kept cached for reuse.
    /// The native counterpart of a full garbage collection before measuring the managed heap. Returns false where
    /// there is no glibc (Windows, macOS, musl) and nothing was done.
    /// </summary>
    public static bool TrimNativeHeap()
    {
        if (!CanTrimNativeHeap) return false;
        try
        {
            _ = MallocTrim(0);   // 1 if memory was released, 0 if there was none to release: both are fine
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            trimUnavailable = true;
            return false;
        }
    }

    private static long Kilobytes(string line, int colon)
    {
        ReadOnlySpan<char> value = line.AsSpan(colon + 1).Trim();
        if (value.EndsWith(" kB", StringComparison.Ordinal)) value = value[..^3];
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb * 1024 : -1;
    }

    // glibc's soname; musl has no malloc_trim, so there the call fails and TrimNativeHeap reports false.
    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
