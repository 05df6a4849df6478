// Enumerates physical devices and reads their identity, features and limits through the properties2/features2
// chains, adding each struct only where the device's effective version or extension list allows it
// (the validation layer rejects structs from versions or extensions the device lacks).
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Builds <see cref="VulkanPhysicalDeviceInfo"/> records for every physical device of an instance.</summary>
internal static unsafe class VulkanPhysicalDeviceQuery
{
    public const string IntegerDotProductExtension = "VK_KHR_shader_integer_dot_product";

    public static IReadOnlyList<VulkanPhysicalDeviceInfo> Enumerate(Vk vk, Instance instance)
    {
        uint count = 0;
        VulkanCheck.Success(vk.EnumeratePhysicalDevices(instance, ref count, null), "vkEnumeratePhysicalDevices");
        var handles = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = handles)
        {
            VulkanCheck.Success(vk.EnumeratePhysicalDevices(instance, ref count, p), "vkEnumeratePhysicalDevices");
        }

        var devices = new VulkanPhysicalDeviceInfo[count];
        for (int i = 0; i < devices.Length; i++)
        {
            devices[i] = Describe(vk, handles[i], i);
        }

        return devices;
    }

    private static VulkanPhysicalDeviceInfo Describe(Vk vk, PhysicalDevice device, int index)
    {
        vk.GetPhysicalDeviceProperties(device, out PhysicalDeviceProperties props);
        // Physical-device functionality is capped by the instance's API version (1.2), not only the device's.
        uint effective = Math.Min(props.ApiVersion, VulkanStrings.MakeApiVersion(1, 2, 0));
        bool is11 = effective >= VulkanStrings.MakeApiVersion(1, 1, 0);
        bool is12 = effective >= VulkanStrings.MakeApiVersion(1, 2, 0);
        bool hasDot = HasExtension(vk, device, IntegerDotProductExtension);

        var subgroup = new PhysicalDeviceSubgroupProperties { SType = StructureType.PhysicalDeviceSubgroupProperties };
        var v11Props = new PhysicalDeviceVulkan11Properties { SType = StructureType.PhysicalDeviceVulkan11Properties };
        var v12Props = new PhysicalDeviceVulkan12Properties { SType = StructureType.PhysicalDeviceVulkan12Properties };
        var dotProps = new PhysicalDeviceShaderIntegerDotProductProperties
        {
            SType = StructureType.PhysicalDeviceShaderIntegerDotProductProperties,
        };
        var v11Features = new PhysicalDeviceVulkan11Features { SType = StructureType.PhysicalDeviceVulkan11Features };
        var v12Features = new PhysicalDeviceVulkan12Features { SType = StructureType.PhysicalDeviceVulkan12Features };
        var dotFeatures = new PhysicalDeviceShaderIntegerDotProductFeatures
        {
            SType = StructureType.PhysicalDeviceShaderIntegerDotProductFeatures,
        };
        vk.GetPhysicalDeviceFeatures(device, out PhysicalDeviceFeatures core);

        if (is11)
        {
            var props2 = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &subgroup };
            var features2 = new PhysicalDeviceFeatures2 { SType = StructureType.PhysicalDeviceFeatures2 };
            if (is12)
            {
                subgroup.PNext = &v11Props;
                v11Props.PNext = &v12Props;
                features2.PNext = &v11Features;
                v11Features.PNext = &v12Features;
            }

            if (hasDot)
            {
                dotProps.PNext = props2.PNext;
                props2.PNext = &dotProps;
                dotFeatures.PNext = features2.PNext;
                features2.PNext = &dotFeatures;
            }

            vk.GetPhysicalDeviceProperties2(device, &props2);
            vk.GetPhysicalDeviceFeatures2(device, &features2);
        }

        VulkanOptionalFeatures supported = VulkanOptionalFeatures.None;
        supported |= core.ShaderInt16 ? VulkanOptionalFeatures.ShaderInt16 : 0;
        supported |= v12Features.ShaderInt8 ? VulkanOptionalFeatures.ShaderInt8 : 0;
        supported |= v12Features.StorageBuffer8BitAccess ? VulkanOptionalFeatures.StorageBuffer8BitAccess : 0;
        supported |= v11Features.StorageBuffer16BitAccess ? VulkanOptionalFeatures.StorageBuffer16BitAccess : 0;
        supported |= dotFeatures.ShaderIntegerDotProduct ? VulkanOptionalFeatures.ShaderIntegerDotProduct : 0;

        PhysicalDeviceLimits limits = props.Limits;
        var capabilities = new VulkanDeviceCapabilities
        {
            Supported = supported,
            SubgroupSize = subgroup.SubgroupSize,
            SubgroupOperations = subgroup.SupportedOperations,
            IntegerDot4x8PackedSignedAccelerated = dotProps.IntegerDotProduct4x8BitPackedSignedAccelerated,
            IntegerDot4x8PackedUnsignedAccelerated = dotProps.IntegerDotProduct4x8BitPackedUnsignedAccelerated,
            IntegerDot4x8PackedMixedSignednessAccelerated = dotProps.IntegerDotProduct4x8BitPackedMixedSignednessAccelerated,
            MaxStorageBufferRange = limits.MaxStorageBufferRange,
            MaxComputeSharedMemorySize = limits.MaxComputeSharedMemorySize,
            MaxWorkGroupSizeX = limits.MaxComputeWorkGroupSize[0],
            MaxWorkGroupSizeY = limits.MaxComputeWorkGroupSize[1],
            MaxWorkGroupSizeZ = limits.MaxComputeWorkGroupSize[2],
            MaxWorkGroupInvocations = limits.MaxComputeWorkGroupInvocations,
            MaxWorkGroupCountX = limits.MaxComputeWorkGroupCount[0],
            MaxPushConstantsSize = limits.MaxPushConstantsSize,
            MinStorageBufferOffsetAlignment = limits.MinStorageBufferOffsetAlignment,
            MaxMemoryAllocationSize = is12 ? v11Props.MaxMemoryAllocationSize : 0,
        };

        return new VulkanPhysicalDeviceInfo
        {
            Index = index,
            Name = VulkanStrings.FromFixed(props.DeviceName, (int)Vk.MaxPhysicalDeviceNameSize),
            DeviceType = props.DeviceType,
            ApiVersion = VulkanStrings.ApiVersion(props.ApiVersion),
            DriverName = is12 ? VulkanStrings.FromFixed(v12Props.DriverName, (int)Vk.MaxDriverNameSize) : string.Empty,
            DriverInfo = is12 ? VulkanStrings.FromFixed(v12Props.DriverInfo, (int)Vk.MaxDriverInfoSize) : string.Empty,
            DriverVersion = props.DriverVersion,
            VendorId = props.VendorID,
            DeviceId = props.DeviceID,
            PipelineCacheUuid = VulkanStrings.Uuid(props.PipelineCacheUuid),
            Capabilities = capabilities,
            HasIntegerDotProductExtension = hasDot,
            Handle = device,
        };
    }

    private static bool HasExtension(Vk vk, PhysicalDevice device, string name)
    {
        uint count = 0;
        VulkanCheck.Success(vk.EnumerateDeviceExtensionProperties(device, (byte*)null, ref count, null),
            "vkEnumerateDeviceExtensionProperties");
        var extensions = new ExtensionProperties[count];
        fixed (ExtensionProperties* p = extensions)
        {
            VulkanCheck.Success(vk.EnumerateDeviceExtensionProperties(device, (byte*)null, ref count, p),
                "vkEnumerateDeviceExtensionProperties");
        }

        foreach (ExtensionProperties extension in extensions.AsSpan(0, (int)count))
        {
            if (VulkanStrings.FromFixed(extension.ExtensionName, (int)Vk.MaxExtensionNameSize) == name)
            {
                return true;
            }
        }

        return false;
    }
}
