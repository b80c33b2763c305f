// gemm_s8: int8 x int8 -> int32 matrix multiplication with an optional fused requantization.
//
//   C[m][n] = Epilogue( bias[n] + sum_k A[m][k] * B[n][k] )
//
// Operands
//   A  int8 [M x K], row-major, row stride lda (activations, symmetric: zero point 0).
//   B  int8, the "weight" operand, given to Pack() either as [N x K] rows (BLayout::kNK: a
//      PyTorch Linear weight, or K in Q.K^T) or as [K x N] rows (BLayout::kKN: V in P.V), with
//      row stride ldb. Pack() rewrites it, with the bias, into the kernel's own layout.
//   C  int32 or int8 [M x N], row stride ldc (in elements of the output type).
//
// Numerics
//   Products are exact (a*b in [-2^14 + 128, 2^14]) and summed in int32: the sum of products
//   lies in [-(2^14 - 128) * K, 2^14 * K], so with K <= kGemmMaxK = 2^16 and bias in
//   [-2^30, 2^30) (kGemmMaxBias) the accumulator stays inside int32. Pack() callers guarantee
//   both. Every variant computes bias + sum modulo 2^32 (wrapping adds, ref included), so all
//   variants return the same int32 even outside the contract; inside it that int32 is exact. VNNI's u8 x s8 form adds 128 to A and subtracts
//   128 * sum_k B[n][k], folded into the packed bias; its intermediate sums may wrap, but int32
//   wrap-around addition is exact modulo 2^32 and the true result fits, so the result is exact
//   (vpdpbusd, never the saturating vpdpbusds).
//   The epilogue is requant.h's rule: Clamp(Requant(acc, scale[n]), lo, hi), with lo <= hi.
//
// Variants (one table, best first, ref last; gemm_s8_dispatch.cc):
//   avx512vnni_8x48 (vpdpbusd), onednn (libdnnl matmul with s32 output + our epilogue; oneDNN
//   itself picks VNNI or AMX), avx2_6x16 (sign-extended vpmaddwd: exact, no vpmaddubsw
//   saturation), then the ARM ones: i8mm (smmla), neondot (sdot), neon (smlal); ref last. Each has its own packed layout, identified by pack_format, which model
//   files record so that a file packed for one kernel is never run by another.
#ifndef INTFORMER_OPS_GEMM_S8_GEMM_S8_H_
#define INTFORMER_OPS_GEMM_S8_GEMM_S8_H_

#include <cstddef>
#include <cstdint>

#include "ops/requant/requant.h"
#include "runtime/cpu.h"

namespace intformer {

class ThreadPool;

enum class BLayout : uint8_t {
  kNK,  // B given as N rows of K values (row n is output channel n)
  kKN,  // B given as K rows of N values
};

enum class GemmOutput : uint8_t {
  kS32,         // C = acc (int32), no rescale
  kS32Requant,  // C = Clamp(Requant(acc, scale), lo, hi), stored as int32
  kS8Requant,   // C = Clamp(Requant(acc, scale), max(lo,-128), min(hi,127)), stored as int8
};

struct GemmEpilogue {
  GemmOutput output = GemmOutput::kS32;
  const Dyadic* scale = nullptr;  // [N] when per_channel, else [1]; unused for kS32
  bool per_channel = false;
  int32_t lo = INT32_MIN;
  int32_t hi = INT32_MAX;
  // Optional: the drivers (Gemm, Nf4Gemm) call it after each output tile is written, on the
  // thread that wrote it, with the tile's rows [m0, m1) and columns [n0, n1): an element-wise
  // op fused onto data still in that core's cache (the encoder runs i-GELU here). Kernels never
  // call it.
  void (*tile_done)(void* ctx, size_t m0, size_t m1, size_t n0, size_t n1) = nullptr;
  void* tile_done_ctx = nullptr;
};

struct GemmShape {
  size_t m, n, k;
};

// One call of a kernel: all rows [0, m) of A against the packed columns [n_begin, n_end).
// n_begin is a multiple of the kernel's nr; n_end is a multiple of nr or equals n.
struct GemmArgs {
  size_t m, n, k;
  const int8_t* a;
  size_t lda;
  const void* packed_b;  // from the same kernel's pack()
  size_t n_begin, n_end;
  const GemmEpilogue* epilogue;
  void* c;  // points at C[0][0]; the kernel writes C[0..m)[n_begin..n_end)
  size_t ldc;
};

struct GemmKernel {
  const char* name;      // unique: "<isa>_<mr>x<nr>" or "ref", "onednn"
  Isa isa;               // what the CPU must implement
  uint32_t pack_format;  // stable id of the packed layout (recorded in model files)
  uint32_t mr, nr;       // register tile; drivers split M by mr and N by nr (nr ==
                         // kGemmWholeN: the kernel takes all of N in every call)
  const char* (*reject)(const GemmShape& shape);  // nullptr: accepts every shape
  size_t (*packed_size)(size_t n, size_t k);       // bytes, 64-byte multiple
  void (*pack)(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
               const int32_t* bias /* [n] or nullptr */, void* packed /* 64-byte aligned */);
  void (*compute)(const GemmArgs& args);
};

// Pack format ids: stable forever (model files store them).
enum GemmPackFormat : uint32_t {
  kPackRef = 1,
  kPackAvx2 = 2,
  kPackAvx512Vnni = 3,
  kPackNeon = 4,
  kPackNeonDot = 5,
  kPackI8mm = 6,
  kPackOneDnn = 7,  // oneDNN's own blocked layout: packed at load, never stored in a file
};

extern const GemmKernel kGemmKernels[];
extern const size_t kGemmKernelCount;

// The pack side of every storable layout, on every build whatever the host ISA (packing is
// plain C++): the converter on x86 can write a file for an ARM board and vice versa. Running a
// packed B still needs that format's kernel enabled here (FindGemmKernel; the model loader
// answers TARGET_MISMATCH otherwise). kPackOneDnn is not listed: oneDNN packs at load time.
struct GemmPacker {
  const char* target;    // the converter's --target name: "ref" or the kernel's IsaName
  Isa isa;               // what a CPU needs to run the kernel that reads this layout
  uint32_t pack_format;  // GemmPackFormat
  size_t (*packed_size)(size_t n, size_t k);
  void (*pack)(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
               const int32_t* bias, void* packed);
};
extern const GemmPacker kGemmPackers[];
extern const size_t kGemmPackerCount;
const GemmPacker* FindGemmPacker(uint32_t pack_format);

// The kernel dispatch picks for this shape on this machine (first enabled and accepting).
const GemmKernel& SelectGemmKernel(const GemmShape& shape);

// The kernel with this pack format that is enabled here, or nullptr.
const GemmKernel* FindGemmKernel(uint32_t pack_format);

// Largest K any variant supports, and the bias bound (see Numerics above).
constexpr size_t kGemmMaxK = 65536;
constexpr int32_t kGemmMaxBias = (1 << 30) - 1;  // bias in [-kGemmMaxBias - 1, kGemmMaxBias]

// nr of a kernel that cannot split N (oneDNN's blocked weights): drivers split only M.
constexpr uint32_t kGemmWholeN = 0x40000000u;

// C = Epilogue(A . B^T) using `kernel` and its packed B, split over `pool` (nullptr: caller's
// thread). Tiles are disjoint, so the result does not depend on the thread count.
void Gemm(const GemmKernel& kernel, size_t m, size_t n, size_t k, const int8_t* a, size_t lda,
          const void* packed_b, const GemmEpilogue& epilogue, void* c, size_t ldc,
          ThreadPool* pool);

// Attention-style batches: for b in [0, batch), C_b = Epilogue(A_b . B_b^T) where B_b is an
// activation packed at run time into `scratch` (GemmBatchedScratchSize bytes, 64-byte aligned).
// A_b = a + b * a_batch_stride, B_b = b_src + b * b_batch_stride, C_b = c + b * c_batch_stride
// (strides in elements). Used for Q.K^T (B = K heads, kNK) and P.V (B = V heads, kKN).
size_t GemmBatchedScratchSize(const GemmKernel& kernel, size_t batch, size_t n, size_t k);
void GemmBatched(const GemmKernel& kernel, size_t batch, size_t m, size_t n, size_t k,
                 const int8_t* a, size_t lda, size_t a_batch_stride, const int8_t* b_src,
                 size_t ldb, size_t b_batch_stride, BLayout b_layout,
                 const GemmEpilogue& epilogue, void* c, size_t ldc, size_t c_batch_stride,
                 void* scratch, ThreadPool* pool);

}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_S8_GEMM_S8_H_
