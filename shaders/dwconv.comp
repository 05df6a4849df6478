#version 450
// Depthwise conv (groups = in = out channels) with the fused contract epilogue. One invocation = OUT_P channels of
// PIX consecutive pixels; workgroup y = channel block, z = image. Variants: -D ABITS=8|4|2 (input width; output width
// is OBITS). When the widths match (all but a layer reading the image) a tap unpacks one input block for all channels.
// Parameters at pc.paramBase: weights [O_PAD/OUT_P][K·K][OUT_P/4] words of int8 lanes (channel block·OUT_P + 4q + l
// in lane l of word q), then bias[O_PAD] (float), M[O_PAD] (float).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "tensor.glsl"

layout(constant_id = 5) const uint C = 1u;
layout(constant_id = 6) const uint IN_H = 1u;
layout(constant_id = 7) const uint IN_W = 1u;
layout(constant_id = 9) const uint OUT_H = 1u;
layout(constant_id = 10) const uint OUT_W = 1u;
layout(constant_id = 11) const uint K = 1u;
layout(constant_id = 12) const uint STRIDE = 1u;
layout(constant_id = 13) const int PAD = 0;
layout(constant_id = 14) const uint DIL = 1u;

const uint BLOCKS = (C + OUT_P - 1u) / OUT_P;
const bool SAME_WIDTH = OBITS == uint(ABITS);
const uint P_ACTIVE = C < OUT_P ? C : OUT_P;   // real channels of a block (all but a layer narrower than one block)
// Output pixels per invocation: the weight words of a tap serve PIX pixels (≤ 64 accumulators).
const uint PIX = 64u / P_ACTIVE < 4u ? 64u / P_ACTIVE : 4u;

void main()
{
    uint first = gl_GlobalInvocationID.x * PIX, ob = gl_WorkGroupID.y, n = gl_WorkGroupID.z;
    uint hwOut = OUT_H * OUT_W, hwIn = IN_H * IN_W;
    if (first >= hwOut) return;
    uint inImage = pc.inBase + n * inImageWords(C, hwIn);
    int acc[64];
    [[unroll]] for (uint i = 0u; i < P_ACTIVE * PIX; ++i) acc[i] = 0;
    for (uint ky = 0u; ky < K; ++ky)
        for (uint kx = 0u; kx < K; ++kx)
        {
            uint wi = pc.paramBase + (ob * K * K + ky * K + kx) * (OUT_P / 4u);
            [[unroll]] for (uint t = 0u; t < PIX; ++t)
            {
                uint pixel = min(first + t, hwOut - 1u);   // a tail pixel recomputes the last one and is not stored
                int iy = int((pixel / OUT_W) * STRIDE + ky * DIL) - PAD;
                int ix = int((pixel % OUT_W) * STRIDE + kx * DIL) - PAD;
                if (iy < 0 || iy >= int(IN_H) || ix < 0 || ix >= int(IN_W)) continue;   // zero padding
                uint inPixel = uint(iy) * IN_W + uint(ix);
                int x[IN_P];
                if (SAME_WIDTH) unpackBlock(inImage + (ob * hwIn + inPixel) * IN_WORDS_PER_BLOCK, IN_SIGNED, x);
                [[unroll]] for (uint j = 0u; j < P_ACTIVE; ++j)
                {
                    uint c = ob * OUT_P + j;   // padding channels have zero weights and zero codes
                    int q = SAME_WIDTH ? x[min(j, IN_P - 1u)]
                                       : (c < C ? loadCode(inImage, hwIn, c, inPixel, IN_SIGNED) : 0);
                    acc[t * P_ACTIVE + j] += q * bitfieldExtract(int(params[wi + j / 4u]), int(8u * (j % 4u)), 8);
                }
            }
        }
    uint biasBase = pc.paramBase + BLOCKS * K * K * (OUT_P / 4u), multBase = biasBase + BLOCKS * OUT_P;
    [[unroll]] for (uint t = 0u; t < PIX; ++t)
    {
        if (first + t >= hwOut) break;
        uint w0 = 0u, w1 = 0u;
        [[unroll]] for (uint j = 0u; j < P_ACTIVE; ++j)
        {
            uint c = ob * OUT_P + j;
            if (c >= C) break;
            packLane(w0, w1, requantBias(acc[t * P_ACTIVE + j], uintBitsToFloat(params[multBase + c]), uintBitsToFloat(params[biasBase + c])), j);
        }
        storeBlock(pc.outBase + n * BLOCKS * hwOut * OUT_WORDS_PER_BLOCK, hwOut, ob, first + t, w0, w1);
    }
}
