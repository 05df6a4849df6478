// Lays a QuantizedNetwork out for the device: every tensor's packed region in the activation buffer, every layer's
// parameter words, the float I/O region (images, then logits), and one kernel spec per dispatch.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// The static device plan of a network for batches of up to <see cref="MaxBatch"/> images. Every tensor keeps its
/// own region (no reuse), so any tensor's codes can be read back after a run.
/// </summary>
internal sealed class VulkanNetworkPlan
{
    // Specialization constant ids shared by every network kernel (shaders/tensor.glsl), then per-op shapes.
    private const uint LocalSizeId = 0, InSignedId = 1, OutBitsId = 2, LoId = 3, HiId = 4;

    public VulkanNetworkPlan(QuantizedNetwork network, int maxBatch, uint localSize)
    {
        Network = network;
        MaxBatch = maxBatch;
        LocalSize = localSize;
        var layouts = new Dictionary<string, VulkanTensorLayout>(StringComparer.Ordinal);
        ulong words = 0;
        foreach (QuantTensorInfo tensor in network.Tensors)
        {
            var layout = VulkanTensorLayout.For(tensor, checked((uint)words));
            layouts[tensor.Id] = layout;
            words += (ulong)layout.ImageWords * (ulong)maxBatch;
        }

        Layouts = layouts;
        ActivationWords = checked((uint)words);
        InputFloats = (int)network.Spec.Input.ElementCount * maxBatch;
        LogitsOffset = (uint)InputFloats;
        var parameters = new List<uint>();
        var kernels = new List<VulkanKernelSpec> { InputKernel() };
        foreach (QLayer layer in network.Layers) kernels.Add(LayerKernel(layer, parameters));
        Kernels = kernels;
        Parameters = parameters.Count > 0 ? [.. parameters] : [0u];
    }

    public QuantizedNetwork Network { get; }
    public int MaxBatch { get; }
    public uint LocalSize { get; }
    public IReadOnlyDictionary<string, VulkanTensorLayout> Layouts { get; }
    public uint ActivationWords { get; }
    public uint[] Parameters { get; }
    /// <summary>Floats of the image region at the start of the I/O buffer.</summary>
    public int InputFloats { get; }
    /// <summary>Float offset of the logits [MaxBatch, classes] in the I/O buffer.</summary>
    public uint LogitsOffset { get; }
    public int IoFloats => InputFloats + (MaxBatch * Network.Spec.Classes);
    /// <summary>The image quantization, then one kernel per layer.</summary>
    public IReadOnlyList<VulkanKernelSpec> Kernels { get; }

    private VulkanKernelSpec InputKernel()
    {
        VulkanTensorLayout o = Layouts[Network.Input.Id];
        return new VulkanKernelSpec("input", "quantize",
            [.. Common(false, o, Network.Input.Lo, Network.Input.Hi), U(5, o.Channels), U(6, o.Pixels)],
            new VulkanPushConstants(0, o.BaseWord, 0, BitConverter.SingleToUInt32Bits(Network.InputInvScale)),
            (uint)o.Pixels, (uint)o.Blocks);
    }

    private VulkanKernelSpec LayerKernel(QLayer layer, List<uint> parameters)
    {
        VulkanTensorLayout x = Layouts[layer.InputIds[0]];
        if (layer is QLinearLayer fc)
        {
            uint at = VulkanLayerParameters.AppendDense(parameters, fc.Weights.AsSpan(), fc.OutFeatures, fc.InFeatures, 1, 1,
                fc.Bias.AsSpan(), fc.Multipliers.AsSpan(), x, 1, popcount: false);
            SpecializationConstant[] c = [.. Common(x.IsSigned, x, 0, 0), .. ConvShape(x, fc.OutFeatures, 1, 1, 1, 1, 0, 1), B(15, true)];
            return new VulkanKernelSpec(fc.Name, $"conv_a{x.Bits}", c, new VulkanPushConstants(x.BaseWord, LogitsOffset, at, 0), 1, (uint)fc.OutFeatures);
        }

        VulkanTensorLayout y = Layouts[layer.OutputId];
        var (pixels, blocks) = ((uint)y.Pixels, (uint)y.Blocks);
        switch (layer)
        {
            case QConvLayer conv when conv.Groups > 1 && conv.Groups == conv.InChannels && conv.OutChannels == conv.InChannels:
            {
                uint at = VulkanLayerParameters.AppendDepthwise(parameters, conv, y.BlockChannels);
                SpecializationConstant[] c = [.. Common(x.IsSigned, y, conv.Lo, conv.Hi),
                    .. ConvShape(x, conv.OutChannels, y.Height, y.Width, conv.Kernel, conv.Stride, conv.Padding, conv.Dilation)];
                return new VulkanKernelSpec(conv.Name, $"dwconv_a{x.Bits}", c, new VulkanPushConstants(x.BaseWord, y.BaseWord, at, 0), pixels, blocks,
                    PixelsPerInvocation(y.BlockChannels, conv.OutChannels));
            }
            case QConvLayer conv:
            {
                bool popcount = x.Bits == 2 && conv.WeightBits == 2;
                uint at = VulkanLayerParameters.AppendDense(parameters, conv.Weights.AsSpan(), conv.OutChannels, conv.InChannels,
                    conv.Groups, conv.Kernel, conv.Bias.AsSpan(), conv.Multipliers.AsSpan(), x, y.BlockChannels, popcount);
                SpecializationConstant[] c = [.. Common(x.IsSigned, y, conv.Lo, conv.Hi),
                    .. ConvShape(x, conv.OutChannels, y.Height, y.Width, conv.Kernel, conv.Stride, conv.Padding, conv.Dilation), B(15, false)];
                string variant = popcount ? "conv_a2_popcount" : $"conv_a{x.Bits}";
                uint pix = PixelsPerInvocation(y.BlockChannels, conv.OutChannels);
                return new VulkanKernelSpec(conv.Name, variant, c, new VulkanPushConstants(x.BaseWord, y.BaseWord, at, 0), pixels, blocks, pix);
            }
            case QMaxPoolLayer max:
                return Pool(max.Name, x, y, max.Kernel, max.Kernel, max.Stride, max.Padding, isMax: true, 0f, Network.Tensor(max.OutputId).Lo, Network.Tensor(max.OutputId).Hi, pixels, blocks);
            case QAvgPoolLayer avg:
                return Pool(avg.Name, x, y, avg.Kernel, avg.Kernel, avg.Stride, avg.Padding, isMax: false, avg.Multiplier, avg.Lo, avg.Hi, pixels, blocks);
            case QGlobalAvgPoolLayer gap:
            {
                // One workgroup per output word and image (gap.comp reduces over pixels in shared memory).
                SpecializationConstant[] c = [.. Common(x.IsSigned, y, gap.Lo, gap.Hi), U(5, x.Channels), U(6, x.Pixels)];
                return new VulkanKernelSpec(gap.Name, $"gap_a{x.Bits}", c,
                    new VulkanPushConstants(x.BaseWord, y.BaseWord, 0, BitConverter.SingleToUInt32Bits(gap.Multiplier)), 1, blocks);
            }
            case QAddLayer add:
            {
                foreach (string id in add.Inputs)
                {
                    if (Layouts[id].Bits != x.Bits || Layouts[id].Channels != x.Channels || Layouts[id].Pixels != x.Pixels)
                        throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                            $"add '{add.Name}': the Vulkan kernel needs inputs of one width and shape; '{id}' differs from '{add.Inputs[0]}'");
                }

                uint at = VulkanLayerParameters.AppendAdd(parameters, add, Layouts);
                SpecializationConstant[] c = [.. Common(false, y, add.Lo, add.Hi), U(5, y.Channels), U(6, y.Pixels), U(7, add.Inputs.Length)];
                return new VulkanKernelSpec(add.Name, $"add_a{x.Bits}", c, new VulkanPushConstants(0, y.BaseWord, at, 0), pixels, blocks);
            }
            default:
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"layer '{layer.Name}' ({layer.GetType().Name}) has no Vulkan kernel");
        }
    }

    private VulkanKernelSpec Pool(string name, VulkanTensorLayout x, VulkanTensorLayout y, int kh, int kw, int stride, int pad,
        bool isMax, float multiplier, int lo, int hi, uint pixels, uint blocks)
    {
        SpecializationConstant[] c = [.. Common(x.IsSigned, y, lo, hi), U(5, x.Channels), U(6, x.Height), U(7, x.Width), U(9, y.Height),
            U(10, y.Width), U(11, kh), U(12, stride), SpecializationConstant.FromInt(13, pad), U(14, kw), B(15, isMax)];
        return new VulkanKernelSpec(name, $"pool_a{x.Bits}", c,
            new VulkanPushConstants(x.BaseWord, y.BaseWord, 0, BitConverter.SingleToUInt32Bits(multiplier)), pixels, blocks);
    }

    // conv.comp's and dwconv.comp's PIX: output pixels per invocation, so that P_ACTIVE·PIX accumulators stay ≤ 64.
    private static uint PixelsPerInvocation(int blockChannels, int outChannels) => (uint)Math.Min(4, 64 / Math.Min(blockChannels, outChannels));

    private SpecializationConstant[] Common(bool inSigned, VulkanTensorLayout output, int lo, int hi) =>
        [U(LocalSizeId, (int)LocalSize), B(InSignedId, inSigned), U(OutBitsId, output.Bits),
            SpecializationConstant.FromInt(LoId, lo), SpecializationConstant.FromInt(HiId, hi)];

    private static SpecializationConstant[] ConvShape(VulkanTensorLayout x, int outChannels, int outHeight, int outWidth, int kernel,
        int stride, int padding, int dilation) =>
        [U(5, x.Channels), U(6, x.Height), U(7, x.Width), U(8, outChannels), U(9, outHeight), U(10, outWidth), U(11, kernel),
            U(12, stride), SpecializationConstant.FromInt(13, padding), U(14, dilation)];

    private static SpecializationConstant U(uint id, int value) => SpecializationConstant.FromUInt(id, checked((uint)value));

    private static SpecializationConstant B(uint id, bool value) => SpecializationConstant.FromBool(id, value);
}
