#version 450
// Global average pool: sum_c = Σ_{h,w} q[c,h,w] (int32), y_c = clamp(roundEven(float32(sum_c) × M), LO, HI), M =
// pc.aux0 (float bits). One workgroup = one output word (OUT_P channels) of one image (y = block, z = image): its
// invocations sum strided pixels, then add into shared memory (integer sums: the order cannot change the result).
// Variants: -D ABITS=8|4|2 (input width; the output width OBITS is usually ClassifierBits).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "tensor.glsl"

layout(constant_id = 5) const uint C = 1u;
layout(constant_id = 6) const uint HW = 1u;

shared int sums[32];

void main()
{
    uint ob = gl_WorkGroupID.y, n = gl_WorkGroupID.z, lid = gl_LocalInvocationID.x;
    for (uint j = lid; j < OUT_P; j += gl_WorkGroupSize.x) sums[j] = 0;
    barrier();
    uint inImage = pc.inBase + n * inImageWords(C, HW);
    int acc[32];
    [[unroll]] for (uint j = 0u; j < OUT_P; ++j) acc[j] = 0;
    for (uint pixel = lid; pixel < HW; pixel += gl_WorkGroupSize.x)
        [[unroll]] for (uint j = 0u; j < OUT_P; ++j)
        {
            uint c = ob * OUT_P + j;
            if (c < C) acc[j] += loadCode(inImage, HW, c, pixel, IN_SIGNED);
        }
    [[unroll]] for (uint j = 0u; j < OUT_P; ++j)
        if (acc[j] != 0) atomicAdd(sums[j], acc[j]);
    barrier();
    if (lid != 0u) return;
    uint w0 = 0u, w1 = 0u;
    [[unroll]] for (uint j = 0u; j < OUT_P; ++j)
        if (ob * OUT_P + j < C) packLane(w0, w1, requant(sums[j], uintBitsToFloat(pc.aux0)), j);
    storeBlock(pc.outBase + n * ((C + OUT_P - 1u) / OUT_P) * OUT_WORDS_PER_BLOCK, 1u, ob, 0u, w0, w1);
}
