// gemm_nf4: int8 activations x NF4 weights (QLoRA's 4-bit NormalFloat with double-quantized
// block constants) -> int32, integer arithmetic only.
//
//   C[m][n]  = Epilogue( sum_k A[m][k] * W8(n, k) + bias[n] )                  (int32, exact)
//   W8(n, k) = (kNf4Levels[code(n, k)] * r(n, k / 64) + 2^13) >> 14           (|W8| <= 127)
//   r(n, b)  = (mult(n, b) * R(n)) >> 11                             (-2^14 <= r < 2^14)
//   R(n)     = floor((2^25 - 1) / max(1, max_b |mult(n, b)|))          (channel reciprocal)
//
// Weights (Nf4Matrix, [N x K], K a multiple of 64: one block = 64 consecutive k of one row)
//   code(n, k)   4-bit index into the NF4 table of QLoRA / bitsandbytes (kNf4Levels below).
//   absmax_q     u8 per block, row-major [N x K/64]: QLoRA's double quantization, the block's
//                absmax quantized with bitsandbytes' 8-bit dynamic map after subtracting the
//                tensor mean, in groups of 256 consecutive blocks (flat order, groups may span
//                rows). dq_code[256] is that map as int32 (value * 2^30, rounded).
//   absmax2[g]   group g's second-level scale as an integer multiplier G (see mult()).
//   offset       the tensor mean, in block-constant units U.
//   recip[n]     R(n), derived from the above (Nf4ChannelRecips; model loading computes it
//                while it validates the multipliers; Nf4MatrixValid checks it).
// The per-block integer multiplier, the normative form of QLoRA's dequantized absmax / U:
//   mult(n, b) = ((dq_code[q] * G[g] + 2^44) >> 45) + offset,   q = absmax_q[i], g = i / 256,
//   i = n * K/64 + b  (int64 product, arithmetic shift); Nf4MatrixValid requires
//   |mult| <= kNf4MaxMult. The real weight is W[n][k] ~= kNf4Levels[code] / 127 * mult * U.
//
// Numerics (no float anywhere; docs/numerics.md "gemm_nf4" has the error analysis). Each
// block's constant is folded into the int8 levels as a Q14 ratio r to the channel's largest
// block: W8 ~= level * mult / max|mult|, so W ~= W8 * S_w(n) with the per-channel weight scale
// S_w(n) = 2^25 U / (127 R(n)) (the converter's per-channel requant includes it). Then the
// GEMM is gemm_s8's: |mult * R| < 2^25, so r fits int16 (2r too: the multiply is one vpmulhrsw
// / vqrdmulh, which rounds exactly as the >> 14 above), |W8| <= 127, and with |A| <= 128,
// K <= 65536 and |bias| <= 2^30 every partial sum fits int32: any summation order, wrapping
// adds, C tiles kept over all of K. The epilogue is gemm_s8's (GemmEpilogue).
//
// Codes layout (one for every variant; model files store it). N is cut into panels of 16
// channels (the last padded with code 7, the 0.0 level). A panel is 8 * K bytes: for each
// j < K/8, 64 bytes whose byte 4c + q (channel c < 16, q < 4) holds code(16p + c, 8j + q) in
// its low nibble and code(16p + c, 8j + 4 + q) in its high nibble. So one 64-byte load gives,
// as low and high nibbles, two groups of 4 k in exactly the operand order of vpdpbusd (16
// channels x 4 bytes), of AVX2's 8-channel halves and of sdot's 4-channel quarters.
//
// Variants (one table, best first, ref last; gemm_nf4_dispatch.cc): each decodes a strip of
// channels to W8 once per call (levels by table lookup, the ratio by vpmulhrsw / vqrdmulh)
// and runs an int8 GEMM over it: amx (tdpbssd, C tiles over all of K), avx512vnni (vpdpbusd),
// avx2 (vpmaddubsw with the sign trick), neondot (sdot), ref.
#ifndef INTFORMER_OPS_GEMM_NF4_GEMM_NF4_H_
#define INTFORMER_OPS_GEMM_NF4_GEMM_NF4_H_

#include <cstddef>
#include <cstdint>

#include "ops/gemm_s8/gemm_s8.h"
#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

class ThreadPool;

constexpr size_t kNf4Block = 64;        // weights per absmax (QLoRA blocksize 64)
constexpr size_t kNf4Group = 256;       // blocks per second-level constant (QLoRA: 256)
constexpr size_t kNf4Panel = 16;        // channels per codes panel
constexpr int32_t kNf4MaxOffset = 32767;  // |offset| bound
constexpr int32_t kNf4MaxMult = 32767;    // |mult| bound
constexpr int kNf4RatioShift = 11;        // r = (mult * R) >> 11
constexpr int32_t kNf4RecipNum = (1 << 25) - 1;  // R = floor(kNf4RecipNum / max |mult|)
constexpr int kNf4DqShift = 45;         // mult() shift: dq_code is 2^30-scaled, G 2^15-scaled
constexpr uint8_t kNf4ZeroCode = 7;     // the 0.0 level (padding)

// round(127 * v) for the 16 NF4 values of bitsandbytes' get_4bit_type("nf4") (QLoRA,
// Dettmers et al. 2023; bitsandbytes-foundation/bitsandbytes, bitsandbytes/functional.py).
// The float table itself lives offline (tools/offline/nf4_params.cc); tests check this one
// against it.
constexpr int8_t kNf4Levels[16] = {-127, -88, -67, -50, -36, -23, -12, 0,
                                   10,   20,  31,  43,  56,  71,  92,  127};

struct Nf4Matrix {
  size_t n = 0, k = 0;
  const uint8_t* codes = nullptr;     // Nf4CodesBytes(n, k), layout above
  const uint8_t* absmax_q = nullptr;  // [n * k / 64]
  const int32_t* absmax2 = nullptr;   // [Nf4Groups(n, k)]
  int32_t offset = 0;
  const int32_t* dq_code = nullptr;   // [256]
  const int32_t* recip = nullptr;     // [n] R(n) (Nf4ChannelRecips)
  const int32_t* bias = nullptr;      // [n] at the output scale of Round(., t), or nullptr
};

inline size_t Nf4Panels(size_t n) { return (n + kNf4Panel - 1) / kNf4Panel; }
inline size_t Nf4CodesBytes(size_t n, size_t k) { return Nf4Panels(n) * kNf4Panel * k / 2; }
inline size_t Nf4Blocks(size_t n, size_t k) { return n * (k / kNf4Block); }
inline size_t Nf4Groups(size_t n, size_t k) {
  return (Nf4Blocks(n, k) + kNf4Group - 1) / kNf4Group;
}
// The block multiplier of block i (flat index n * k/64 + b); see the header comment.
inline int64_t Nf4BlockMult(const Nf4Matrix& w, size_t i) {
  const int64_t prod = int64_t{w.dq_code[w.absmax_q[i]]} * w.absmax2[i / kNf4Group];
  return ((prod + (int64_t{1} << (kNf4DqShift - 1))) >> kNf4DqShift) + w.offset;
}

// R(n) from the channel's largest |mult| (0 for an all-zero channel: then every r is 0).
inline int32_t Nf4ChannelRecip(int64_t max_abs_mult) {
  return kNf4RecipNum / static_cast<int32_t>(max_abs_mult > 0 ? max_abs_mult : 1);
}
// r of a block: |mult * recip| <= 2^25 - 1, so r is in [-2^14, 2^14).
inline int32_t Nf4Ratio(int64_t mult, int32_t recip) {
  return static_cast<int32_t>((mult * recip) >> kNf4RatioShift);
}
// W8 of a code under ratio r: in [-127, 127] (= vpmulhrsw(level, 2r)).
inline int32_t Nf4Level8(uint8_t code, int32_t r) {
  return (int32_t{kNf4Levels[code]} * r + (1 << 13)) >> 14;
}

// Code of W[n][k] in the packed layout (tests, gathers).
inline uint8_t Nf4Code(const uint8_t* codes, size_t k_total, size_t n, size_t k) {
  const size_t p = n / kNf4Panel, c = n % kNf4Panel;
  const uint8_t byte = codes[p * kNf4Panel * k_total / 2 + (k / 8) * 64 + 4 * c + (k % 4)];
  return (k % 8) < 4 ? byte & 0x0f : byte >> 4;
}

// R(n) for every channel of w (recip is not read): out[n], n < w.n.
void Nf4ChannelRecips(const Nf4Matrix& w, int32_t* out);

// W8(n, k) for k < K of one channel (the definition; ref and tests).
void Nf4DecodeRow(const Nf4Matrix& w, size_t n, int8_t* dst);

// True when w satisfies the contract (shape, pointers, |dq_code| <= 2^30, 0 <= G < 2^30,
// |offset| <= 32767, every |mult| <= kNf4MaxMult, recip[n] == R(n), |bias| <= 2^30); else
// false and *why.
bool Nf4MatrixValid(const Nf4Matrix& w, const char** why);

struct Nf4GemmArgs {
  size_t m;
  const int8_t* a;
  size_t lda;
  const Nf4Matrix* w;
  size_t n_begin, n_end;  // n_begin a multiple of 16; n_end a multiple of 16 or w->n
  const GemmEpilogue* epilogue;
  void* c;  // C[0][0]; the kernel writes C[0..m)[n_begin..n_end)
  size_t ldc;
};

struct Nf4GemmKernel {
  const char* name;
  Isa isa;
  uint32_t mr;  // rows per register tile (drivers split M by it)
  void (*compute)(const Nf4GemmArgs& args);
};

extern const Nf4GemmKernel kNf4GemmKernels[];
extern const size_t kNf4GemmKernelCount;
const Nf4GemmKernel& GetNf4GemmKernel();

void Nf4GemmRef(const Nf4GemmArgs& args);

// C = Epilogue(A . W^T), W in NF4, split over `pool` (nullptr: caller's thread). Tiles are
// disjoint, so the bytes of C do not depend on the thread count.
void Nf4Gemm(const Nf4GemmKernel& kernel, size_t m, const int8_t* a, size_t lda,
             const Nf4Matrix& w, const GemmEpilogue& epilogue, void* c, size_t ldc,
             ThreadPool* pool);

// Embedding gather of an NF4 table [rows x hidden]: dst[h] = kNf4Levels[code] * mult, exact
// (|value| <= 127 * 32767 < 2^22), for row `row`.
void Nf4GatherRow(const Nf4Matrix& w, size_t row, int32_t* dst);

}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_NF4_GEMM_NF4_H_
