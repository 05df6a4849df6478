#version 450
// Packing contract kernels: int32 codes -> packed words (pack, one invocation per output word) and back
// (UNPACK defined: one invocation per element). Variants by -D BITS=8|4|2 [UNPACK=1] (shaders/Shaders.props).
// Bindings: 0 = int32 codes[n], 1 = uint words[packedWordCount(n)]. Push constant: n, the element count.
#extension GL_GOOGLE_include_directive : require
#include "packing.glsl"

// Static choices: workgroup width and code signedness (unpack sign-extends; pack only masks, so it ignores it).
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const bool SIGNED_CODES = true;

layout(push_constant) uniform Params { uint n; } params;

#ifdef UNPACK
layout(std430, binding = 0) writeonly buffer Codes { int codes[]; };
layout(std430, binding = 1) readonly buffer Words { uint words[]; };
#else
layout(std430, binding = 0) readonly buffer Codes { int codes[]; };
layout(std430, binding = 1) writeonly buffer Words { uint words[]; };
#endif

#ifndef UNPACK
void main()
{
    uint w = gl_GlobalInvocationID.x;
    uint n = params.n;
    if (w >= packedWordCount(n)) return;

    uint word = 0u;
#if BITS == 2
    // Word 2g holds plane 0 of group g, word 2g+1 plane 1; element 32g+j sits at bit j of both.
    uint plane = w & 1u;
    uint first = (w >> 1) * GROUP_ELEMENTS;
    uint count = min(GROUP_ELEMENTS, n - first);
    for (uint j = 0u; j < count; ++j)
        word |= ((uint(codes[first + j]) >> plane) & 1u) << j;
#else
    uint first = w * VALUES_PER_WORD;
    uint count = min(VALUES_PER_WORD, n - first);
    for (uint k = 0u; k < count; ++k)
        word |= (uint(codes[first + k]) & CODE_MASK) << (uint(BITS) * k);
#endif
    words[w] = word;   // elements past n were never ORed in: the tail padding is exactly zero
}
#else
void main()
{
    uint e = gl_GlobalInvocationID.x;
    if (e >= params.n) return;

#if BITS == 2
    uint base = (e / GROUP_ELEMENTS) * GROUP_WORDS;
    uint j = e % GROUP_ELEMENTS;
    int b0 = int((words[base] >> j) & 1u);
    int b1 = int((words[base + 1u] >> j) & 1u);
    codes[e] = SIGNED_CODES ? b0 - 2 * b1 : b0 + 2 * b1;   // two's complement: b1 has weight -2
#else
    uint word = words[e / VALUES_PER_WORD];
    int offset = int(uint(BITS) * (e % VALUES_PER_WORD));
    // bitfieldExtract on int sign-extends the field; on uint it zero-extends.
    codes[e] = SIGNED_CODES ? bitfieldExtract(int(word), offset, BITS) : int(bitfieldExtract(word, offset, BITS));
#endif
}
#endif
