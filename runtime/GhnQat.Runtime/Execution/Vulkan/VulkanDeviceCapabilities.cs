// What a physical device offers that the kernels care about: optional features, subgroup size, integer-dot
// acceleration and compute limits. Read once at enumeration; kernels pick variants from it.
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Detected features and limits of one physical device (all sizes in bytes unless named otherwise).</summary>
public sealed record VulkanDeviceCapabilities
{
    /// <summary>Optional features the device supports (a superset of what a device may enable).</summary>
    public VulkanOptionalFeatures Supported { get; init; }

    /// <summary>Default subgroup width in invocations (8 on lavapipe, 32 on NVIDIA); 0 when unknown (pre-1.1).</summary>
    public uint SubgroupSize { get; init; }

    /// <summary>Subgroup operation classes available (basic, vote, arithmetic, ballot, shuffle, …).</summary>
    public SubgroupFeatureFlags SubgroupOperations { get; init; }

    /// <summary>Whether OpSDot on 4×8-bit packed signed operands is hardware accelerated.</summary>
    public bool IntegerDot4x8PackedSignedAccelerated { get; init; }

    /// <summary>Whether OpUDot on 4×8-bit packed unsigned operands is hardware accelerated.</summary>
    public bool IntegerDot4x8PackedUnsignedAccelerated { get; init; }

    /// <summary>Whether OpSUDot on 4×8-bit packed mixed-sign operands is hardware accelerated.</summary>
    public bool IntegerDot4x8PackedMixedSignednessAccelerated { get; init; }

    /// <summary>Largest range one storage-buffer descriptor may cover (maxStorageBufferRange).</summary>
    public ulong MaxStorageBufferRange { get; init; }

    /// <summary>Shared memory per workgroup (maxComputeSharedMemorySize).</summary>
    public uint MaxComputeSharedMemorySize { get; init; }

    /// <summary>Workgroup size limit along x (maxComputeWorkGroupSize[0]), in invocations.</summary>
    public uint MaxWorkGroupSizeX { get; init; }

    /// <summary>Workgroup size limit along y, in invocations.</summary>
    public uint MaxWorkGroupSizeY { get; init; }

    /// <summary>Workgroup size limit along z, in invocations.</summary>
    public uint MaxWorkGroupSizeZ { get; init; }

    /// <summary>Total invocations per workgroup limit (maxComputeWorkGroupInvocations).</summary>
    public uint MaxWorkGroupInvocations { get; init; }

    /// <summary>Dispatch size limit along x, in workgroups (maxComputeWorkGroupCount[0]).</summary>
    public uint MaxWorkGroupCountX { get; init; }

    /// <summary>Push-constant block limit (maxPushConstantsSize, at least 128).</summary>
    public uint MaxPushConstantsSize { get; init; }

    /// <summary>Required alignment of storage-buffer descriptor offsets.</summary>
    public ulong MinStorageBufferOffsetAlignment { get; init; }

    /// <summary>Largest single memory allocation (maxMemoryAllocationSize); 0 when unknown.</summary>
    public ulong MaxMemoryAllocationSize { get; init; }
}
