// The machine's own int8 multiply-accumulate ceilings, measured by throughput loops of the
// instruction each GEMM variant is built on (independent accumulators, no loads), so that
// bench_gemm_s8 can report every kernel as a fraction of what this core can do at all.
#ifndef INTFORMER_BENCH_CEILING_H_
#define INTFORMER_BENCH_CEILING_H_

#include <cstdint>

namespace intformer {
namespace bench {

// Runs `iters` rounds of the loop; returns the int8 MACs performed (a checksum goes to *sink).
uint64_t CeilingLoopAvx512Vnni(uint64_t iters, int32_t* sink);  // vpdpbusd zmm: 64 MAC each
uint64_t CeilingLoopAvx2(uint64_t iters, int32_t* sink);        // vpmaddwd ymm: 16 MAC each

}  // namespace bench
}  // namespace intformer

#endif  // INTFORMER_BENCH_CEILING_H_
