// One ordered table per op, one rule for choosing from it.
//
// Every op lists its variants in a single constexpr table, best first and `ref` last (XNNPACK,
// oneDNN). The same table drives dispatch and the tests, so a variant cannot exist without being
// tested bit-exact against ref. Selection takes the first entry whose ISA is enabled
// (runtime/cpu.h: CPU has it, INTFORMER_MAX_ISA admits it) and whose optional shape predicate
// accepts the problem. With INTFORMER_VERBOSE=dispatch every rejection and the choice are logged.
//
// A kernel entry type only needs two members:
//   const char* name;   // unique, "<isa>[_<tile>]", appears in logs and test names
//   Isa isa;            // what the CPU must implement
// Ops with shape-dependent variants also give `const char* (*reject)(const Shape&)` returning
// nullptr when the shape is accepted, else a short reason.
#ifndef INTFORMER_RUNTIME_DISPATCH_H_
#define INTFORMER_RUNTIME_DISPATCH_H_

#include <cstddef>
#include <cstdio>

#include "runtime/cpu.h"

namespace intformer {

namespace dispatch_internal {
void LogRejection(const char* op, const char* variant, const char* reason);
void LogChoice(const char* op, const char* variant);
[[noreturn]] void NoVariant(const char* op);
}  // namespace dispatch_internal

// First enabled entry of `table` (shape-independent ops).
template <class Kernel>
const Kernel& SelectKernel(const char* op, const Kernel* table, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const Kernel& k = table[i];
    if (IsaEnabled(k.isa)) {
      dispatch_internal::LogChoice(op, k.name);
      return k;
    }
    dispatch_internal::LogRejection(op, k.name, CpuHasIsa(k.isa) ? "capped by INTFORMER_MAX_ISA"
                                                                  : "CPU lacks the ISA");
  }
  dispatch_internal::NoVariant(op);
}

// First enabled entry of `table` whose `reject(shape)` returns nullptr.
template <class Kernel, class Shape>
const Kernel& SelectKernel(const char* op, const Kernel* table, size_t count, const Shape& shape) {
  for (size_t i = 0; i < count; ++i) {
    const Kernel& k = table[i];
    if (!IsaEnabled(k.isa)) {
      dispatch_internal::LogRejection(op, k.name, CpuHasIsa(k.isa) ? "capped by INTFORMER_MAX_ISA"
                                                                    : "CPU lacks the ISA");
      continue;
    }
    if (k.reject != nullptr) {
      if (const char* why = k.reject(shape)) {
        dispatch_internal::LogRejection(op, k.name, why);
        continue;
      }
    }
    dispatch_internal::LogChoice(op, k.name);
    return k;
  }
  dispatch_internal::NoVariant(op);
}

}  // namespace intformer

#endif  // INTFORMER_RUNTIME_DISPATCH_H_
