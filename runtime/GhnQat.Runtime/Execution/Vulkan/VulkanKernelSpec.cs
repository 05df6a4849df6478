// What one dispatch of a network needs before a pipeline exists: variant, specialization constants, push constants.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// A planned kernel: shader variant, its specialization constants (ids as in shaders/*.comp), push constants and grid:
/// <see cref="Pixels"/> output pixels along x (<see cref="PixelsPerInvocation"/> per invocation) per output channel block
/// (workgroup y), one workgroup layer per image (z).
/// </summary>
internal sealed record VulkanKernelSpec(string Name, string Variant, SpecializationConstant[] Constants, VulkanPushConstants Push,
    uint Pixels, uint Blocks, uint PixelsPerInvocation = 1);
