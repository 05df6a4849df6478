// The write-only stream AtomicFile hands to its writer: a FileStream on the temp file that reports "file too large" as
// an IOException. .NET maps EFBIG (a file-size limit such as ulimit -f, a quota) to ArgumentOutOfRangeException,
// which would look like a bug and escape AtomicFile's I/O handling (found by the full-disk fault test).
namespace GhnQat.Runtime.IO;

/// <summary>Sequential writes into a new file; every failure to grow the file surfaces as <see cref="IOException"/>.</summary>
internal sealed class AtomicTempStream : Stream
{
    private readonly FileStream _file;

    /// <summary>Creates <paramref name="path"/>, which must not exist yet.</summary>
    public AtomicTempStream(string path) =>
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    // The arguments are valid here, so an ArgumentOutOfRangeException can only be the file system's EFBIG.
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _file.Write(buffer);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw TooLarge(e);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => Flush(flushToDisk: false);

    /// <summary>Writes the buffer out and, with <paramref name="flushToDisk"/>, waits until the device has it.</summary>
    public void Flush(bool flushToDisk)
    {
        try
        {
            _file.Flush(flushToDisk);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw TooLarge(e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing) _file.Dispose();   // flushes what is still buffered
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw TooLarge(e);
        }
        finally
        {
            base.Dispose(disposing);
        }
    }

    private static IOException TooLarge(ArgumentOutOfRangeException e) =>
        new("File too large (EFBIG): a file-size limit, a quota or the file system refused to let the file grow", e);
}
