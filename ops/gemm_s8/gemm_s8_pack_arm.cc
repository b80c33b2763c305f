// Pack functions of the ARM gemm_s8 layouts (kPackNeon, kPackNeonDot, kPackI8mm; each layout
// is described in its kernel's file). Plain C++ compiled on every build, x86 included, so the
// host converter packs for ARM targets (`intformer convert --target neondot` on x86 writes a
// file the board loads; the x86 loader refuses it with TARGET_MISMATCH). The kernels that read
// the layouts stay in gemm_s8_neon.cc / _neondot.cc / _i8mm.cc under their ISA flags.
#include <cstring>

#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {

namespace {

// All three ARM layouts are one shape: blocks of kNr channels, each [kNr int32 biases] then K in
// chunks of kKc values per channel (neon 16, sdot 4, smmla 8), zero-padded to the block size.
template <size_t kNr, size_t kKc>
void PackArmBlocks(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                   const int32_t* bias, size_t block_bytes, size_t packed_size, void* packed) {
  std::memset(packed, 0, packed_size);
  for (size_t j = 0; j < n; ++j) {
    int8_t* blk = static_cast<int8_t*>(packed) + (j / kNr) * block_bytes;
    const int32_t bj = bias != nullptr ? bias[j] : 0;
    std::memcpy(blk + (j % kNr) * sizeof(int32_t), &bj, sizeof(bj));
    int8_t* pb = blk + kNr * sizeof(int32_t) + (j % kNr) * kKc;
    for (size_t kk = 0; kk < k; ++kk) {
      pb[(kk / kKc) * kNr * kKc + kk % kKc] = GemmLoadB(b, ldb, layout, j, kk);
    }
  }
}

}  // namespace

size_t GemmPackedSizeNeon(size_t n, size_t k) {
  return GemmRound64((n + kGemmNeonNr - 1) / kGemmNeonNr * GemmBlockBytesNeon(k));
}

void GemmPackNeon(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed) {
  PackArmBlocks<kGemmNeonNr, kGemmNeonKc>(b, ldb, layout, n, k, bias, GemmBlockBytesNeon(k),
                                          GemmPackedSizeNeon(n, k), packed);
}

size_t GemmPackedSizeNeonDot(size_t n, size_t k) {
  return GemmRound64((n + kGemmNeonDotNr - 1) / kGemmNeonDotNr * GemmBlockBytesNeonDot(k));
}

void GemmPackNeonDot(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                     const int32_t* bias, void* packed) {
  PackArmBlocks<kGemmNeonDotNr, 4>(b, ldb, layout, n, k, bias, GemmBlockBytesNeonDot(k),
                                   GemmPackedSizeNeonDot(n, k), packed);
}

size_t GemmPackedSizeI8mm(size_t n, size_t k) {
  return GemmRound64((n + kGemmI8mmNr - 1) / kGemmI8mmNr * GemmBlockBytesI8mm(k));
}

void GemmPackI8mm(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                  const int32_t* bias, void* packed) {
  PackArmBlocks<kGemmI8mmNr, kGemmI8mmKc>(b, ldb, layout, n, k, bias, GemmBlockBytesI8mm(k),
                                          GemmPackedSizeI8mm(n, k), packed);
}

}  // namespace intformer
