#include "runtime/cpu.h"

#include <cpuinfo.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#if INTFORMER_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

namespace intformer {
namespace {

struct IsaInfo {
  Isa isa;
  const char* name;
  int family;  // 0: any, 1: x86, 2: arm
  int rank;    // position on the family's ladder
};

constexpr IsaInfo kIsas[] = {
    {Isa::kScalar, "scalar", 0, 0},  {Isa::kAvx2, "avx2", 1, 1},
    {Isa::kAvx512, "avx512", 1, 2},  {Isa::kAvx512Vnni, "avx512vnni", 1, 3},
    {Isa::kNeon, "neon", 2, 1},      {Isa::kNeonDot, "neondot", 2, 2},
    {Isa::kI8mm, "i8mm", 2, 3},      {Isa::kAmxInt8, "amx", 1, 4},
};

const IsaInfo& Info(Isa isa) {
  for (const IsaInfo& i : kIsas) {
    if (i.isa == isa) return i;
  }
  return kIsas[0];
}

#if (defined(__x86_64__) || defined(_M_X64))
// AMX-INT8: oneDNN answers whether the CPU has it (this cpuinfo release predates AMX), and Linux
// must grant this process the tile data state (arch_prctl ARCH_REQ_XCOMP_PERM for XTILEDATA,
// feature 18) before any thread touches a tile register; a kernel without AMX support refuses.
bool DetectAmxInt8() {
#if INTFORMER_HAVE_ONEDNN && defined(__linux__)
  const unsigned amx = static_cast<unsigned>(dnnl_cpu_isa_avx512_core_amx);
  if ((static_cast<unsigned>(dnnl_get_effective_cpu_isa()) & amx) != amx) return false;
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
#else
  return false;
#endif
}
#endif

bool DetectIsa(Isa isa) {
  if (isa == Isa::kScalar) return true;
  if (!cpuinfo_initialize()) return false;
  switch (isa) {
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2:
      return cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3() && cpuinfo_has_x86_bmi2();
    case Isa::kAvx512:
      return cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512bw() &&
             cpuinfo_has_x86_avx512dq() && cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_bmi2();
    case Isa::kAvx512Vnni:
      return DetectIsa(Isa::kAvx512) && cpuinfo_has_x86_avx512vnni();
    case Isa::kAmxInt8:
      return DetectIsa(Isa::kAvx512Vnni) && DetectAmxInt8();
#endif
#if defined(__aarch64__) || defined(__arm__)
    case Isa::kNeon:
      return cpuinfo_has_arm_neon();
    case Isa::kNeonDot:
      return cpuinfo_has_arm_neon() && cpuinfo_has_arm_neon_dot();
    case Isa::kI8mm:
#if defined(__aarch64__) && defined(__linux__) && defined(AT_HWCAP2)
      // This cpuinfo release predates i8mm; the kernel's HWCAP2_I8MM bit (1 << 13) is the
      // authoritative answer on Linux.
      return cpuinfo_has_arm_neon_dot() && (getauxval(AT_HWCAP2) & (1UL << 13)) != 0;
#else
      return false;
#endif
#endif
    default:
      return false;
  }
}

struct State {
  bool has[sizeof(kIsas) / sizeof(kIsas[0])];
  int cap_family = -1;  // -1: no cap; 0: scalar caps every family
  int cap_rank = 0;
  const char* verbose = nullptr;

  State() {
    for (size_t i = 0; i < sizeof(kIsas) / sizeof(kIsas[0]); ++i) has[i] = DetectIsa(kIsas[i].isa);
    verbose = std::getenv("INTFORMER_VERBOSE");
    if (const char* cap = std::getenv("INTFORMER_MAX_ISA"); cap != nullptr && *cap != '\0') {
      Isa isa;
      if (!ParseIsa(cap, &isa)) {
        std::fprintf(stderr, "intformer: unknown INTFORMER_MAX_ISA=%s, using scalar\n", cap);
        isa = Isa::kScalar;
      }
      cap_family = Info(isa).family;
      cap_rank = Info(isa).rank;
    }
  }
};

const State& GetState() {
  static const State state;
  return state;
}

}  // namespace

const char* IsaName(Isa isa) { return Info(isa).name; }

bool ParseIsa(const char* name, Isa* isa) {
  for (const IsaInfo& i : kIsas) {
    if (std::strcmp(i.name, name) == 0) {
      *isa = i.isa;
      return true;
    }
  }
  return false;
}

bool CpuHasIsa(Isa isa) {
  const State& s = GetState();
  for (size_t i = 0; i < sizeof(kIsas) / sizeof(kIsas[0]); ++i) {
    if (kIsas[i].isa == isa) return s.has[i];
  }
  return false;
}

bool IsaEnabled(Isa isa) {
  if (!CpuHasIsa(isa)) return false;
  const State& s = GetState();
  if (isa == Isa::kScalar || s.cap_family < 0) return true;
  if (s.cap_family == 0) return false;
  // A cap names one family's rung; the other family's ISAs are not on this CPU anyway.
  return Info(isa).family != s.cap_family || Info(isa).rank <= s.cap_rank;
}

Isa BestEnabledIsa() {
  Isa best = Isa::kScalar;
  for (const IsaInfo& i : kIsas) {
    if (IsaEnabled(i.isa) && i.rank > Info(best).rank) best = i.isa;
  }
  return best;
}

bool VerboseEnabled(const char* topic) {
  const char* v = GetState().verbose;
  if (v == nullptr) return false;
  const size_t n = std::strlen(topic);
  for (const char* p = v; (p = std::strstr(p, topic)) != nullptr; p += n) {
    const bool start = p == v || p[-1] == ',';
    const bool end = p[n] == '\0' || p[n] == ',';
    if (start && end) return true;
  }
  return std::strcmp(v, "all") == 0;
}

}  // namespace intformer
