// Activation layout and epilogue shared by the network kernels (docs/vulkan.md §Layouts).
// One image of a tensor C×H×W is channel-blocked planar: 8-bit = 4 channels per uint, 4-bit = 8 per uint (lane
// i of block b is channel 4b+i / 8b+i), 2-bit = blocks of 32 channels as two bit-plane words per pixel
// ([block][pixel][plane]). Word index: 8/4-bit block·HW + pixel, 2-bit (block·HW + pixel)·2 + plane.
// Bindings (every kernel): 0 = packed activations of all tensors, 1 = layer parameters, 2 = float images/logits.
// Grid: x = output pixel, workgroup y = output channel block, z = image, so weight and block addresses are uniform
// across a workgroup (lavapipe then loads them once instead of gathering per lane).
// Spec constants 0..4 are common: workgroup width, input signedness, output width, output clamp lo/hi.

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool IN_SIGNED = false;
layout(constant_id = 2) const uint OBITS = 8u;
layout(constant_id = 3) const int LO = 0;
layout(constant_id = 4) const int HI = 255;

layout(std430, binding = 0) buffer Activations { uint act[]; };
layout(std430, binding = 1) readonly buffer Parameters { uint params[]; };
layout(std430, binding = 2) buffer FloatIo { float io[]; };

// Word offsets of this dispatch's input, output and parameters; aux = per-op scalars (float bits).
layout(push_constant) uniform Push { uint inBase; uint outBase; uint paramBase; uint aux0; } pc;

// Output channels per packed word (and per invocation of every kernel).
const uint OUT_P = OBITS == 2u ? 32u : 32u / OBITS;
const uint OUT_WORDS_PER_BLOCK = OBITS == 2u ? 2u : 1u;

// Pool requantization: clamp(roundEven(float32(sum) × m), LO, HI); `precise` keeps the IEEE operations as written.
int requant(int sum, float m)
{
    precise float y = float(sum) * m;
    return int(clamp(roundEven(y), float(LO), float(HI)));
}

// Conv requantization: clamp(roundEven(float32(acc) × m + bias), LO, HI) — a multiply, then an add; `precise`
// forbids fusing them into an FMA.
int requantBias(int acc, float m, float bias)
{
    precise float product = float(acc) * m;
    precise float y = product + bias;
    return int(clamp(roundEven(y), float(LO), float(HI)));
}

// ORs code q into lane j of an output word pair (w1 is plane 1, used only at 2 bits).
void packLane(inout uint w0, inout uint w1, int q, uint j)
{
    if (OBITS == 2u)
    {
        w0 |= (uint(q) & 1u) << j;
        w1 |= ((uint(q) >> 1) & 1u) << j;
    }
    else
    {
        w0 |= (uint(q) & ((1u << OBITS) - 1u)) << (OBITS * j);
    }
}

void storeBlock(uint imageBase, uint hw, uint block, uint pixel, uint w0, uint w1)
{
    uint i = imageBase + (block * hw + pixel) * OUT_WORDS_PER_BLOCK;
    act[i] = w0;
    if (OBITS == 2u) act[i + 1u] = w1;
}

#ifdef ABITS
#if ABITS == 2
const uint IN_P = 32u;
const uint IN_WORDS_PER_BLOCK = 2u;
#else
const uint IN_P = 32u / uint(ABITS);
const uint IN_WORDS_PER_BLOCK = 1u;
#endif

// Words of one image of an input tensor with c channels and hw pixels.
uint inImageWords(uint c, uint hw) { return (c + IN_P - 1u) / IN_P * hw * IN_WORDS_PER_BLOCK; }

// Codes of the IN_P channels of the block whose first word is act[i] (lane l = channel block·IN_P + l).
void unpackBlock(uint i, bool signedCodes, out int x[IN_P])
{
#if ABITS == 2
    uint a0 = act[i], a1 = act[i + 1u];
    [[unroll]] for (uint l = 0u; l < 32u; ++l)
    {
        int b0 = int((a0 >> l) & 1u), b1 = int((a1 >> l) & 1u);
        x[l] = signedCodes ? b0 - 2 * b1 : b0 + 2 * b1;
    }
#else
    uint a = act[i];
    [[unroll]] for (uint l = 0u; l < IN_P; ++l)
        x[l] = signedCodes ? bitfieldExtract(int(a), int(l) * ABITS, ABITS)
                           : int(bitfieldExtract(a, int(l) * ABITS, ABITS));
#endif
}

// Code of channel c at pixel of the ABITS-wide tensor image starting at word imageBase.
int loadCode(uint imageBase, uint hw, uint c, uint pixel, bool signedCodes)
{
    uint i = imageBase + ((c / IN_P) * hw + pixel) * IN_WORDS_PER_BLOCK;
#if ABITS == 2
    uint j = c & 31u;
    int b0 = int((act[i] >> j) & 1u), b1 = int((act[i + 1u] >> j) & 1u);
    return signedCodes ? b0 - 2 * b1 : b0 + 2 * b1;   // two's complement: plane 1 weighs −2 when signed
#else
    int offset = int((c % IN_P) * uint(ABITS));
    return signedCodes ? bitfieldExtract(int(act[i]), offset, ABITS) : int(bitfieldExtract(act[i], offset, ABITS));
#endif
}
#endif
