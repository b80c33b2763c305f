// XXH3_64bits compiled with this file's ISA flags: xxhash.h's inline implementation picks its
// AVX2 accumulate loop from the compiler's target macros. Same output as libxxhash
// (XXH3 is defined by its result, not by its vector path); models/format.cc dispatches.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "models/checksum/xxh3.h"

namespace intformer {
namespace format_internal {

uint64_t Xxh3Avx2(const void* data, size_t size) { return XXH3_64bits(data, size); }

}  // namespace format_internal
}  // namespace intformer
