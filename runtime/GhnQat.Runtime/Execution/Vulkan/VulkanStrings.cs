// Reads the fixed-size, NUL-terminated UTF-8 arrays of Vulkan structs (device names, layer names) and
// formats packed Vulkan versions, so every wrapper reports names the same way.
using System.Runtime.InteropServices;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>String and version decoding for Vulkan structs.</summary>
internal static unsafe class VulkanStrings
{
    /// <summary>Decodes a NUL-terminated UTF-8 string of at most <paramref name="capacity"/> bytes.</summary>
    public static string FromFixed(byte* text, int capacity)
    {
        var bytes = new ReadOnlySpan<byte>(text, capacity);
        int end = bytes.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>Decodes a NUL-terminated UTF-8 string pointer (null → empty).</summary>
    public static string FromPointer(byte* text) => text is null ? string.Empty : Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;

    /// <summary>VK_MAKE_API_VERSION fields: variant(3) major(7) minor(10) patch(12) bits.</summary>
    public static Version ApiVersion(uint packed) =>
        new((int)((packed >> 22) & 0x7Fu), (int)((packed >> 12) & 0x3FFu), (int)(packed & 0xFFFu));

    /// <summary>Packs major.minor.patch the way VkApplicationInfo.apiVersion expects (variant 0).</summary>
    public static uint MakeApiVersion(int major, int minor, int patch) =>
        ((uint)major << 22) | ((uint)minor << 12) | (uint)patch;

    /// <summary>Lower-case hex of a 16-byte UUID (e.g. pipelineCacheUUID), as a pipeline-cache key.</summary>
    public static string Uuid(byte* uuid) => Convert.ToHexStringLower(new ReadOnlySpan<byte>(uuid, 16));
}
