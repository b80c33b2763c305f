// The embedding variant table: best first, ref last; it drives dispatch and the tests.
#include "ops/embedding/embedding.h"
#include "ops/embedding/embedding_variants.h"
#include "runtime/dispatch.h"

namespace intformer {

const EmbeddingKernel kEmbeddingKernels[] = {
#if INTFORMER_X86_VARIANTS
    {"avx512", Isa::kAvx512, EmbeddingSumRowsAvx512, EmbeddingSumRowsS32Avx512},
    {"avx2", Isa::kAvx2, EmbeddingSumRowsAvx2, EmbeddingSumRowsS32Avx2},
#endif
#if INTFORMER_NEON_VARIANTS
    {"neon", Isa::kNeon, EmbeddingSumRowsNeon, EmbeddingSumRowsS32Neon},
#endif
    {"ref", Isa::kScalar, EmbeddingSumRowsRef, EmbeddingSumRowsRef},
};
const size_t kEmbeddingKernelCount = sizeof(kEmbeddingKernels) / sizeof(kEmbeddingKernels[0]);

const EmbeddingKernel& GetEmbeddingKernel() {
  static const EmbeddingKernel& k =
      SelectKernel("embedding", kEmbeddingKernels, kEmbeddingKernelCount);
  return k;
}

}  // namespace intformer
