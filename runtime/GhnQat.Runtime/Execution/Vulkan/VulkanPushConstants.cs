// The push-constant block every network kernel declares (shaders/tensor.glsl `Push`): 16 bytes.
using System.Runtime.InteropServices;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Word offsets of a dispatch's input, output and parameters, plus one op scalar (float bits).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct VulkanPushConstants(uint InBase, uint OutBase, uint ParamBase, uint Aux0)
{
    /// <summary>Size of the block in bytes.</summary>
    public const uint SizeBytes = 16;
}
