// The gemm_s8 drivers: split a problem into disjoint tiles and run them on the thread pool.
//
// A tile is a range of rows (a multiple of the kernel's mr, except the last) times a range of
// packed columns (a multiple of nr, except the last). Every output element belongs to exactly
// one tile and is computed by one kernel call with the same code whatever thread runs it, so the
// bytes of C never depend on the thread count or on the scheduling. N is split first: the
// weights are the large operand, and disjoint column ranges give each thread its own share of
// them to keep in cache; M is split only when N alone gives too few tiles.
#include <utility>

#include "ops/gemm_s8/gemm_s8.h"
#include "ops/gemm_s8/gemm_s8_variants.h"
#include "runtime/threadpool.h"

namespace intformer {
namespace {

// Tiles per thread: more than one, so that a thread delayed by a busy core is caught up by the
// others (pthreadpool hands out tiles dynamically).
constexpr size_t kTilesPerThread = 2;

size_t CeilDiv(size_t x, size_t y) { return (x + y - 1) / y; }

template <class F>
void RunTiles(ThreadPool* pool, size_t range_i, size_t range_j, F&& f) {
  if (pool == nullptr || pool->threads() <= 1) {
    for (size_t i = 0; i < range_i; ++i) {
      for (size_t j = 0; j < range_j; ++j) f(i, j);
    }
    return;
  }
  auto task = f;  // Run2D takes its functor by value type (an rvalue), not by reference
  pool->Run2D(range_i, range_j, std::move(task));
}

struct Tiling {
  size_t m_step, m_tiles;  // rows per tile (multiple of mr), tile count
  size_t n_step, n_tiles;  // columns per tile (multiple of nr), tile count
};

// Splits [0, m) x [0, n) into about `want` tiles aligned to (mr, nr).
Tiling MakeTiling(const GemmKernel& kernel, size_t m, size_t n, size_t want) {
  const size_t m_blocks = CeilDiv(m, kernel.mr);
  const size_t n_blocks = kernel.nr >= kGemmWholeN ? 1 : CeilDiv(n, kernel.nr);
  Tiling t;
  const size_t n_split = n_blocks < want ? n_blocks : want;
  const size_t n_per = CeilDiv(n_blocks, n_split);
  t.n_step = kernel.nr >= kGemmWholeN ? n : n_per * kernel.nr;
  t.n_tiles = CeilDiv(n, t.n_step);
  const size_t m_want = CeilDiv(want, t.n_tiles);
  const size_t m_split = m_blocks < m_want ? m_blocks : m_want;
  t.m_step = CeilDiv(m_blocks, m_split) * kernel.mr;
  t.m_tiles = CeilDiv(m, t.m_step);
  return t;
}

size_t OutputSize(const GemmEpilogue& ep) { return ep.output == GemmOutput::kS8Requant ? 1 : 4; }

void RunTile(const GemmKernel& kernel, const GemmArgs& whole, const Tiling& t, size_t i, size_t j) {
  GemmArgs args = whole;
  const size_t m0 = i * t.m_step;
  args.m = whole.m - m0 < t.m_step ? whole.m - m0 : t.m_step;
  args.a = whole.a + m0 * whole.lda;
  args.c = static_cast<char*>(whole.c) + m0 * whole.ldc * OutputSize(*whole.epilogue);
  args.n_begin = j * t.n_step;
  args.n_end = whole.n - args.n_begin < t.n_step ? whole.n : args.n_begin + t.n_step;
  kernel.compute(args);
  const GemmEpilogue& ep = *whole.epilogue;
  if (ep.tile_done != nullptr) ep.tile_done(ep.tile_done_ctx, m0, m0 + args.m, args.n_begin, args.n_end);
}

}  // namespace

void Gemm(const GemmKernel& kernel, size_t m, size_t n, size_t k, const int8_t* a, size_t lda,
          const void* packed_b, const GemmEpilogue& epilogue, void* c, size_t ldc,
          ThreadPool* pool) {
  if (m == 0 || n == 0) return;
  const GemmArgs whole{m, n, k, a, lda, packed_b, 0, n, &epilogue, c, ldc};
  const size_t threads = pool != nullptr ? pool->threads() : 1;
  if (threads <= 1) {
    kernel.compute(whole);  // the kernel blocks for the cache itself
    if (epilogue.tile_done != nullptr) epilogue.tile_done(epilogue.tile_done_ctx, 0, m, 0, n);
    return;
  }
  const Tiling t = MakeTiling(kernel, m, n, threads * kTilesPerThread);
  RunTiles(pool, t.m_tiles, t.n_tiles,
           [&](size_t i, size_t j) { RunTile(kernel, whole, t, i, j); });
}

size_t GemmBatchedScratchSize(const GemmKernel& kernel, size_t batch, size_t n, size_t k) {
  return batch * GemmRound64(kernel.packed_size(n, k));
}

void GemmBatched(const GemmKernel& kernel, size_t batch, size_t m, size_t n, size_t k,
                 const int8_t* a, size_t lda, size_t a_batch_stride, const int8_t* b_src,
                 size_t ldb, size_t b_batch_stride, BLayout b_layout,
                 const GemmEpilogue& epilogue, void* c, size_t ldc, size_t c_batch_stride,
                 void* scratch, ThreadPool* pool) {
  if (batch == 0 || m == 0 || n == 0) return;
  const size_t packed_stride = GemmRound64(kernel.packed_size(n, k));
  char* packed = static_cast<char*>(scratch);
  // Phase 1: pack every B_b (an activation, so packed at run time) into its own scratch slot.
  RunTiles(pool, batch, 1, [&](size_t b, size_t) {
    kernel.pack(b_src + b * b_batch_stride, ldb, b_layout, n, k, nullptr, packed + b * packed_stride);
  });
  // Phase 2: (batch, row tiles, column tiles), all disjoint.
  const size_t threads = pool != nullptr ? pool->threads() : 1;
  const size_t want = threads <= 1 ? 1 : CeilDiv(threads * kTilesPerThread, batch);
  const Tiling t = MakeTiling(kernel, m, n, want);
  const size_t out_size = OutputSize(epilogue);
  RunTiles(pool, batch * t.m_tiles, t.n_tiles, [&](size_t bi, size_t j) {
    const size_t b = bi / t.m_tiles;
    const GemmArgs whole{m,
                         n,
                         k,
                         a + b * a_batch_stride,
                         lda,
                         packed + b * packed_stride,
                         0,
                         n,
                         &epilogue,
                         static_cast<char*>(c) + b * c_batch_stride * out_size,
                         ldc};
    RunTile(kernel, whole, t, bi % t.m_tiles, j);
  });
}

}  // namespace intformer
