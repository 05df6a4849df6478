// The writer's input checks and its atomic save: failures leave no partial file and keep the old one.
using System.Runtime.Versioning;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Tests.IO;

[TestFixture]
public sealed class SafetensorsWriterTests
{
    [Test]
    public void Add_DataLengthDisagreesWithShape_ThrowsInvalidArgument()
    {
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().Add("w", SafetensorsDType.F32, [2, 2], new byte[12]));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("F32[2,2] needs 16 bytes; got 12"));
    }

    [Test]
    public void Add_DuplicateName_ThrowsInvalidArgument()
    {
        var writer = new SafetensorsWriter().AddUInt8("w", [1], [0]);
        var e = Assert.Throws<GhnQatException>(() => writer.AddUInt8("w", [1], [0]));
        Assert.That(e!.Message, Does.Contain("already added"));
    }

    [TestCase("")]
    [TestCase("__metadata__")]
    public void Add_ReservedOrEmptyName_ThrowsInvalidArgument(string name)
    {
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().AddUInt8(name, [1], [0]));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Add_NegativeDimension_ThrowsInvalidArgument()
    {
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().AddUInt8("w", [-1], []));
        Assert.That(e!.Message, Does.Contain("negative dimension"));
    }

    [Test]
    public void SetMetadata_LoneSurrogate_ThrowsInvalidArgument()
    {
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().SetMetadata("k", "\ud800"));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Save_ExistingFile_ReplacedAndNoTempLeft()
    {
        using var temp = new TempFolder();
        string path = temp.File("m.safetensors");
        new SafetensorsWriter().AddUInt8("old", [1], [1]).Save(path);
        new SafetensorsWriter().AddUInt8("new", [2], [2, 3]).Save(path);

        using var file = SafetensorsFile.Open(path);
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "new" }));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Save_MissingFolder_ThrowsNamingFolder()
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp.Path, "no-such-dir", "m.safetensors");
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().Save(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.StartWith(path).And.Contain("does not exist"));
    }

    [Test]
    public void Save_PathIsFolder_ThrowsAndKeepsFolder()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().Save(temp.Path));
        Assert.That(e!.Message, Does.Contain("existing folder"));
        Assert.That(Directory.Exists(temp.Path), Is.True);
    }

    [Test]
    [UnsupportedOSPlatform("windows")] // folder permissions via Unix file modes
    public void Save_ReadOnlyFolder_ThrowsAndKeepsOldFile()
    {
        using var temp = new TempFolder();
        string folder = Path.Combine(temp.Path, "ro");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "m.safetensors");
        new SafetensorsWriter().AddUInt8("old", [1], [1]).Save(path);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (CanCreateFileIn(folder))
            {
                Assert.Ignore("running with privileges that ignore folder permissions (root); the failure path is covered by Write_WriterThrows_KeepsOldFileAndLeavesNoTemp");
            }
            var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().AddUInt8("new", [1], [2]).Save(path));
            Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
            Assert.That(e.Message, Does.StartWith(path).And.Contain("left unchanged"));
            using var file = SafetensorsFile.Open(path);
            Assert.That(file.Tensors.Single().Name, Is.EqualTo("old"));
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void Save_FolderThatRejectsNewFiles_ThrowsInvalidArgument()
    {
        // /proc refuses new files even to root, so this covers the unwritable-folder path where chmod cannot.
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self"))
        {
            Assert.Ignore("needs Linux /proc");
        }
        string path = "/proc/self/ghnqat-test.safetensors";
        var e = Assert.Throws<GhnQatException>(() => new SafetensorsWriter().AddUInt8("w", [1], [1]).Save(path));
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.StartWith(path).And.Contain("cannot write"));
    }

    [Test]
    public void Write_WriterThrows_KeepsOldFileAndLeavesNoTemp()
    {
        using var temp = new TempFolder();
        string path = temp.File("m.safetensors");
        new SafetensorsWriter().AddUInt8("old", [1], [1]).Save(path);
        byte[] before = File.ReadAllBytes(path);

        // Simulates a failure half-way through writing (disk full, I/O error).
        Assert.Throws<GhnQatException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new IOException("simulated disk full");
        }));

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(temp.Path), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Write_NonIoFailure_PropagatesAndLeavesNoTemp()
    {
        using var temp = new TempFolder();
        string path = temp.File("m.safetensors");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("bug")));
        Assert.That(Directory.GetFiles(temp.Path), Is.Empty);
    }

    private static bool CanCreateFileIn(string folder)
    {
        string probe = Path.Combine(folder, ".probe");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
