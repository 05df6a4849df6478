#version 450
// Element-wise add of N_IN tensors of one width (-D ABITS=8|4|2): q = clamp(roundEven(Σ float32(q_i)·M_i), LO, HI),
// each product one float32 multiply, summed left to right (contract §6). One invocation = one output word;
// workgroup y = channel block, z = image.
// Parameters at pc.paramBase, per input i: [word offset of the tensor, 1 if signed, M_i float bits].
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "tensor.glsl"

layout(constant_id = 5) const uint C = 1u;
layout(constant_id = 6) const uint HW = 1u;
layout(constant_id = 7) const uint N_IN = 2u;

const uint BLOCKS = (C + OUT_P - 1u) / OUT_P;

void main()
{
    uint pixel = gl_GlobalInvocationID.x, ob = gl_WorkGroupID.y, n = gl_WorkGroupID.z, imageWords = inImageWords(C, HW);
    if (pixel >= HW) return;
    uint w0 = 0u, w1 = 0u;
    for (uint j = 0u; j < OUT_P; ++j)
    {
        uint c = ob * OUT_P + j;
        if (c >= C) break;
        precise float sum = 0.0;
        for (uint i = 0u; i < N_IN; ++i)
        {
            uint p = pc.paramBase + 3u * i;
            int q = loadCode(params[p] + n * imageWords, HW, c, pixel, params[p + 1u] != 0u);
            precise float term = float(q) * uintBitsToFloat(params[p + 2u]);
            sum = i == 0u ? term : sum + term;
        }
        packLane(w0, w1, int(clamp(roundEven(sum), float(LO), float(HI))), j);
    }
    storeBlock(pc.outBase + n * BLOCKS * HW * OUT_WORDS_PER_BLOCK, HW, ob, pixel, w0, w1);
}
