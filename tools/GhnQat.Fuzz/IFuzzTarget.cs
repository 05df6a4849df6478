// A parser under fuzzing: its valid seed inputs, how to mutate them, and how to feed one input to the parser.
namespace GhnQat.Fuzz;

/// <summary>
/// One fuzz target. <see cref="Run"/> must return normally or throw <c>GhnQatException</c>; anything else it
/// throws, a run longer than the hang limit, or an allocation far beyond the input's size is a finding.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>Short name used on the command line and under artifacts/fuzz/.</summary>
    string Name { get; }

    /// <summary>Valid inputs to start from (generated, so the fuzzer needs no committed corpus).</summary>
    IReadOnlyList<byte[]> Seeds();

    /// <summary>One mutation step: a format-aware change when the target has one, else a byte-level one.</summary>
    byte[] Mutate(byte[] input, Mutator mutator);

    /// <summary>Parses <paramref name="input"/> and exercises what a successful parse returns.</summary>
    void Run(byte[] input);
}
