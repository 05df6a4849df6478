// The hostile-input corpus: every case must end in GhnQatException with the right code and a short message naming
// the file, within a time budget and an allocation bound far below what the input claims (docs/reliability.md).
namespace GhnQat.Runtime.Tests.Hostile;

[TestFixture]
[Parallelizable(ParallelScope.None)] // allocation counts are per thread, but big cases should not overlap in memory
public sealed class HostileCorpusTests
{
    private static IEnumerable<TestCaseData> Safetensors() => Named("Open", SafetensorsCorpus.Cases());

    private static IEnumerable<TestCaseData> ArchSpecs() => Named("Load", ArchSpecCorpus.Cases());

    private static IEnumerable<TestCaseData> Idx() => Named("Read", DatasetCorpus.IdxCases());

    private static IEnumerable<TestCaseData> Cifar() => Named("Load", DatasetCorpus.CifarCases());

    private static IEnumerable<TestCaseData> FuzzFindings() => Named("Parse", FuzzFindingCorpus.Cases());

    [TestCaseSource(nameof(Safetensors))]
    public void Safetensors_HostileFile_ThrowsInvalidFile(HostileCase c) => HostileAssert.Rejects(c);

    [TestCaseSource(nameof(ArchSpecs))]
    public void ArchSpec_HostileFile_ThrowsInvalidArchSpec(HostileCase c) => HostileAssert.Rejects(c);

    [TestCaseSource(nameof(Idx))]
    public void Idx_HostileFile_ThrowsInvalidDataset(HostileCase c) => HostileAssert.Rejects(c);

    [TestCaseSource(nameof(Cifar))]
    public void Cifar10_HostileBatch_ThrowsInvalidDataset(HostileCase c) => HostileAssert.Rejects(c);

    [TestCaseSource(nameof(FuzzFindings))]
    public void FuzzFinding_MinimalInput_ThrowsGhnQatException(HostileCase c) => HostileAssert.Rejects(c);

    // One readable name per case: Method_Condition_Expected, e.g. Open_TensorClaimsOneTebibyte_ThrowsInvalidFile.
    private static IEnumerable<TestCaseData> Named(string method, IEnumerable<HostileCase> cases) =>
        cases.Select(c => new TestCaseData(c).SetName($"{method}_{c.Name}_Throws{c.Code}"));
}
