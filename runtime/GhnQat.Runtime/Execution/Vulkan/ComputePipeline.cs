// A compute pipeline from an embedded SPIR-V variant: N storage buffers at bindings 0..N-1 of set 0, an optional
// push-constant block, specialization constants, and its own descriptor set (one dispatch in flight at a time).
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// One shader variant turned into a VkPipeline with its layout and a descriptor set. Bind buffers with
/// <see cref="BindBuffers"/>, then dispatch through <see cref="VulkanCommandRunner"/>. Dispose before the device.
/// </summary>
public sealed unsafe class ComputePipeline : IDisposable
{
    private readonly VulkanDevice _device;
    private readonly DescriptorSetLayout _setLayout;
    private readonly PipelineLayout _layout;
    private readonly Pipeline _pipeline;
    private readonly DescriptorPool _pool;
    private readonly DescriptorSet _set;
    private bool _disposed;

    /// <summary>Builds the pipeline.</summary>
    /// <param name="device">Owner device.</param>
    /// <param name="shaderVariant">Embedded variant, e.g. "pack_b4" (see <see cref="ShaderLibrary.Variants"/>).</param>
    /// <param name="storageBufferCount">Storage buffers the shader declares at bindings 0..count−1 of set 0.</param>
    /// <param name="pushConstantSizeBytes">Size of the push-constant block (multiple of 4; 0 for none).</param>
    /// <param name="specialization">Specialization constants (e.g. the workgroup width at constant_id 0).</param>
    /// <exception cref="GhnQatException">InvalidArgument for a bad count, size or variant; VulkanError when a call fails.</exception>
    public ComputePipeline(
        VulkanDevice device,
        string shaderVariant,
        int storageBufferCount,
        uint pushConstantSizeBytes = 0,
        ReadOnlySpan<SpecializationConstant> specialization = default)
        : this(device, shaderVariant, storageBufferCount, pushConstantSizeBytes, specialization, null)
    {
    }

    /// <summary>As the public constructor, creating the pipeline through <paramref name="cache"/> when given.</summary>
    internal ComputePipeline(
        VulkanDevice device,
        string shaderVariant,
        int storageBufferCount,
        uint pushConstantSizeBytes,
        ReadOnlySpan<SpecializationConstant> specialization,
        VulkanPipelineCache? cache)
    {
        ArgumentNullException.ThrowIfNull(device);
        Validate(device, storageBufferCount, pushConstantSizeBytes);
        _device = device;
        ShaderVariant = shaderVariant;
        StorageBufferCount = storageBufferCount;
        PushConstantSizeBytes = pushConstantSizeBytes;
        uint[] code = ShaderLibrary.LoadWords(shaderVariant);
        Vk vk = device.Api;
        Device d = device.Handle;
        VulkanObjectCounter objects = device.Objects;
        ShaderModule module = default;
        try
        {
            module = CreateModule(vk, d, code);
            objects.OnCreated(VulkanObjectKind.ShaderModule);
            _setLayout = CreateSetLayout(vk, d, storageBufferCount);
            objects.OnCreated(VulkanObjectKind.DescriptorSetLayout);
            _layout = CreateLayout(vk, d, _setLayout, pushConstantSizeBytes);
            objects.OnCreated(VulkanObjectKind.PipelineLayout);
            _pipeline = CreatePipeline(vk, d, module, _layout, specialization, cache?.Handle ?? default);
            objects.OnCreated(VulkanObjectKind.Pipeline);
            (_pool, _set) = CreateSet(vk, d, _setLayout, storageBufferCount);
            objects.OnCreated(VulkanObjectKind.DescriptorPool);
            objects.OnCreated(VulkanObjectKind.DescriptorSet);
        }
        catch
        {
            Dispose();
            throw;
        }
        finally
        {
            // The pipeline keeps what it needs; the module is only an input to vkCreateComputePipelines.
            if (module.Handle != 0)
            {
                vk.DestroyShaderModule(d, module, null);
                objects.OnDestroyed(VulkanObjectKind.ShaderModule);
            }
        }
    }

    /// <summary>The shader variant this pipeline runs.</summary>
    public string ShaderVariant { get; }

    /// <summary>Number of storage-buffer bindings.</summary>
    public int StorageBufferCount { get; }

    /// <summary>Size of the push-constant block in bytes (0 = none).</summary>
    public uint PushConstantSizeBytes { get; }

    /// <summary>Whether <see cref="BindBuffers"/> has been called (a dispatch needs it).</summary>
    public bool IsBound { get; private set; }

    internal Pipeline Handle => _pipeline;

    internal PipelineLayout Layout => _layout;

    internal DescriptorSet DescriptorSet => _set;

    /// <summary>
    /// Points binding i at <paramref name="buffers"/>[i] (whole buffer). Call only while no dispatch using this
    /// pipeline is in flight (the runner waits for each submit, so between dispatches is fine).
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument for a wrong count or a buffer larger than maxStorageBufferRange.</exception>
    public void BindBuffers(params ReadOnlySpan<VulkanBuffer> buffers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffers.Length != StorageBufferCount)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"pipeline '{ShaderVariant}' has {StorageBufferCount} storage bindings, got {buffers.Length} buffers");
        }

        ulong maxRange = _device.Info.Capabilities.MaxStorageBufferRange;
        var infos = stackalloc DescriptorBufferInfo[buffers.Length];
        var writes = stackalloc WriteDescriptorSet[buffers.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            if (buffers[i].SizeBytes > maxRange)
            {
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                    $"buffer {i} of pipeline '{ShaderVariant}' is {buffers[i].SizeBytes} bytes, over the device's " +
                    $"maxStorageBufferRange of {maxRange} bytes: split it");
            }

            infos[i] = new DescriptorBufferInfo { Buffer = buffers[i].Handle, Offset = 0, Range = Vk.WholeSize };
            writes[i] = new WriteDescriptorSet
            {
                SType = StructureType.WriteDescriptorSet,
                DstSet = _set,
                DstBinding = (uint)i,
                DescriptorCount = 1,
                DescriptorType = DescriptorType.StorageBuffer,
                PBufferInfo = &infos[i],
            };
        }

        _device.Api.UpdateDescriptorSets(_device.Handle, (uint)buffers.Length, writes, 0, null);
        IsBound = true;
    }

    /// <summary>Destroys the descriptor pool (and set), pipeline, pipeline layout and set layout, newest first.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Vk vk = _device.Api;
        Device d = _device.Handle;
        VulkanObjectCounter objects = _device.Objects;
        if (_pool.Handle != 0)
        {
            vk.DestroyDescriptorPool(d, _pool, null);   // frees the set too
            objects.OnDestroyed(VulkanObjectKind.DescriptorPool);
            objects.OnDestroyed(VulkanObjectKind.DescriptorSet);
        }

        if (_pipeline.Handle != 0)
        {
            vk.DestroyPipeline(d, _pipeline, null);
            objects.OnDestroyed(VulkanObjectKind.Pipeline);
        }

        if (_layout.Handle != 0)
        {
            vk.DestroyPipelineLayout(d, _layout, null);
            objects.OnDestroyed(VulkanObjectKind.PipelineLayout);
        }

        if (_setLayout.Handle != 0)
        {
            vk.DestroyDescriptorSetLayout(d, _setLayout, null);
            objects.OnDestroyed(VulkanObjectKind.DescriptorSetLayout);
        }
    }

    private static void Validate(VulkanDevice device, int storageBufferCount, uint pushConstantSizeBytes)
    {
        if (storageBufferCount is < 1 or > 32)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"a compute pipeline needs 1..32 storage buffers, got {storageBufferCount}");
        }

        uint max = device.Info.Capabilities.MaxPushConstantsSize;
        if (pushConstantSizeBytes % 4 != 0 || pushConstantSizeBytes > max)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"push-constant block of {pushConstantSizeBytes} bytes must be a multiple of 4 and at most {max} bytes");
        }
    }

    private static ShaderModule CreateModule(Vk vk, Device device, uint[] code)
    {
        fixed (uint* words = code)
        {
            var info = new ShaderModuleCreateInfo
            {
                SType = StructureType.ShaderModuleCreateInfo,
                CodeSize = (nuint)(code.Length * sizeof(uint)),
                PCode = words,
            };
            ShaderModule module;
            VulkanCheck.Success(vk.CreateShaderModule(device, &info, null, &module), "vkCreateShaderModule");
            return module;
        }
    }

    private static DescriptorSetLayout CreateSetLayout(Vk vk, Device device, int count)
    {
        var bindings = stackalloc DescriptorSetLayoutBinding[count];
        for (int i = 0; i < count; i++)
        {
            bindings[i] = new DescriptorSetLayoutBinding
            {
                Binding = (uint)i,
                DescriptorType = DescriptorType.StorageBuffer,
                DescriptorCount = 1,
                StageFlags = ShaderStageFlags.ComputeBit,
            };
        }

        var info = new DescriptorSetLayoutCreateInfo
        {
            SType = StructureType.DescriptorSetLayoutCreateInfo,
            BindingCount = (uint)count,
            PBindings = bindings,
        };
        DescriptorSetLayout layout;
        VulkanCheck.Success(vk.CreateDescriptorSetLayout(device, &info, null, &layout), "vkCreateDescriptorSetLayout");
        return layout;
    }

    private static PipelineLayout CreateLayout(Vk vk, Device device, DescriptorSetLayout setLayout, uint pushBytes)
    {
        var range = new PushConstantRange { StageFlags = ShaderStageFlags.ComputeBit, Offset = 0, Size = pushBytes };
        var info = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo,
            SetLayoutCount = 1,
            PSetLayouts = &setLayout,
            PushConstantRangeCount = pushBytes > 0 ? 1u : 0u,
            PPushConstantRanges = pushBytes > 0 ? &range : null,
        };
        PipelineLayout layout;
        VulkanCheck.Success(vk.CreatePipelineLayout(device, &info, null, &layout), "vkCreatePipelineLayout");
        return layout;
    }

    private static Pipeline CreatePipeline(
        Vk vk, Device device, ShaderModule module, PipelineLayout layout, ReadOnlySpan<SpecializationConstant> constants, PipelineCache cache)
    {
        // Every constant is 4 bytes: entry i reads data[i].
        var entries = stackalloc SpecializationMapEntry[Math.Max(1, constants.Length)];
        var data = stackalloc uint[Math.Max(1, constants.Length)];
        for (int i = 0; i < constants.Length; i++)
        {
            entries[i] = new SpecializationMapEntry { ConstantID = constants[i].Id, Offset = (uint)(i * 4), Size = 4 };
            data[i] = constants[i].Bits;
        }

        var specialization = new SpecializationInfo
        {
            MapEntryCount = (uint)constants.Length,
            PMapEntries = entries,
            DataSize = (nuint)(constants.Length * 4),
            PData = data,
        };
        byte* entryPoint = stackalloc byte[] { (byte)'m', (byte)'a', (byte)'i', (byte)'n', 0 };
        var info = new ComputePipelineCreateInfo
        {
            SType = StructureType.ComputePipelineCreateInfo,
            Stage = new PipelineShaderStageCreateInfo
            {
                SType = StructureType.PipelineShaderStageCreateInfo,
                Stage = ShaderStageFlags.ComputeBit,
                Module = module,
                PName = entryPoint,
                PSpecializationInfo = constants.IsEmpty ? null : &specialization,
            },
            Layout = layout,
        };
        Pipeline pipeline;
        VulkanCheck.Success(vk.CreateComputePipelines(device, cache, 1, &info, null, &pipeline), "vkCreateComputePipelines");
        return pipeline;
    }

    private static (DescriptorPool Pool, DescriptorSet Set) CreateSet(Vk vk, Device device, DescriptorSetLayout layout, int count)
    {
        var size = new DescriptorPoolSize { Type = DescriptorType.StorageBuffer, DescriptorCount = (uint)count };
        var poolInfo = new DescriptorPoolCreateInfo
        {
            SType = StructureType.DescriptorPoolCreateInfo,
            MaxSets = 1,
            PoolSizeCount = 1,
            PPoolSizes = &size,
        };
        DescriptorPool pool;
        VulkanCheck.Success(vk.CreateDescriptorPool(device, &poolInfo, null, &pool), "vkCreateDescriptorPool");
        var allocInfo = new DescriptorSetAllocateInfo
        {
            SType = StructureType.DescriptorSetAllocateInfo,
            DescriptorPool = pool,
            DescriptorSetCount = 1,
            PSetLayouts = &layout,
        };
        DescriptorSet set;
        Result result = vk.AllocateDescriptorSets(device, &allocInfo, &set);
        if (result != Result.Success)
        {
            vk.DestroyDescriptorPool(device, pool, null);
            throw VulkanCheck.Failure(result, "vkAllocateDescriptorSets");
        }

        return (pool, set);
    }
}
