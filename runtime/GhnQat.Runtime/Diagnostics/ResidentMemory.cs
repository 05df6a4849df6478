// The resident memory of this process split by kind, as /proc/self/status reports it (Linux).
namespace GhnQat.Runtime.Diagnostics;

/// <summary>
/// Resident set of the process in bytes and its three parts (<c>VmRSS</c> = <c>RssAnon</c> + <c>RssFile</c> +
/// <c>RssShmem</c>); every field is −1 where /proc/self/status does not exist (not Linux).
/// </summary>
/// <param name="TotalBytes">The whole resident set (<c>VmRSS</c>).</param>
/// <param name="AnonymousBytes">
/// Anonymous memory (<c>RssAnon</c>): the C heap (glibc malloc arenas of every thread, the driver's allocations among
/// them), the GC heap, thread stacks. Where a native leak shows.
/// </param>
/// <param name="FileBytes">Pages of mapped files (<c>RssFile</c>): code and data of libraries and assemblies touched so far.</param>
/// <param name="SharedMemoryBytes">
/// Shared memory (<c>RssShmem</c>): in a .NET process mostly JIT-compiled code, which the runtime maps twice from a
/// memfd (W^X: one writable, one executable view), so new code shows here rather than as anonymous memory.
/// </param>
public readonly record struct ResidentMemory(long TotalBytes, long AnonymousBytes, long FileBytes, long SharedMemoryBytes)
{
    /// <summary>The value where the figures cannot be read.</summary>
    public static ResidentMemory Unavailable { get; } = new(-1, -1, -1, -1);

    /// <summary>Whether the figures were read.</summary>
    public bool IsAvailable => TotalBytes >= 0;
}
