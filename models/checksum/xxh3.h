// XXH3_64bits (seed 0) per x86 ISA, for models/format.cc's Checksum dispatch.
#ifndef INTFORMER_MODELS_CHECKSUM_XXH3_H_
#define INTFORMER_MODELS_CHECKSUM_XXH3_H_

#include <cstddef>
#include <cstdint>

namespace intformer {
namespace format_internal {

uint64_t Xxh3Avx2(const void* data, size_t size);
uint64_t Xxh3Avx512(const void* data, size_t size);

}  // namespace format_internal
}  // namespace intformer

#endif  // INTFORMER_MODELS_CHECKSUM_XXH3_H_
