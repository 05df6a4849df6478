// Packing contract shared by every low-bit shader (numerics contract §4; C# reference in Quantization/Packing).
// BITS = 8: 4 codes per uint, element i in byte i%4.   BITS = 4: 8 codes per uint, element i in bits [4(i%8), 4(i%8)+3].
// BITS = 2: bit-planes, 32 elements per group of 2 uints: word0 bit j = bit 0 of element j, word1 bit j = bit 1.
// Signed codes are two's complement in their field; tail padding is zero.

#ifndef BITS
#error "BITS must be defined (-D BITS=8|4|2): declare the variant in shaders/Shaders.props"
#endif
#if BITS != 8 && BITS != 4 && BITS != 2
#error "BITS must be 8, 4 or 2"
#endif

#if BITS == 2
const uint GROUP_ELEMENTS = 32u;   // elements per bit-plane group
const uint GROUP_WORDS = 2u;       // plane 0, plane 1

// Words holding n elements: 2 per started group of 32.
uint packedWordCount(uint n) { return GROUP_WORDS * ((n + GROUP_ELEMENTS - 1u) / GROUP_ELEMENTS); }
#else
const uint VALUES_PER_WORD = 32u / uint(BITS);
const uint CODE_MASK = (1u << uint(BITS)) - 1u;

// Words holding n elements: one per started run of VALUES_PER_WORD.
uint packedWordCount(uint n) { return (n + VALUES_PER_WORD - 1u) / VALUES_PER_WORD; }
#endif
