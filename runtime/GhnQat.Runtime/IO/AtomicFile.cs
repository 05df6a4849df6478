// Write-then-rename: a reader sees either the old file or the complete new one, never a half-written file.
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.IO;

/// <summary>Writes files atomically: a temp file in the target's folder, flushed to disk, then renamed over it.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> on a temp file next to <paramref name="path"/>, flushes it to the device and
    /// renames it to <paramref name="path"/>. On any failure the temp file is deleted and an existing file at
    /// <paramref name="path"/> is left untouched. The temp file lives in the same folder because rename is
    /// atomic only within one file system.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw Fail(path, "has no parent folder", null);
        if (!Directory.Exists(folder))
        {
            throw Fail(path, $"folder \"{folder}\" does not exist", null);
        }
        if (Directory.Exists(full))
        {
            throw Fail(path, "is an existing folder", null);
        }
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new AtomicTempStream(temp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw Fail(path, e.Message, e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original error is the one worth reporting.
        }
    }

    private static GhnQatException Fail(string path, string problem, Exception? inner) =>
        new(GhnQatErrorCode.InvalidArgument, $"{path}: cannot write ({problem}); any existing file was left unchanged", inner);
}
