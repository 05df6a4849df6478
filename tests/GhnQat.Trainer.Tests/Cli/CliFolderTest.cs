// Base of the CLI tests that write files: a fresh temp folder per test, deleted after it.
namespace GhnQat.Trainer.Tests.Cli;

/// <summary>Gives each test its own empty folder, <see cref="Dir"/>.</summary>
public abstract class CliFolderTest
{
    /// <summary>This test's folder (exists during the test).</summary>
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateFolder()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"ghnqat-{GetType().Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Dir);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(Dir, recursive: true);
}
