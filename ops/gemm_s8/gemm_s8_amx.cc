// amx gemm_s8: Intel AMX tile kernel (tdpbusd), 16 rows x 48 channels, bit-exact with ref.
//
// It reads the avx512vnni packed layout unchanged (pack_format kPackAvx512Vnni, packed by
// GemmPackAvx512Vnni): a panel's group g is 48 channels x 4 bytes = 192 bytes, i.e. three
// 16-channel x 4-byte rows of 64 bytes, which is exactly one row of an AMX B tile in VNNI form.
// So a B tile of 16 groups (K chunk of 64) x 16 channels is a tileloadd with a 192-byte stride,
// and a model file packed for avx512vnni runs on either kernel: the file stays portable to
// VNNI-only machines, and nothing is repacked at load (no load time, no second copy in RSS).
//
// Exactness. tdpbssd multiplies signed A bytes by signed B bytes and accumulates into int32
// without saturation (wrapping). The packed bias holds bias' = bias - 128 * sum_k B (avx512vnni's
// u8 x s8 compensation), so each call adds back 128 * sum_k B over the tiled groups, summed from
// the panel with vpdpbusd against a vector of ones (the tail's u8 products a + 128 bring theirs): bias' + 128 colsum + sum a*b = bias + sum a*b modulo
// 2^32, exact inside the contract. K chunks of 64 run on tiles; the tail groups (K mod 64, fewer
// than 16) run with vpdpbusd on a ^ 0x80 in the epilogue, as avx512vnni does.
//
// Tiles: C0..C2 (16 x 16 int32 each: 16 rows x 48 channels), A (16 rows x 64 bytes),
// B0..B2 (16 groups x 64 bytes): 7 of the 8 tile registers; per K chunk 4 tile loads and
// 3 tdpbssd (each 16 x 16 x 64 = 16384 MACs). A is read in place (row stride lda): the last
// block of m mod 16 rows runs under a second tile configuration with that many rows, so no load
// reads past A, and nothing is copied or allocated. Channels are padded to 48 by the packed
// layout (zeros). Order: panel outer, 16-row blocks inner (a panel, up to 48 x 3072 bytes,
// stays in L2 while A streams past it), the row tail last under its own configuration.
//
// The OS must grant the tile data state (arch_prctl ARCH_REQ_XCOMP_PERM): runtime/cpu.cc does
// so before it reports Isa::kAmxInt8. Each call configures the tiles on its own thread and
// releases them at the end, so no thread is left holding AMX state.
#include <immintrin.h>

#include <cstring>

#include "ops/gemm_s8/gemm_amx_tiles_inl.h"
#include "ops/gemm_s8/gemm_s8_variants.h"
#include "ops/gemm_s8/gemm_s8_epilogue_avx512_inl.h"
#include "ops/requant/requant_avx512_inl.h"

namespace intformer {
namespace {

constexpr size_t kNr = kAvx512VnniNr;  // the packed panel width this kernel reads
constexpr size_t kMr = kAmxMr;
constexpr size_t kChunkGroups = 16;  // groups of 4 K values per tile (64 bytes)
static_assert(kNr == 48 && kMr == 16, "3 C tiles of 16 x 16");

size_t Groups(size_t k) { return (k + 3) / 4; }
size_t PanelBytes(size_t k) { return kNr * 4 + Groups(k) * kNr * 4; }

// C0..C2 and A: `rows` rows; B0..B2: 16 groups.
void ConfigureTiles(size_t rows) { ConfigureAmxTiles(7, 4, rows); }

// 4 bytes of row `a` at byte `off` made unsigned (a ^ 0x80), bytes at or past k left at 0x80
// (they meet B's zero padding).
inline int32_t LoadA4(const int8_t* a, size_t off, size_t k) {
  uint32_t v = 0;
  std::memcpy(&v, a + off, off + 4 <= k ? 4 : k - off);
  return static_cast<int32_t>(v ^ 0x80808080u);
}

// 128 * sum_k B[n][k] over the first `groups` groups (those the tiles multiply signed; the
// tail's vpdpbusd on a + 128 carries its own), for the 48 channels of a panel (wrapping).
void Compensation(const int8_t* panel, size_t groups, __m512i comp[3]) {
  // Two groups per step on six independent sums: vpdpbusd's latency, not its throughput, bounds
  // a single chain, and this loop runs once per panel per call.
  const __m512i ones = _mm512_set1_epi8(1);
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, t0 = s0, t1 = s0, t2 = s0;
  const int8_t* bp = panel + kNr * 4;
  size_t g = 0;
  for (; g + 2 <= groups; g += 2, bp += 2 * kNr * 4) {
    s0 = _mm512_dpbusd_epi32(s0, ones, _mm512_load_si512(bp));
    s1 = _mm512_dpbusd_epi32(s1, ones, _mm512_load_si512(bp + 64));
    s2 = _mm512_dpbusd_epi32(s2, ones, _mm512_load_si512(bp + 128));
    t0 = _mm512_dpbusd_epi32(t0, ones, _mm512_load_si512(bp + 192));
    t1 = _mm512_dpbusd_epi32(t1, ones, _mm512_load_si512(bp + 256));
    t2 = _mm512_dpbusd_epi32(t2, ones, _mm512_load_si512(bp + 320));
  }
  if (g < groups) {
    s0 = _mm512_dpbusd_epi32(s0, ones, _mm512_load_si512(bp));
    s1 = _mm512_dpbusd_epi32(s1, ones, _mm512_load_si512(bp + 64));
    s2 = _mm512_dpbusd_epi32(s2, ones, _mm512_load_si512(bp + 128));
  }
  comp[0] = _mm512_slli_epi32(_mm512_add_epi32(s0, t0), 7);
  comp[1] = _mm512_slli_epi32(_mm512_add_epi32(s1, t1), 7);
  comp[2] = _mm512_slli_epi32(_mm512_add_epi32(s2, t2), 7);
}

// bias' + compensation + tile sums + the K tail (vpdpbusd), then the epilogue, for `rows` rows.
void Finish(const int32_t (*sums)[kNr], const int8_t* a, size_t lda, size_t rows, size_t k,
            size_t tail_begin, size_t groups, const int8_t* panel, const __m512i comp[3],
            const Epi& e, size_t n0, size_t valid, char* c, size_t ldc_bytes) {
  const size_t cols = (valid + 15) / 16;
  __mmask16 masks[3];
  __m512i mult[3], shift[3], bias[3];
  for (size_t j = 0; j < 3; ++j) {
    bias[j] = _mm512_add_epi32(_mm512_load_si512(panel + 64 * j), comp[j]);
    if (j >= cols) continue;
    const size_t col = 16 * j;
    masks[j] = valid - col >= 16 ? __mmask16(0xffff) : __mmask16((1u << (valid - col)) - 1);
    mult[j] = shift[j] = _mm512_setzero_si512();
    if (e.output != GemmOutput::kS32) LoadScale16(e, n0 + col, masks[j], &mult[j], &shift[j]);
  }
  const int8_t* tail = panel + kNr * 4 + tail_begin * kNr * 4;
  for (size_t r = 0; r < rows; ++r) {
    __m512i acc0 = _mm512_add_epi32(bias[0], _mm512_load_si512(sums[r]));
    __m512i acc1 = _mm512_add_epi32(bias[1], _mm512_load_si512(sums[r] + 16));
    __m512i acc2 = _mm512_add_epi32(bias[2], _mm512_load_si512(sums[r] + 32));
    const int8_t* ar = a + r * lda;
    const int8_t* bp = tail;
    for (size_t g = tail_begin; g < groups; ++g, bp += kNr * 4) {
      const __m512i av = _mm512_set1_epi32(LoadA4(ar, 4 * g, k));
      acc0 = _mm512_dpbusd_epi32(acc0, av, _mm512_load_si512(bp));
      acc1 = _mm512_dpbusd_epi32(acc1, av, _mm512_load_si512(bp + 64));
      acc2 = _mm512_dpbusd_epi32(acc2, av, _mm512_load_si512(bp + 128));
    }
    const __m512i acc[3] = {acc0, acc1, acc2};
    for (size_t j = 0; j < cols; ++j) {
      Store16(e, acc[j], mult[j], shift[j], n0 + 16 * j, masks[j], c + r * ldc_bytes);
    }
  }
}

// Rows [m0, m0 + rows) of every panel in [n_begin, n_end), tiles configured for `rows` rows.
void Blocks(const GemmArgs& args, const Epi& e, size_t m_begin, size_t m_end, size_t rows) {
  const size_t ldc_bytes = args.ldc * (e.output == GemmOutput::kS8Requant ? 1 : 4);
  const int8_t* packed = static_cast<const int8_t*>(args.packed_b);
  const size_t groups = Groups(args.k);
  const size_t chunks = groups / kChunkGroups;
  const size_t group_bytes = kNr * 4;
  alignas(64) int32_t sums[kMr][kNr];
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const size_t valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const int8_t* panel = packed + n0 / kNr * PanelBytes(args.k);
    const int8_t* b = panel + group_bytes;
    __m512i comp[3];
    Compensation(panel, chunks * kChunkGroups, comp);  // the tail's is in its u8 products
    for (size_t m0 = m_begin; m0 < m_end; m0 += rows) {
      const int8_t* am = args.a + m0 * args.lda;
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      for (size_t ch = 0; ch < chunks; ++ch) {
        const int8_t* bc = b + ch * kChunkGroups * group_bytes;
        _tile_loadd(3, am + ch * 64, args.lda);
        _tile_loadd(4, bc, group_bytes);
        _tile_loadd(5, bc + 64, group_bytes);
        _tile_loadd(6, bc + 128, group_bytes);
        _tile_dpbssd(0, 3, 4);
        _tile_dpbssd(1, 3, 5);
        _tile_dpbssd(2, 3, 6);
      }
      _tile_stored(0, &sums[0][0], kNr * 4);
      _tile_stored(1, &sums[0][16], kNr * 4);
      _tile_stored(2, &sums[0][32], kNr * 4);
      Finish(sums, am, args.lda, rows, args.k, chunks * kChunkGroups, groups, panel, comp, e, n0,
             valid, static_cast<char*>(args.c) + m0 * ldc_bytes, ldc_bytes);
    }
  }
}

}  // namespace

void GemmComputeAmx(const GemmArgs& args) {
  const Epi e = MakeEpi(*args.epilogue);
  const size_t full = args.m / kMr * kMr;
  if (full > 0) {
    ConfigureTiles(kMr);
    Blocks(args, e, 0, full, kMr);
  }
  if (full < args.m) {
    ConfigureTiles(args.m - full);
    Blocks(args, e, full, args.m, args.m - full);
  }
  _tile_release();
}

}  // namespace intformer
