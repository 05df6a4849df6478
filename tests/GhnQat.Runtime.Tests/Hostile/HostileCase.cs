// One entry of the hostile-input corpus: how to lay out the bad input, how to parse it, and what must come out.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>
/// A hostile input and the rejection it must cause. <see cref="Arrange"/> writes whatever files the case needs into
/// the fresh folder it is given (outside the measured region) and returns the parse to run and the name its error
/// must carry.
/// </summary>
/// <param name="Name">Readable case name, used in the test name (letters and digits only).</param>
/// <param name="Arrange">Writes the input; returns the parse call and the file (or source) its message must name.</param>
/// <param name="Code">The error code the parse must throw.</param>
/// <param name="Fragment">Text the message must contain: the field, rule or value at fault.</param>
/// <param name="AllocationLimitBytes">Most bytes the parse may allocate on its thread.</param>
public sealed record HostileCase(
    string Name,
    Func<string, HostileParse> Arrange,
    GhnQatErrorCode Code,
    string Fragment,
    long AllocationLimitBytes = HostileRunner.DefaultAllocationLimitBytes)
{
    /// <summary>NUnit shows the case by its name only (the delegate has no useful text).</summary>
    public override string ToString() => Name;
}
