// What one bounded parse produced: the exception (if any), bytes allocated on its thread, time taken.
namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>Result of <see cref="HostileRunner.Run"/>; <see cref="Finished"/> is false when the time budget ran out.</summary>
internal sealed record HostileOutcome(bool Finished, Exception? Error, long AllocatedBytes, TimeSpan Elapsed);
