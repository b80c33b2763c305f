// The gemm_nf4 kernel table (best first, ref last) and the driver that splits a problem into
// disjoint tiles. Tiles are whole 16-channel panels times row ranges (multiples of the kernel's
// mr), so each output is computed by one kernel call whatever the thread count: the bytes of C
// never depend on it. N is split first (each thread decodes only its own panels).
#include "ops/gemm_nf4/gemm_nf4.h"
#include "ops/gemm_nf4/gemm_nf4_variants.h"
#include "runtime/dispatch.h"
#include "runtime/threadpool.h"

namespace intformer {

const Nf4GemmKernel kNf4GemmKernels[] = {
#if INTFORMER_X86_VARIANTS
#if INTFORMER_HAVE_AMX_KERNEL
    {"amx_16x48", Isa::kAmxInt8, kNf4AmxMr, Nf4GemmAmx},
#endif
    {"avx512vnni_8x48", Isa::kAvx512Vnni, kNf4Avx512Mr, Nf4GemmAvx512Vnni},
    {"avx2_3x8", Isa::kAvx2, kNf4Avx2Mr, Nf4GemmAvx2},
#endif
#if INTFORMER_NEON_VARIANTS && INTFORMER_AARCH64
    {"neondot_4x16", Isa::kNeonDot, kNf4NeonDotMr, Nf4GemmNeonDot},
#endif
    {"ref", Isa::kScalar, 1, Nf4GemmRef},
};
const size_t kNf4GemmKernelCount = sizeof(kNf4GemmKernels) / sizeof(kNf4GemmKernels[0]);

const Nf4GemmKernel& GetNf4GemmKernel() {
  static const Nf4GemmKernel& k = SelectKernel("gemm_nf4", kNf4GemmKernels, kNf4GemmKernelCount);
  return k;
}

namespace {
size_t CeilDiv(size_t x, size_t y) { return (x + y - 1) / y; }
}  // namespace

void Nf4Gemm(const Nf4GemmKernel& kernel, size_t m, const int8_t* a, size_t lda,
             const Nf4Matrix& w, const GemmEpilogue& epilogue, void* c, size_t ldc,
             ThreadPool* pool) {
  if (m == 0 || w.n == 0) return;
  const Nf4GemmArgs whole{m, a, lda, &w, 0, w.n, &epilogue, c, ldc};
  const size_t threads = pool != nullptr ? pool->threads() : 1;
  if (threads <= 1) {
    kernel.compute(whole);
    if (epilogue.tile_done != nullptr) epilogue.tile_done(epilogue.tile_done_ctx, 0, m, 0, w.n);
    return;
  }
  const size_t want = threads * 2;  // two tiles per thread: a delayed thread is caught up
  const size_t panels = Nf4Panels(w.n);
  const size_t n_tiles = panels < want ? panels : want;
  const size_t n_step = CeilDiv(panels, n_tiles) * kNf4Panel;
  const size_t n_count = CeilDiv(w.n, n_step);
  const size_t m_blocks = CeilDiv(m, kernel.mr);
  const size_t m_want = CeilDiv(want, n_count);
  const size_t m_step = CeilDiv(m_blocks, m_want < m_blocks ? m_want : m_blocks) * kernel.mr;
  const size_t m_count = CeilDiv(m, m_step);
  const size_t out_size = epilogue.output == GemmOutput::kS8Requant ? 1 : 4;
  pool->Run2D(m_count, n_count, [&](size_t i, size_t j) {
    Nf4GemmArgs args = whole;
    const size_t m0 = i * m_step;
    args.m = m - m0 < m_step ? m - m0 : m_step;
    args.a = a + m0 * lda;
    args.c = static_cast<char*>(c) + m0 * ldc * out_size;
    args.n_begin = j * n_step;
    args.n_end = w.n - args.n_begin < n_step ? w.n : args.n_begin + n_step;
    kernel.compute(args);
    if (epilogue.tile_done != nullptr) {
      epilogue.tile_done(epilogue.tile_done_ctx, m0, m0 + args.m, args.n_begin, args.n_end);
    }
  });
}

}  // namespace intformer
