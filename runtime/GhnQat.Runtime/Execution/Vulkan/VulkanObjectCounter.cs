// Created/destroyed counts of every Vulkan object made on one device, so a soak or a test can prove that nothing
// leaks and that steady-state inference creates nothing. Thread-safe: workers on several threads share a device.
using System.Globalization;
using System.Text;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// Counts, per <see cref="VulkanObjectKind"/>, the objects created and destroyed on one <see cref="VulkanDevice"/>
/// (the wrappers report every successful vkCreate*/vkAllocate* and every vkDestroy*/vkFree*). Readable after the
/// device is disposed.
/// </summary>
public sealed class VulkanObjectCounter
{
    private static readonly int KindCount = Enum.GetValues<VulkanObjectKind>().Length;
    private readonly long[] _created = new long[KindCount];
    private readonly long[] _destroyed = new long[KindCount];

    /// <summary>Objects of <paramref name="kind"/> created so far.</summary>
    public long Created(VulkanObjectKind kind) => Interlocked.Read(ref _created[(int)kind]);

    /// <summary>Objects of <paramref name="kind"/> destroyed so far.</summary>
    public long Destroyed(VulkanObjectKind kind) => Interlocked.Read(ref _destroyed[(int)kind]);

    /// <summary>Objects of <paramref name="kind"/> alive now (created − destroyed).</summary>
    public long Live(VulkanObjectKind kind) => Created(kind) - Destroyed(kind);

    /// <summary>Objects of every kind created so far.</summary>
    public long TotalCreated => Sum(_created);

    /// <summary>Objects of every kind destroyed so far.</summary>
    public long TotalDestroyed => Sum(_destroyed);

    /// <summary>Objects of every kind alive now.</summary>
    public long TotalLive => TotalCreated - TotalDestroyed;

    /// <summary>"kind created/destroyed" for every kind that was created at least once, e.g. "Buffer 3/3, Fence 1/1".</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (VulkanObjectKind kind in Enum.GetValues<VulkanObjectKind>())
        {
            if (Created(kind) == 0 && Destroyed(kind) == 0) continue;
            if (text.Length > 0) text.Append(", ");
            text.Append(CultureInfo.InvariantCulture, $"{kind} {Created(kind)}/{Destroyed(kind)}");
        }

        return text.Length == 0 ? "(none)" : text.ToString();
    }

    internal void OnCreated(VulkanObjectKind kind, int count = 1) => Interlocked.Add(ref _created[(int)kind], count);

    internal void OnDestroyed(VulkanObjectKind kind, int count = 1) => Interlocked.Add(ref _destroyed[(int)kind], count);

    private static long Sum(long[] counts)
    {
        long total = 0;
        for (int i = 0; i < counts.Length; i++) total += Interlocked.Read(ref counts[i]);
        return total;
    }
}
