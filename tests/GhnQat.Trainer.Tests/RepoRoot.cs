// The repository root (the folder holding GhnQat.Edge.sln above the test binaries), for tests that read tracked files.
namespace GhnQat.Trainer.Tests;

/// <summary>Paths inside the repository.</summary>
internal static class RepoRoot
{
    /// <summary>The folder holding GhnQat.Edge.sln.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "GhnQat.Edge.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("GhnQat.Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
