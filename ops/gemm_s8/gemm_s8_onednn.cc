// onednn gemm_s8: oneDNN's int8 matmul (s8 x s8 -> s32) as a variant of the table, with our
// bias and epilogue applied to its int32 output. A peer and cross-check for avx512vnni.
//
// Exactness. oneDNN computes only sum_k A*B, to an s32 destination with no scales, bias or
// post-ops, so no value passes through float. On VNNI hardware its s8 x s8 path adds 128 to A
// and subtracts 128 * sum_k B through a compensation stored with the reordered weights, the same
// modulo-2^32 argument as avx512vnni (docs/numerics.md); without VNNI it may use the saturating
// vpmaddubsw, so the variant is offered only on Isa::kAvx512Vnni. Bias (wrapping int32 add) and
// requant (the dispatched requant kernel, bit-exact with requant_ref) are ours.
//
// Packed layout kPackOneDnn (never stored in a model file: oneDNN chooses its blocked weight
// layout per build and CPU, so it is rebuilt at load):
//   Header {magic, n, k, dnnl_memory_desc_t of the reordered weights}   padded to 64 bytes
//   int32 bias[n]                                                       padded to 64 bytes
//   the weights reordered by oneDNN (its blocked layout + s8s8 compensation)
//
// Threads. Debian's oneDNN runs on OpenMP. Our pool owns parallelism: each call is one tile
// (rows [0, m), all of N: nr = kGemmWholeN, so the driver splits M only), and runs oneDNN with
// one OpenMP thread on the calling thread (the per-thread ICV is set for the call and restored),
// so two pool threads never fan out into 2 x 2 OpenMP threads. Primitives are cached per
// (m, n, k, lda); the scratchpad is user-managed and thread-local, so concurrent calls share
// no state.
#include <omp.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "ops/gemm_s8/gemm_s8_variants.h"

namespace intformer {
namespace {

using dnnl::memory;
using Dims = memory::dims;

constexpr uint64_t kMagic = 0x31766e646e6e6f69ull;  // "ionnd nv1"
constexpr memory::dim kProbeM = 128;                 // M used to choose the weight layout

struct Header {
  uint64_t magic, n, k;
  dnnl_memory_desc_t weights;
};

size_t HeaderBytes() { return GemmRound64(sizeof(Header)); }

dnnl::engine& Engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Runs f with OpenMP limited to the calling thread, restoring the caller's setting after.
template <class F>
void SingleThreaded(F&& f) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  f();
  omp_set_num_threads(saved);
}

memory::desc SrcDesc(memory::dim m, memory::dim k, memory::dim lda) {
  return memory::desc(Dims{m, k}, memory::data_type::s8, Dims{lda, 1});
}
memory::desc DstDesc(memory::dim m, memory::dim n) {
  return memory::desc(Dims{m, n}, memory::data_type::s32, Dims{n, 1});
}

dnnl::matmul::primitive_desc MakePd(memory::dim m, memory::dim n, memory::dim k, memory::dim lda,
                                    const memory::desc& weights) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return dnnl::matmul::primitive_desc(
      dnnl::matmul::desc(SrcDesc(m, k, lda), weights, DstDesc(m, n)), attr, Engine());
}

// The weight layout oneDNN picks for (n, k): cached, as packed_size and pack both need it.
// Returns false when oneDNN has no int8 matmul for the shape.
bool WeightsDesc(size_t n, size_t k, memory::desc* out) {
  static std::mutex mu;
  static std::map<std::pair<size_t, size_t>, std::pair<bool, memory::desc>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find({n, k});
  if (it == cache.end()) {
    std::pair<bool, memory::desc> entry{false, memory::desc()};
    try {
      SingleThreaded([&] {
        const memory::desc any(Dims{memory::dim(k), memory::dim(n)}, memory::data_type::s8,
                               memory::format_tag::any);
        entry = {true, MakePd(kProbeM, n, k, k, any).weights_desc()};
      });
    } catch (const dnnl::error&) {
    }
    it = cache.emplace(std::make_pair(n, k), entry).first;
  }
  *out = it->second.second;
  return it->second.first;
}

struct Cached {
  bool ok = false;
  dnnl::matmul prim;
  memory::desc scratch;
};

// The primitive for one call shape with the packed weights' layout.
const Cached& Primitive(size_t m, size_t n, size_t k, size_t lda, const dnnl_memory_desc_t& w) {
  static std::mutex mu;
  static std::map<std::tuple<size_t, size_t, size_t, size_t>, Cached> cache;
  std::lock_guard<std::mutex> lock(mu);
  Cached& c = cache[std::make_tuple(m, n, k, lda)];
  if (!c.ok) {
    try {
      SingleThreaded([&] {
        const auto pd = MakePd(m, n, k, lda, memory::desc(w));
        c.prim = dnnl::matmul(pd);
        c.scratch = pd.scratchpad_desc();
        c.ok = true;
      });
    } catch (const dnnl::error&) {
    }
  }
  return c;  // std::map nodes are stable
}

}  // namespace

const char* GemmRejectOneDnn(const GemmShape& shape) {
  memory::desc w;
  if (shape.k == 0 || shape.n == 0) return "oneDNN matmul needs K, N >= 1";
  if (!WeightsDesc(shape.n, shape.k, &w)) return "oneDNN has no s8 matmul for this shape";
  return nullptr;
}

size_t GemmPackedSizeOneDnn(size_t n, size_t k) {
  memory::desc w;
  const size_t weights = WeightsDesc(n, k, &w) ? w.get_size() : 0;
  return HeaderBytes() + GemmRound64(n * sizeof(int32_t)) + GemmRound64(weights);
}

void GemmPackOneDnn(const int8_t* b, size_t ldb, BLayout layout, size_t n, size_t k,
                    const int32_t* bias, void* packed) {
  memory::desc w;
  Header header{};
  header.magic = kMagic;
  header.n = n;
  header.k = k;
  const bool ok = WeightsDesc(n, k, &w);
  header.weights = w.data;
  std::memcpy(packed, &header, sizeof(header));
  int32_t* pbias = reinterpret_cast<int32_t*>(static_cast<char*>(packed) + HeaderBytes());
  for (size_t j = 0; j < n; ++j) pbias[j] = bias != nullptr ? bias[j] : 0;
  if (!ok) return;
  // B as oneDNN's [K x N] weights: kNK rows are its columns. oneDNN's reorder into a layout with
  // s8s8 compensation accepts only dense sources, so a strided B is first copied densely.
  std::vector<int8_t> dense;
  const size_t rows = layout == BLayout::kNK ? n : k, cols = layout == BLayout::kNK ? k : n;
  if (ldb != cols) {
    dense.resize(rows * cols);
    for (size_t r = 0; r < rows; ++r) std::memcpy(&dense[r * cols], b + r * ldb, cols);
    b = dense.data();
  }
  const Dims dims{memory::dim(k), memory::dim(n)};
  const memory::format_tag tag =
      layout == BLayout::kNK ? memory::format_tag::ba : memory::format_tag::ab;
  memory src(memory::desc(dims, memory::data_type::s8, tag), Engine(), const_cast<int8_t*>(b));
  memory dst(w, Engine(), pbias + (GemmRound64(n * sizeof(int32_t)) / sizeof(int32_t)));
  try {
    SingleThreaded([&] {
      dnnl::stream stream(Engine());
      dnnl::reorder(src, dst).execute(stream, src, dst);
      stream.wait();
    });
  } catch (const dnnl::error& e) {
    // Not seen on any shape the tests cover; say so loudly rather than compute garbage.
    std::fprintf(stderr, "intformer: gemm_s8 onednn: weight reorder failed (n=%zu k=%zu): %s\n",
                 n, k, e.what());
    header.magic = 0;
    std::memcpy(packed, &header, sizeof(header));
  }
}

void GemmComputeOneDnn(const GemmArgs& args) {
  const char* base = static_cast<const char*>(args.packed_b);
  const Header* header = reinterpret_cast<const Header*>(base);
  const int32_t* pbias = reinterpret_cast<const int32_t*>(base + HeaderBytes());
  void* weights = const_cast<char*>(base + HeaderBytes() + GemmRound64(args.n * sizeof(int32_t)));
  const size_t n = args.n;
  thread_local std::vector<int32_t> acc;
  thread_local std::vector<uint8_t> scratch;
  if (acc.size() < args.m * n) acc.resize(args.m * n);
  static const Cached kFailed;
  const Cached& c = header->magic == kMagic
                        ? Primitive(args.m, n, args.k, args.lda, header->weights)
                        : kFailed;
  if (!c.ok) {  // reject() refused this shape or pack failed: C gets the bias, never garbage
    std::memset(acc.data(), 0, args.m * n * sizeof(int32_t));
  } else {
    if (scratch.size() < c.scratch.get_size()) scratch.resize(c.scratch.get_size());
    SingleThreaded([&] {
      thread_local dnnl::stream stream(Engine());
      memory src(SrcDesc(args.m, args.k, args.lda), Engine(), const_cast<int8_t*>(args.a));
      memory wei(memory::desc(header->weights), Engine(), weights);
      memory dst(DstDesc(args.m, n), Engine(), acc.data());
      memory pad(c.scratch, Engine(), scratch.data());
      c.prim.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst},
                              {DNNL_ARG_SCRATCHPAD, pad}});
      stream.wait();
    });
  }
  // Our bias and epilogue on columns [n_begin, n_end), through the dispatched requant kernel.
  const GemmEpilogue& ep = *args.epilogue;
  const size_t count = args.n_end - args.n_begin;
  RequantParams p;
  p.scale = ep.scale + (ep.per_channel ? args.n_begin : 0);
  p.channels = count;
  p.per_channel = ep.per_channel;
  p.lo = ep.lo;
  p.hi = ep.hi;
  const RequantKernel& requant = GetRequantKernel();
  const size_t out_size = ep.output == GemmOutput::kS8Requant ? 1 : 4;
  for (size_t r = 0; r < args.m; ++r) {
    int32_t* row = acc.data() + r * n + args.n_begin;
    for (size_t j = 0; j < count; ++j) row[j] = GemmWrapAdd(row[j], pbias[args.n_begin + j]);
    char* c_row = static_cast<char*>(args.c) + (r * args.ldc + args.n_begin) * out_size;
    if (ep.output == GemmOutput::kS32) {
      std::memcpy(c_row, row, count * sizeof(int32_t));
    } else if (ep.output == GemmOutput::kS32Requant) {
      requant.s32_to_s32(row, reinterpret_cast<int32_t*>(c_row), count, p);
    } else {
      requant.s32_to_s8(row, reinterpret_cast<int8_t*>(c_row), count, p);
    }
  }
}

}  // namespace intformer
