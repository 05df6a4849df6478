#version 450
// Max pool and average pool (count_include_pad) on codes, KH×KW windows (square in the ArchSpec space).
// Max: the largest in-bounds code, no requantization. Average: clamp(roundEven(float32(int32 sum) × M), LO, HI),
// M = pc.aux0 (float bits). One invocation = one output word (OUT_P channels of one pixel); workgroup y = channel
// block, z = image.
// Variants: -D ABITS=8|4|2 (input width; pools keep it, so OBITS = ABITS). Global pooling is gap.comp.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "tensor.glsl"

layout(constant_id = 5) const uint C = 1u;
layout(constant_id = 6) const uint IN_H = 1u;
layout(constant_id = 7) const uint IN_W = 1u;
layout(constant_id = 9) const uint OUT_H = 1u;
layout(constant_id = 10) const uint OUT_W = 1u;
layout(constant_id = 11) const uint KH = 1u;
layout(constant_id = 12) const uint STRIDE = 1u;
layout(constant_id = 13) const int PAD = 0;
layout(constant_id = 14) const uint KW = 1u;
layout(constant_id = 15) const bool IS_MAX = false;

const uint BLOCKS = (C + OUT_P - 1u) / OUT_P;

void main()
{
    uint pixel = gl_GlobalInvocationID.x, ob = gl_WorkGroupID.y, n = gl_WorkGroupID.z;
    uint hwOut = OUT_H * OUT_W, hwIn = IN_H * IN_W;
    if (pixel >= hwOut) return;
    uint oy = pixel / OUT_W, ox = pixel % OUT_W;
    uint inImage = pc.inBase + n * inImageWords(C, hwIn);
    uint w0 = 0u, w1 = 0u;
    for (uint j = 0u; j < OUT_P; ++j)
    {
        uint c = ob * OUT_P + j;
        if (c >= C) break;
        int acc = IS_MAX ? -2147483647 - 1 : 0;
        for (uint ky = 0u; ky < KH; ++ky)
        {
            int iy = int(oy * STRIDE + ky) - PAD;
            if (iy < 0 || iy >= int(IN_H)) continue;
            for (uint kx = 0u; kx < KW; ++kx)
            {
                int ix = int(ox * STRIDE + kx) - PAD;
                if (ix < 0 || ix >= int(IN_W)) continue;
                int q = loadCode(inImage, hwIn, c, uint(iy) * IN_W + uint(ix), IN_SIGNED);
                acc = IS_MAX ? max(acc, q) : acc + q;
            }
        }
        packLane(w0, w1, IS_MAX ? acc : requant(acc, uintBitsToFloat(pc.aux0)), j);
    }
    storeBlock(pc.outBase + n * BLOCKS * hwOut * OUT_WORDS_PER_BLOCK, hwOut, ob, pixel, w0, w1);
}
