// The logical device: one compute queue on the chosen physical device, with exactly the optional features the
// caller asked for. Dispose it after every buffer, pipeline and command runner created on it, before the instance.
// Every queue submit and fence wait of its children goes through it: one lock for the shared queue, object counts,
// and the test hook that makes the device report VK_ERROR_DEVICE_LOST.
using GhnQat.Runtime.Errors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// A VkDevice with one compute queue. Owns an internal command runner used for staging copies. Several workers may
/// share it from different threads: submits to the queue and staging copies are serialized here.
/// </summary>
public sealed unsafe class VulkanDevice : IDisposable
{
    private readonly PhysicalDeviceMemoryProperties _memory;
    // Vulkan requires host access to a VkQueue (vkQueueSubmit, vkDeviceWaitIdle) to be externally synchronized.
    private readonly Lock _queueGate = new();
    private readonly Lock _transferGate = new();
    private VulkanCommandRunner? _transfer;
    private volatile bool _lossInjected;
    private bool _disposed;

    /// <summary>Chooses a physical device (see <see cref="VulkanDeviceSelector"/>) and creates the logical device.</summary>
    /// <exception cref="GhnQatException">
    /// InvalidArgument for an index or name that matches no device; VulkanUnavailable when no device, Vulkan 1.2,
    /// a compute queue or a requested feature is missing; VulkanError when a call fails.
    /// </exception>
    public VulkanDevice(VulkanInstance instance, VulkanDeviceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Instance = instance;
        Info = VulkanDeviceSelector.Select(instance.PhysicalDevices, options);
        EnabledFeatures = options?.RequiredFeatures ?? VulkanOptionalFeatures.None;
        QueueFamilyIndex = FindComputeQueueFamily(Api, Info);
        Handle = Create(Api, Info, QueueFamilyIndex, EnabledFeatures);
        Api.GetDeviceQueue(Handle, QueueFamilyIndex, 0, out Queue queue);
        ComputeQueue = queue;
        Api.GetPhysicalDeviceMemoryProperties(Info.Handle, out _memory);
    }

    /// <summary>The instance this device was created from.</summary>
    public VulkanInstance Instance { get; }

    /// <summary>The Silk.NET API object.</summary>
    public Vk Api => Instance.Api;

    /// <summary>The physical device in use.</summary>
    public VulkanPhysicalDeviceInfo Info { get; }

    /// <summary>The optional features enabled on this device (exactly those requested).</summary>
    public VulkanOptionalFeatures EnabledFeatures { get; }

    /// <summary>Native device handle; valid until <see cref="Dispose"/>.</summary>
    public Device Handle { get; }

    /// <summary>The one compute queue (queue 0 of <see cref="QueueFamilyIndex"/>).</summary>
    public Queue ComputeQueue { get; }

    /// <summary>Queue family of <see cref="ComputeQueue"/>; a compute-only family is preferred when there is one.</summary>
    public uint QueueFamilyIndex { get; }

    /// <summary>
    /// True on CPU and integrated devices with a device-local, host-visible, coherent memory type (lavapipe):
    /// storage buffers are then mapped directly and uploads need no staging copy.
    /// </summary>
    public bool IsUnifiedMemory =>
        Info.DeviceType is PhysicalDeviceType.Cpu or PhysicalDeviceType.IntegratedGpu
        && TryFindMemoryType(uint.MaxValue, MemoryPropertyFlags.DeviceLocalBit | HostCoherent, out _);

    /// <summary>
    /// Created and destroyed counts of every object made on this device (buffers, memory, pipelines, descriptor pools
    /// and sets, command pools and buffers, fences, query pools, pipeline caches). Readable after disposal.
    /// </summary>
    public VulkanObjectCounter Objects { get; } = new();

    internal const MemoryPropertyFlags HostCoherent = MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit;

    /// <summary>
    /// Copies between buffers through the device's staging runner (created on first use, disposed with the device),
    /// one copy at a time whichever thread asks.
    /// </summary>
    internal void CopyBuffer(VulkanBuffer source, VulkanBuffer destination, ulong sizeBytes, ulong sourceOffsetBytes, ulong destinationOffsetBytes)
    {
        lock (_transferGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _transfer ??= new VulkanCommandRunner(this);
            _transfer.CopyBuffer(source, destination, sizeBytes, sourceOffsetBytes, destinationOffsetBytes);
        }
    }

    /// <summary>Submits one command buffer to <see cref="ComputeQueue"/>, signalling <paramref name="fence"/>.</summary>
    internal Result Submit(CommandBuffer commands, Fence fence)
    {
        if (_lossInjected) return Result.ErrorDeviceLost;
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commands };
        lock (_queueGate)
        {
            return Api.QueueSubmit(ComputeQueue, 1, &submit, fence);
        }
    }

    /// <summary>vkWaitForFences on one fence: Success, Timeout or an error.</summary>
    internal Result WaitForFence(Fence fence, TimeSpan timeout)
    {
        if (_lossInjected) return Result.ErrorDeviceLost;
        return Api.WaitForFences(Handle, 1, &fence, true, (ulong)timeout.Ticks * 100);   // 1 tick = 100 ns
    }

    /// <summary>vkGetFenceStatus: Success (signalled), NotReady or an error.</summary>
    internal Result FenceStatus(Fence fence) => _lossInjected ? Result.ErrorDeviceLost : Api.GetFenceStatus(Handle, fence);

    /// <summary>
    /// Waits until the queue is idle, so pending work never outlives the pool or buffers it uses. Really waits even
    /// after <see cref="InjectDeviceLoss"/>: the submits made before the injected loss are still running.
    /// </summary>
    internal Result WaitIdle()
    {
        lock (_queueGate)
        {
            return Api.DeviceWaitIdle(Handle);
        }
    }

    /// <summary>
    /// Test hook: from now on every submit, fence wait and fence query on this device reports VK_ERROR_DEVICE_LOST, as
    /// after a real loss (which is permanent for the VkDevice). Work already submitted still completes underneath.
    /// </summary>
    internal void InjectDeviceLoss() => _lossInjected = true;

    /// <summary>Waits for the queue to drain, then destroys the device. Children must be disposed first.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        lock (_transferGate)
        {
            _disposed = true;
            _transfer?.Dispose();
        }

        // Ignore the result: a lost device still has to be destroyed.
        _ = WaitIdle();
        Api.DestroyDevice(Handle, null);
    }

    /// <summary>First memory type allowed by <paramref name="typeBits"/> that has all of <paramref name="required"/>.</summary>
    internal bool TryFindMemoryType(uint typeBits, MemoryPropertyFlags required, out uint index)
    {
        for (uint i = 0; i < _memory.MemoryTypeCount; i++)
        {
            if ((typeBits & (1u << (int)i)) != 0 && (_memory.MemoryTypes[(int)i].PropertyFlags & required) == required)
            {
                index = i;
                return true;
            }
        }

        index = 0;
        return false;
    }

    internal MemoryPropertyFlags MemoryTypeFlags(uint index) => _memory.MemoryTypes[(int)index].PropertyFlags;

    private static uint FindComputeQueueFamily(Vk vk, VulkanPhysicalDeviceInfo info)
    {
        uint count = 0;
        vk.GetPhysicalDeviceQueueFamilyProperties(info.Handle, ref count, null);
        var families = new QueueFamilyProperties[count];
        fixed (QueueFamilyProperties* p = families)
        {
            vk.GetPhysicalDeviceQueueFamilyProperties(info.Handle, ref count, p);
        }

        int any = -1;
        for (int i = 0; i < families.Length; i++)
        {
            QueueFlags flags = families[i].QueueFlags;
            if ((flags & QueueFlags.ComputeBit) == 0 || families[i].QueueCount == 0)
            {
                continue;
            }

            if ((flags & QueueFlags.GraphicsBit) == 0)
            {
                return (uint)i;   // dedicated compute family: does not compete with graphics work
            }

            any = any < 0 ? i : any;
        }

        return any >= 0
            ? (uint)any
            : throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable, $"Vulkan device '{info.Name}' has no compute queue");
    }

    private static Device Create(Vk vk, VulkanPhysicalDeviceInfo info, uint family, VulkanOptionalFeatures wanted)
    {
        bool Want(VulkanOptionalFeatures f) => (wanted & f) != 0;
        float priority = 1f;
        var queue = new DeviceQueueCreateInfo
        {
            SType = StructureType.DeviceQueueCreateInfo,
            QueueFamilyIndex = family,
            QueueCount = 1,
            PQueuePriorities = &priority,
        };
        var v12 = new PhysicalDeviceVulkan12Features
        {
            SType = StructureType.PhysicalDeviceVulkan12Features,
            ShaderInt8 = Want(VulkanOptionalFeatures.ShaderInt8),
            StorageBuffer8BitAccess = Want(VulkanOptionalFeatures.StorageBuffer8BitAccess),
        };
        var v11 = new PhysicalDeviceVulkan11Features
        {
            SType = StructureType.PhysicalDeviceVulkan11Features,
            PNext = &v12,
            StorageBuffer16BitAccess = Want(VulkanOptionalFeatures.StorageBuffer16BitAccess),
        };
        // Under API 1.2 the dot-product feature comes from the KHR extension, which must then be enabled too.
        bool dot = Want(VulkanOptionalFeatures.ShaderIntegerDotProduct);
        var dotFeatures = new PhysicalDeviceShaderIntegerDotProductFeatures
        {
            SType = StructureType.PhysicalDeviceShaderIntegerDotProductFeatures,
            PNext = &v11,
            ShaderIntegerDotProduct = true,
        };
        var features = new PhysicalDeviceFeatures2
        {
            SType = StructureType.PhysicalDeviceFeatures2,
            PNext = dot ? &dotFeatures : &v11,
        };
        features.Features.ShaderInt16 = Want(VulkanOptionalFeatures.ShaderInt16);

        nint extensions = SilkMarshal.StringArrayToPtr(dot ? [VulkanPhysicalDeviceQuery.IntegerDotProductExtension] : []);
        try
        {
            var create = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo,
                PNext = &features,
                QueueCreateInfoCount = 1,
                PQueueCreateInfos = &queue,
                EnabledExtensionCount = dot ? 1u : 0u,
                PpEnabledExtensionNames = (byte**)extensions,
            };
            Device device;
            VulkanCheck.Success(vk.CreateDevice(info.Handle, &create, null, &device), "vkCreateDevice");
            return device;
        }
        finally
        {
            SilkMarshal.Free(extensions);
        }
    }
}
