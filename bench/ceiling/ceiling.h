// The machine's own int8 multiply-accumulate ceilings, measured by throughput loops of the
// instruction each GEMM variant is built on (independent accumulators, no loads), so that
// bench_gemm_s8 and `intformer bench` can report work as a fraction of what this core can do.
//
// A small library (intformer_ceiling) of its own: each loop lives in a translation unit compiled
// with its ISA's flags only, and MeasureCeilingGmacs picks the loops the CPU can run. Float is
// fine here: this is measurement, never the inference path.
#ifndef INTFORMER_BENCH_CEILING_CEILING_H_
#define INTFORMER_BENCH_CEILING_CEILING_H_

#include <cstdint>

#include "runtime/cpu.h"

namespace intformer {
namespace bench {

// Runs `iters` rounds of the loop; returns the int8 MACs performed (a checksum goes to *sink).
// Present only in x86-64 builds (INTFORMER_CEILING_X86).
uint64_t CeilingLoopAvx512Vnni(uint64_t iters, int32_t* sink);  // vpdpbusd zmm: 64 MAC each
uint64_t CeilingLoopAvx2(uint64_t iters, int32_t* sink);        // vpmaddwd ymm: 16 MAC each
uint64_t CeilingLoopAmx(uint64_t iters, int32_t* sink);  // tdpbssd 16x16x64: 16384 MAC each

// Single-thread GMAC/s of the loop of `isa` (kAvx2, kAvx512Vnni, kAmxInt8): the best of `reps`
// runs of about 1 ms, so that an undisturbed run on a shared machine is almost surely among
// them. 0 when this build has no such loop or the CPU lacks the ISA.
double MeasureCeilingGmacs(Isa isa, int reps = 100);

}  // namespace bench
}  // namespace intformer

#endif  // INTFORMER_BENCH_CEILING_CEILING_H_
