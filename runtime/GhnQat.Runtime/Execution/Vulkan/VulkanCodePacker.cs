// Host side of shaders/pack.comp: the packing contract on the GPU (int32 codes ↔ packed words) for one bit width
// and signedness, the GPU twin of Quantization.Packing.CodePacking.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization.Packing;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// Pack and unpack pipelines (variants <c>pack_b{bits}</c> / <c>unpack_b{bits}</c>) specialized for one signedness.
/// Binding 0 = int32 codes, binding 1 = packed uint32 words; the push constant is the element count.
/// Dispose before the device.
/// </summary>
public sealed class VulkanCodePacker : IDisposable
{
    /// <summary>Default workgroup width (invocations); clamped to the device limit.</summary>
    public const uint DefaultLocalSize = 64;

    // constant_id values declared in shaders/pack.comp.
    private const uint LocalSizeConstantId = 0;
    private const uint SignedConstantId = 1;

    private readonly ComputePipeline _pack;
    private readonly ComputePipeline _unpack;

    /// <summary>Builds both pipelines.</summary>
    /// <param name="device">Owner device.</param>
    /// <param name="bits">8, 4 or 2.</param>
    /// <param name="isSigned">Whether unpacking sign-extends (packing only masks, so it is the same either way).</param>
    /// <param name="localSize">Workgroup width; 0 for <see cref="DefaultLocalSize"/>.</param>
    /// <exception cref="GhnQatException">InvalidArgument for an unsupported width; VulkanError when a call fails.</exception>
    public VulkanCodePacker(VulkanDevice device, int bits, bool isSigned, uint localSize = 0)
    {
        ArgumentNullException.ThrowIfNull(device);
        PackedLayout.ValidateBits(bits);
        Bits = bits;
        IsSigned = isSigned;
        LocalSize = Math.Min(localSize == 0 ? DefaultLocalSize : localSize, device.Info.Capabilities.MaxWorkGroupSizeX);
        ReadOnlySpan<SpecializationConstant> constants =
        [
            SpecializationConstant.FromUInt(LocalSizeConstantId, LocalSize),
            SpecializationConstant.FromBool(SignedConstantId, isSigned),
        ];
        _pack = new ComputePipeline(device, $"pack_b{bits}", 2, sizeof(uint), constants);
        try
        {
            _unpack = new ComputePipeline(device, $"unpack_b{bits}", 2, sizeof(uint), constants);
        }
        catch
        {
            _pack.Dispose();
            throw;
        }
    }

    /// <summary>Code width in bits.</summary>
    public int Bits { get; }

    /// <summary>Whether codes are signed (two's complement).</summary>
    public bool IsSigned { get; }

    /// <summary>Workgroup width in invocations.</summary>
    public uint LocalSize { get; }

    /// <summary>
    /// Packs the first <paramref name="count"/> int32 codes of <paramref name="codes"/> into <paramref name="words"/>
    /// (one invocation per word; tail padding zero) and waits. Codes must already be in range: the shader masks, it
    /// does not check (range checks belong to the host-side quantizer).
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument when a buffer is too small; VulkanError when the submit fails.</exception>
    public void Pack(VulkanCommandRunner runner, VulkanBuffer codes, VulkanBuffer words, int count)
    {
        ArgumentNullException.ThrowIfNull(runner);
        int wordCount = CheckSizes(codes, words, count);
        if (count == 0)
        {
            return;
        }

        _pack.BindBuffers(codes, words);
        uint n = (uint)count;
        runner.Dispatch(_pack, in n, VulkanCommandRunner.GroupCount((uint)wordCount, LocalSize));
    }

    /// <summary>Unpacks <paramref name="count"/> codes from <paramref name="words"/> into <paramref name="codes"/> (one invocation per element) and waits.</summary>
    /// <exception cref="GhnQatException">InvalidArgument when a buffer is too small; VulkanError when the submit fails.</exception>
    public void Unpack(VulkanCommandRunner runner, VulkanBuffer words, VulkanBuffer codes, int count)
    {
        ArgumentNullException.ThrowIfNull(runner);
        CheckSizes(codes, words, count);
        if (count == 0)
        {
            return;
        }

        _unpack.BindBuffers(codes, words);
        uint n = (uint)count;
        runner.Dispatch(_unpack, in n, VulkanCommandRunner.GroupCount(n, LocalSize));
    }

    /// <summary>Destroys both pipelines (unpack first: reverse creation order).</summary>
    public void Dispose()
    {
        _unpack.Dispose();
        _pack.Dispose();
    }

    private int CheckSizes(VulkanBuffer codes, VulkanBuffer words, int count)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(words);
        int wordCount = PackedLayout.WordCount(Bits, count);
        if (codes.SizeBytes < (ulong)count * sizeof(int) || words.SizeBytes < (ulong)wordCount * sizeof(uint))
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"{count} {Bits}-bit codes need a {count * sizeof(int)}-byte code buffer and a {wordCount * sizeof(uint)}-byte " +
                $"word buffer; got {codes.SizeBytes} and {words.SizeBytes} bytes");
        }

        return wordCount;
    }
}
