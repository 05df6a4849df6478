// A VkPipelineCache persisted on disk behind our own header (the ncnn way): magic, version, vendor, device, driver
// version and pipelineCacheUUID. A file from another device or driver, or a damaged one, is ignored, never trusted.
using System.Buffers.Binary;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Pipeline cache loaded from and saved to one file. Dispose before the device (after its pipelines are built).</summary>
internal sealed unsafe class VulkanPipelineCache : IDisposable
{
    private const uint Magic = 0x43505147;   // "GQPC" little-endian
    private const uint Version = 1;
    private const int HeaderBytes = (4 * 5) + 32;   // 5 uint32 fields + the UUID as 32 hex characters
    private readonly VulkanDevice _device;
    private readonly string _path;
    private bool _disposed;

    /// <summary>Creates the cache, seeded from <paramref name="path"/> when that file was written for this device and driver.</summary>
    public VulkanPipelineCache(VulkanDevice device, string path)
    {
        _device = device;
        _path = path;
        byte[] blob = ReadBlob(path, Header(device));
        fixed (byte* data = blob)
        {
            var info = new PipelineCacheCreateInfo { SType = StructureType.PipelineCacheCreateInfo, InitialDataSize = (nuint)blob.Length, PInitialData = data };
            PipelineCache cache;
            VulkanCheck.Success(device.Api.CreatePipelineCache(device.Handle, &info, null, &cache), "vkCreatePipelineCache");
            Handle = cache;
            device.Objects.OnCreated(VulkanObjectKind.PipelineCache);
        }
        LoadedBytes = blob.Length;
    }

    public PipelineCache Handle { get; }

    /// <summary>Bytes of driver cache data taken from the file (0 when it was missing, foreign or damaged).</summary>
    public int LoadedBytes { get; }

    /// <summary>
    /// Writes header + driver data to the file (via a temporary file, so a crash never leaves half a cache);
    /// InvalidArgument when the path cannot be written.
    /// </summary>
    public void Save()
    {
        Vk vk = _device.Api;
        nuint size = 0;
        VulkanCheck.Success(vk.GetPipelineCacheData(_device.Handle, Handle, &size, null), "vkGetPipelineCacheData");
        byte[] header = Header(_device);
        var file = new byte[header.Length + (int)size];
        header.CopyTo(file, 0);
        fixed (byte* data = &file[header.Length])
        {
            VulkanCheck.Success(vk.GetPipelineCacheData(_device.Handle, Handle, &size, data), "vkGetPipelineCacheData");
        }

        string temporary = _path + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, file.AsSpan(0, header.Length + (int)size).ToArray());
            File.Move(temporary, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Errors.GhnQatException(Errors.GhnQatErrorCode.InvalidArgument, $"cannot write the pipeline cache '{_path}': {e.Message}");
        }
    }

    public void Dispose()
    {
        if (_disposed || Handle.Handle == 0) return;
        _disposed = true;
        _device.Api.DestroyPipelineCache(_device.Handle, Handle, null);
        _device.Objects.OnDestroyed(VulkanObjectKind.PipelineCache);
    }

    private static byte[] Header(VulkanDevice device)
    {
        var header = new byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), device.Info.VendorId);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), device.Info.DeviceId);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), device.Info.DriverVersion);
        System.Text.Encoding.ASCII.GetBytes(device.Info.PipelineCacheUuid.PadRight(32)[..32]).CopyTo(header, 20);
        return header;
    }

    // The driver data after a matching header; empty for a missing, short, foreign or unreadable file.
    private static byte[] ReadBlob(string path, byte[] header)
    {
        try
        {
            if (!File.Exists(path)) return [];
            byte[] file = File.ReadAllBytes(path);
            return file.Length > header.Length && file.AsSpan(0, header.Length).SequenceEqual(header) ? file[header.Length..] : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
