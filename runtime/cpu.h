// CPU feature detection and the ISA ladder every dispatch table climbs.
//
// The hardware is asked once, through cpuinfo (never a hand-rolled cpuid). Two environment
// variables shape what dispatch may pick, so that tests and bug reports can pin a path:
//   INTFORMER_MAX_ISA=scalar|avx2|avx512|avx512vnni|amx|neon|neondot|i8mm  caps the ladder of that
//                                   family (scalar caps all: only the ref kernels run);
//   INTFORMER_VERBOSE=dispatch                                   logs every choice and rejection.
// An unknown INTFORMER_MAX_ISA value is reported once on stderr and treated as "scalar": a typo
// must not silently select the fastest path a bug report was trying to exclude.
#ifndef INTFORMER_RUNTIME_CPU_H_
#define INTFORMER_RUNTIME_CPU_H_

#include <cstdint>

namespace intformer {

// Ordered within each family: a variant for Isa X runs on any CPU that has X, and a cap at X
// admits X and everything below it in the same family. kScalar belongs to every family.
enum class Isa : uint8_t {
  kScalar = 0,
  // x86-64
  kAvx2,        // AVX2 + FMA + BMI2
  kAvx512,      // AVX-512 F/BW/DQ/VL
  kAvx512Vnni,  // AVX-512 F/BW/DQ/VL + VNNI (vpdpbusd)
  // ARM
  kNeon,     // Advanced SIMD (armv7 hard-float or aarch64)
  kNeonDot,  // + sdot/udot (armv8.2 dotprod)
  kI8mm,     // + smmla/usdot (armv8.6 i8mm)
  // x86-64, above kAvx512Vnni on the ladder (appended: the enum's values are not its order)
  kAmxInt8,  // kAvx512Vnni + AMX tiles with int8 (tdpbusd), the OS having granted tile state
};

// Lower-case name as used by INTFORMER_MAX_ISA ("scalar", "avx2", ...).
const char* IsaName(Isa isa);

// Parses an IsaName; returns false (and leaves *isa alone) for an unknown name.
bool ParseIsa(const char* name, Isa* isa);

// True when the CPU we run on implements `isa` (ignores INTFORMER_MAX_ISA).
bool CpuHasIsa(Isa isa);

// True when `isa` may be used: the CPU has it and INTFORMER_MAX_ISA does not exclude it.
bool IsaEnabled(Isa isa);

// The best enabled ISA of this machine's family (for banners and reports).
Isa BestEnabledIsa();

// True when INTFORMER_VERBOSE contains `topic` (comma-separated list, e.g. "dispatch").
bool VerboseEnabled(const char* topic);

}  // namespace intformer

#endif  // INTFORMER_RUNTIME_CPU_H_
