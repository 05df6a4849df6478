// Enforces the design rule that the deployable runtime never depends on TorchSharp (design §1).
using System.Xml.Linq;

namespace GhnQat.Runtime.Tests.Packaging;

public class RuntimeDependencyTests
{
    [Test]
    public void RuntimeAssembly_ReferencedAssemblies_ExcludeTorchSharp()
    {
        var names = typeof(RuntimeInfo).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");
        Assert.That(names, Has.None.Contains("Torch"));
    }

    [Test]
    public void RuntimeTestOutput_TransitiveDependencies_ExcludeTorchSharp()
    {
        // This test project references only the runtime, so its output folder holds the runtime's whole closure.
        var files = Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName);
        Assert.That(files, Has.None.Contains("TorchSharp").And.None.Contains("libtorch"));
    }

    [Test]
    public void RuntimeProject_PackageReferences_ExcludeTorchSharp()
    {
        string csproj = Path.Combine(FindRepoRoot(), "runtime", "GhnQat.Runtime", "GhnQat.Runtime.csproj");
        var refs = XDocument.Load(csproj).Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference")
            .Select(e => (string?)e.Attribute("Include") ?? "");
        Assert.That(refs, Is.Not.Empty);
        Assert.That(refs, Has.None.Contains("Torch").And.None.Contains("Trainer"));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GhnQat.Edge.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("GhnQat.Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
