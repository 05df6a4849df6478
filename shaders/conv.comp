#version 450
// Dense (and grouped, via zero weights) conv with the fused contract epilogue; also the classifier (LOGITS: float
// logits to binding 2). One invocation = P output channels of PIX consecutive pixels; workgroup y = block, z = image.
// Variants: -D ABITS=8|4|2 (input width); POPCOUNT=1 for 2-bit×2-bit: AND + bitCount on bit-planes.
// Parameters at pc.paramBase: weights [O_PAD][K·K][IN_BLOCKS][WPB] words, then bias[O_PAD] (float, output-code units), M[O_PAD] (float).
// Weight words: POPCOUNT → planes (w0, w1) of 32 input channels; otherwise int8 lanes, 4 input channels per word
// (on lavapipe every load in a loop is a per-lane gather, so fewer, denser weight words win over pre-expanded ints).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#include "tensor.glsl"

layout(constant_id = 5) const uint IN_C = 1u;
layout(constant_id = 6) const uint IN_H = 1u;
layout(constant_id = 7) const uint IN_W = 1u;
layout(constant_id = 8) const uint OUT_C = 1u;
layout(constant_id = 9) const uint OUT_H = 1u;
layout(constant_id = 10) const uint OUT_W = 1u;
layout(constant_id = 11) const uint K = 1u;
layout(constant_id = 12) const uint STRIDE = 1u;
layout(constant_id = 13) const int PAD = 0;
layout(constant_id = 14) const uint DIL = 1u;
layout(constant_id = 15) const bool LOGITS = false;

const uint P = LOGITS ? 1u : OUT_P;
const uint OUT_BLOCKS = (OUT_C + P - 1u) / P;
const uint IN_BLOCKS = (IN_C + IN_P - 1u) / IN_P;
#ifdef POPCOUNT
const uint WPB = 2u;
#else
const uint WPB = IN_P / 4u;
#endif
const uint W_PER_OUT = K * K * IN_BLOCKS * WPB;
// Output pixels per invocation: every weight word loaded serves PIX pixels (on lavapipe each load in a loop is a
// per-lane gather, so loads, not ALU, bound the kernel). P_ACTIVE·PIX ≤ 64 accumulators.
// Only the first P_ACTIVE channels of a block can be real when the layer is narrower than one block (a 16-channel
// 2-bit layer): the rest are skipped, and PIX grows instead.
const uint P_ACTIVE = OUT_C < P ? OUT_C : P;
const uint PIX = LOGITS ? 1u : (64u / P_ACTIVE < 4u ? 64u / P_ACTIVE : 4u);

void main()
{
    uint first = gl_GlobalInvocationID.x * PIX, ob = gl_WorkGroupID.y, n = gl_WorkGroupID.z, hwOut = OUT_H * OUT_W;
    if (first >= hwOut) return;
    uint inImage = pc.inBase + n * inImageWords(IN_C, IN_H * IN_W);
    int iy0[PIX], ix0[PIX];
    [[unroll]] for (uint t = 0u; t < PIX; ++t)
    {
        uint pixel = min(first + t, hwOut - 1u);   // a tail pixel recomputes the last one and is not stored
        iy0[t] = int((pixel / OUT_W) * STRIDE) - PAD;
        ix0[t] = int((pixel % OUT_W) * STRIDE) - PAD;
    }
    int acc[64];
    [[unroll]] for (uint i = 0u; i < P_ACTIVE * PIX; ++i) acc[i] = 0;
    for (uint ky = 0u; ky < K; ++ky)
        for (uint kx = 0u; kx < K; ++kx)
            for (uint b = 0u; b < IN_BLOCKS; ++b)
            {
#ifdef POPCOUNT
                uint a0[PIX], a1[PIX];
#else
                int x[PIX * IN_P];
#endif
                [[unroll]] for (uint t = 0u; t < PIX; ++t)
                {
                    int iy = iy0[t] + int(ky * DIL), ix = ix0[t] + int(kx * DIL);
                    bool inside = iy >= 0 && iy < int(IN_H) && ix >= 0 && ix < int(IN_W);   // zero padding
                    uint xi = inImage + (b * IN_H * IN_W + uint(inside ? iy * int(IN_W) + ix : 0)) * IN_WORDS_PER_BLOCK;
#ifdef POPCOUNT
                    a0[t] = inside ? act[xi] : 0u;
                    a1[t] = inside ? act[xi + 1u] : 0u;
#else
                    int xt[IN_P];
                    unpackBlock(xi, IN_SIGNED, xt);
                    [[unroll]] for (uint l = 0u; l < IN_P; ++l) x[t * IN_P + l] = inside ? xt[l] : 0;
#endif
                }
                uint wi = pc.paramBase + ob * P * W_PER_OUT + ((ky * K + kx) * IN_BLOCKS + b) * WPB;
                [[unroll]] for (uint j = 0u; j < P_ACTIVE; ++j, wi += W_PER_OUT)
                {
#ifdef POPCOUNT
                    uint w0 = params[wi], w1 = params[wi + 1u];
                    [[unroll]] for (uint t = 0u; t < PIX; ++t)
                    {
                        int p00 = bitCount(a0[t] & w0), p10 = bitCount(a1[t] & w0);
                        int p01 = bitCount(a0[t] & w1), p11 = bitCount(a1[t] & w1);
                        // Σ a·w with w = w0 − 2·w1 and a = a0 ∓ 2·a1 (signed: −, unsigned: +).
                        acc[t * P_ACTIVE + j] += IN_SIGNED ? p00 - 2 * (p10 + p01) + 4 * p11
                                                           : p00 + 2 * p10 - 2 * p01 - 4 * p11;
                    }
#else
                    [[unroll]] for (uint q = 0u; q < WPB; ++q)
                    {
                        int w = int(params[wi + q]);
                        int w0 = bitfieldExtract(w, 0, 8), w1 = bitfieldExtract(w, 8, 8);
                        int w2 = bitfieldExtract(w, 16, 8), w3 = bitfieldExtract(w, 24, 8);
                        [[unroll]] for (uint t = 0u; t < PIX; ++t)
                        {
                            uint l = t * IN_P + 4u * q;
                            acc[t * P_ACTIVE + j] += x[l] * w0 + x[l + 1u] * w1 + x[l + 2u] * w2 + x[l + 3u] * w3;
                        }
                    }
#endif
                }
            }
    uint biasBase = pc.paramBase + OUT_BLOCKS * P * W_PER_OUT, multBase = biasBase + OUT_BLOCKS * P;
    if (LOGITS)
    {
        // Classifier: logit = float32(acc) × M + bias, no rounding, no clamp.
        precise float product = float(acc[0]) * uintBitsToFloat(params[multBase + ob]);
        precise float logit = product + uintBitsToFloat(params[biasBase + ob]);
        io[pc.outBase + n * OUT_C + ob] = logit;
        return;
    }
    [[unroll]] for (uint t = 0u; t < PIX; ++t)
    {
        if (first + t >= hwOut) break;
        uint w0 = 0u, w1 = 0u;
        [[unroll]] for (uint j = 0u; j < P_ACTIVE; ++j)
        {
            uint o = ob * P + j;
            if (o >= OUT_C) break;
            packLane(w0, w1, requantBias(acc[t * P_ACTIVE + j], uintBitsToFloat(params[multBase + o]), uintBitsToFloat(params[biasBase + o])), j);
        }
        storeBlock(pc.outBase + n * OUT_BLOCKS * hwOut * OUT_WORDS_PER_BLOCK, hwOut, ob, first + t, w0, w1);
    }
}
