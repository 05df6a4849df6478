// A VkBuffer with its own VkDeviceMemory, and span upload/download that maps the memory when it is host-visible
// (lavapipe, integrated GPUs, staging buffers) and goes through a temporary staging buffer otherwise.
using System.Runtime.InteropServices;
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// A storage or staging buffer of <see cref="SizeBytes"/> bytes with its own allocation (the worker makes three and
/// sub-allocates every tensor and layer inside them). Dispose before its <see cref="VulkanDevice"/>.
/// </summary>
public sealed unsafe class VulkanBuffer : IDisposable
{
    private readonly VulkanDevice _device;
    private readonly DeviceMemory _memory;
    private void* _mapped;
    private bool _disposed;

    /// <summary>Creates a buffer of <paramref name="sizeBytes"/> bytes for <paramref name="usage"/>.</summary>
    /// <exception cref="GhnQatException">InvalidArgument for a zero size; VulkanError when allocation fails.</exception>
    public VulkanBuffer(VulkanDevice device, ulong sizeBytes, VulkanBufferUsage usage)
        : this(device, sizeBytes, usage, allowHostMapping: true)
    {
    }

    /// <param name="device">Owner device.</param>
    /// <param name="sizeBytes">Size in bytes, &gt; 0.</param>
    /// <param name="usage">Role of the buffer.</param>
    /// <param name="allowHostMapping">False forces the staging path for a storage buffer even on unified memory (tests).</param>
    internal VulkanBuffer(VulkanDevice device, ulong sizeBytes, VulkanBufferUsage usage, bool allowHostMapping)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (sizeBytes == 0)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "a Vulkan buffer needs a size > 0 bytes");
        }

        _device = device;
        SizeBytes = sizeBytes;
        Usage = usage;
        Vk vk = device.Api;
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            Size = sizeBytes,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
        };
        VkBuffer buffer;
        VulkanCheck.Success(vk.CreateBuffer(device.Handle, &info, null, &buffer), "vkCreateBuffer");
        Handle = buffer;
        device.Objects.OnCreated(VulkanObjectKind.Buffer);
        try
        {
            vk.GetBufferMemoryRequirements(device.Handle, buffer, out MemoryRequirements needs);
            uint type = ChooseMemoryType(device, needs.MemoryTypeBits, usage, allowHostMapping);
            var alloc = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                AllocationSize = needs.Size,
                MemoryTypeIndex = type,
            };
            DeviceMemory memory;
            VulkanCheck.Success(vk.AllocateMemory(device.Handle, &alloc, null, &memory), "vkAllocateMemory");
            _memory = memory;
            device.Objects.OnCreated(VulkanObjectKind.DeviceMemory);
            VulkanCheck.Success(vk.BindBufferMemory(device.Handle, buffer, memory, 0), "vkBindBufferMemory");
            bool coherent = (device.MemoryTypeFlags(type) & VulkanDevice.HostCoherent) == VulkanDevice.HostCoherent;
            if (coherent && (allowHostMapping || usage == VulkanBufferUsage.Staging))
            {
                void* mapped;
                VulkanCheck.Success(vk.MapMemory(device.Handle, memory, 0, Vk.WholeSize, 0, &mapped), "vkMapMemory");
                _mapped = mapped;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Size in bytes.</summary>
    public ulong SizeBytes { get; }

    /// <summary>Role given at creation.</summary>
    public VulkanBufferUsage Usage { get; }

    /// <summary>Whether the memory is mapped (uploads and downloads are plain copies, no staging).</summary>
    public bool IsHostVisible => _mapped is not null;

    /// <summary>Native buffer handle; valid until <see cref="Dispose"/>.</summary>
    public VkBuffer Handle { get; }

    /// <summary>
    /// The mapped memory as <paramref name="count"/> elements at <paramref name="offsetBytes"/>, for allocation-free
    /// host access by the worker. Valid until <see cref="Dispose"/>; the caller must not touch it while a dispatch that
    /// uses the range is in flight.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer is not host-visible.</exception>
    internal Span<T> MappedSpan<T>(ulong offsetBytes, int count)
        where T : unmanaged
    {
        CheckRange(offsetBytes, (ulong)count * (ulong)sizeof(T));
        return _mapped is null
            ? throw new InvalidOperationException("the buffer is not host-visible")
            : new Span<T>((byte*)_mapped + offsetBytes, count);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into the buffer at <paramref name="offsetBytes"/>. Synchronous: when it returns
    /// the data is in the buffer (through a staging copy and a fence wait if the memory is not host-visible).
    /// Do not call while a dispatch that uses this buffer is in flight.
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument when the range exceeds the buffer; VulkanError on failure.</exception>
    public void Upload<T>(ReadOnlySpan<T> source, ulong offsetBytes = 0)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(source);
        CheckRange(offsetBytes, (ulong)bytes.Length);
        if (bytes.IsEmpty)
        {
            return;
        }

        if (_mapped is not null)
        {
            bytes.CopyTo(new Span<byte>((byte*)_mapped + offsetBytes, bytes.Length));
            return;
        }

        using var staging = new VulkanBuffer(_device, (ulong)bytes.Length, VulkanBufferUsage.Staging);
        staging.Upload(bytes);
        _device.CopyBuffer(staging, this, (ulong)bytes.Length, 0, offsetBytes);
    }

    /// <summary>
    /// Copies <c>destination.Length</c> elements from the buffer at <paramref name="offsetBytes"/> into the caller-owned
    /// <paramref name="destination"/>. Synchronous; call after the dispatch that wrote the data has completed.
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument when the range exceeds the buffer; VulkanError on failure.</exception>
    public void Download<T>(Span<T> destination, ulong offsetBytes = 0)
        where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        CheckRange(offsetBytes, (ulong)bytes.Length);
        if (bytes.IsEmpty)
        {
            return;
        }

        if (_mapped is not null)
        {
            new ReadOnlySpan<byte>((byte*)_mapped + offsetBytes, bytes.Length).CopyTo(bytes);
            return;
        }

        using var staging = new VulkanBuffer(_device, (ulong)bytes.Length, VulkanBufferUsage.Staging);
        _device.CopyBuffer(this, staging, (ulong)bytes.Length, offsetBytes, 0);
        staging.Download(bytes);
    }

    /// <summary>Unmaps, destroys the buffer and frees its memory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Vk vk = _device.Api;
        if (_mapped is not null)
        {
            vk.UnmapMemory(_device.Handle, _memory);
            _mapped = null;
        }

        if (Handle.Handle != 0)
        {
            vk.DestroyBuffer(_device.Handle, Handle, null);
            _device.Objects.OnDestroyed(VulkanObjectKind.Buffer);
        }

        if (_memory.Handle != 0)
        {
            vk.FreeMemory(_device.Handle, _memory, null);
            _device.Objects.OnDestroyed(VulkanObjectKind.DeviceMemory);
        }
    }

    private void CheckRange(ulong offsetBytes, ulong lengthBytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offsetBytes > SizeBytes || lengthBytes > SizeBytes - offsetBytes)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"range of {lengthBytes} bytes at offset {offsetBytes} exceeds the {SizeBytes}-byte Vulkan buffer");
        }
    }

    private static uint ChooseMemoryType(VulkanDevice device, uint typeBits, VulkanBufferUsage usage, bool allowHostMapping)
    {
        // Candidates in order of preference; the first one the buffer may live in wins.
        MemoryPropertyFlags[] preferences = usage == VulkanBufferUsage.Staging
            ? [VulkanDevice.HostCoherent | MemoryPropertyFlags.HostCachedBit, VulkanDevice.HostCoherent]
            : allowHostMapping && device.IsUnifiedMemory
                ? [MemoryPropertyFlags.DeviceLocalBit | VulkanDevice.HostCoherent, MemoryPropertyFlags.DeviceLocalBit, 0]
                : [MemoryPropertyFlags.DeviceLocalBit, 0];
        foreach (MemoryPropertyFlags wanted in preferences)
        {
            if (device.TryFindMemoryType(typeBits, wanted, out uint type))
            {
                return type;
            }
        }

        throw new GhnQatException(GhnQatErrorCode.VulkanError,
            $"no Vulkan memory type on '{device.Info.Name}' suits a {usage} buffer (type bits 0x{typeBits:X})");
    }
}
