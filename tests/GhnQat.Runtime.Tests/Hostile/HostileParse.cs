// What a hostile case's arrange step hands back: the parse call and the name its error message must carry.
namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>A parse call to run under the time and allocation bounds, and the source it reads.</summary>
/// <param name="Parse">Calls the parser on the arranged input (its result, if any, is disposed).</param>
/// <param name="Source">The path (or in-memory source name) every error message must contain.</param>
public readonly record struct HostileParse(Action Parse, string Source);
