// One fuzzer finding: what kind (crash, hang, slow, alloc), a signature to deduplicate it, and the details.
namespace GhnQat.Fuzz;

/// <summary>A reproducible failure: the same <see cref="Signature"/> from the same input on every run.</summary>
/// <param name="Kind">crash (exception other than GhnQatException), slow (over the hang limit), alloc (memory).</param>
/// <param name="Signature">Kind plus exception type and throwing frame; equal signatures are one finding.</param>
/// <param name="Details">The exception text, or the measured time or allocation.</param>
internal sealed record Finding(string Kind, string Signature, string Details);
