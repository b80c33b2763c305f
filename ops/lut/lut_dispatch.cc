// The lut variant table: ref only (see lut.h for why); it drives dispatch and the tests.
#include "ops/lut/lut.h"
#include "runtime/dispatch.h"

namespace intformer {

const LutKernel kLutKernels[] = {
    {"ref", Isa::kScalar, LutS8Ref},
};
const size_t kLutKernelCount = sizeof(kLutKernels) / sizeof(kLutKernels[0]);

const LutKernel& GetLutKernel() {
  static const LutKernel& k = SelectKernel("lut", kLutKernels, kLutKernelCount);
  return k;
}

}  // namespace intformer
