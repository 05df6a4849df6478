// The handle Schedule returns: backed by the worker's fence, pollable, waitable and awaitable.
using System.Runtime.CompilerServices;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// One scheduled inference of a <see cref="VulkanWorker"/>. A value type: copying it is free and it allocates nothing
/// unless awaited before completion. Only the worker's latest job can be waited for meaningfully; an older job reports
/// complete once a newer one was scheduled (scheduling waits for the previous job).
/// </summary>
public readonly struct VulkanJob : IEquatable<VulkanJob>
{
    private readonly VulkanWorker? _worker;
    private readonly long _sequence;

    internal VulkanJob(VulkanWorker worker, long sequence)
    {
        _worker = worker;
        _sequence = sequence;
    }

    /// <summary>Whether the device has finished (a non-blocking fence query).</summary>
    public bool IsCompleted => _worker is null || _worker.IsComplete(_sequence);

    /// <summary>Blocks until the job finishes; GhnQatException(VulkanError) on a device failure or timeout, (VulkanDeviceLost) on a lost device.</summary>
    public void Wait() => _worker?.WaitFor(_sequence);

    /// <summary>Awaiter: completes inline when done, otherwise waits for the fence on a thread-pool thread.</summary>
    public Awaiter GetAwaiter() => new(this);

    /// <inheritdoc />
    public bool Equals(VulkanJob other) => ReferenceEquals(_worker, other._worker) && _sequence == other._sequence;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VulkanJob other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_worker, _sequence);

    /// <summary>Equality of jobs.</summary>
    public static bool operator ==(VulkanJob left, VulkanJob right) => left.Equals(right);

    /// <summary>Inequality of jobs.</summary>
    public static bool operator !=(VulkanJob left, VulkanJob right) => !left.Equals(right);

    /// <summary>The awaiter of a <see cref="VulkanJob"/>.</summary>
    public readonly struct Awaiter : ICriticalNotifyCompletion
    {
        private readonly VulkanJob _job;

        internal Awaiter(VulkanJob job) => _job = job;

        /// <summary>Whether the job is done.</summary>
        public bool IsCompleted => _job.IsCompleted;

        /// <summary>Rethrows a device failure, if any.</summary>
        public void GetResult() => _job.Wait();

        /// <inheritdoc />
        public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

        /// <inheritdoc />
        public void UnsafeOnCompleted(Action continuation)
        {
            VulkanJob job = _job;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                // The failure, if any, is rethrown by GetResult inside the continuation.
                try
                {
                    job.Wait();
                }
                catch (Errors.GhnQatException)
                {
                }

                continuation();
            }, null);
        }
    }
}
