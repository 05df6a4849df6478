// One specialization constant (constant_id → 32-bit value) for a compute pipeline: static shapes and choices
// are baked in at pipeline creation (ncnn style), per-dispatch values go in push constants instead.
namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>A 32-bit specialization constant: <c>layout(constant_id = Id)</c> in GLSL gets <see cref="Bits"/>.</summary>
/// <param name="Id">The GLSL <c>constant_id</c>.</param>
/// <param name="Bits">The value's 32 bits (int, uint and bool constants are all 4 bytes).</param>
public readonly record struct SpecializationConstant(uint Id, uint Bits)
{
    /// <summary>An <c>int</c> constant.</summary>
    public static SpecializationConstant FromInt(uint id, int value) => new(id, unchecked((uint)value));

    /// <summary>A <c>uint</c> constant.</summary>
    public static SpecializationConstant FromUInt(uint id, uint value) => new(id, value);

    /// <summary>A <c>bool</c> constant (VkBool32: 1 or 0).</summary>
    public static SpecializationConstant FromBool(uint id, bool value) => new(id, value ? 1u : 0u);
}
