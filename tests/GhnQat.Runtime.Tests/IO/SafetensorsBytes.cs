// Builds raw safetensors bytes by hand, so hostile-input tests can state exactly what the header says.
using System.Buffers.Binary;
using System.Text;

namespace GhnQat.Runtime.Tests.IO;

/// <summary>Assembles length prefix + header + buffer without any of the writer's checks.</summary>
internal static class SafetensorsBytes
{
    public static byte[] Build(string headerJson, int bufferLength) =>
        Build(Encoding.UTF8.GetBytes(headerJson), new byte[bufferLength]);

    public static byte[] Build(byte[] header, byte[] buffer) =>
        WithPrefix((ulong)header.Length, [.. header, .. buffer]);

    public static byte[] WithPrefix(ulong headerLength, byte[] rest)
    {
        var bytes = new byte[8 + rest.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        rest.CopyTo(bytes, 8);
        return bytes;
    }
}
