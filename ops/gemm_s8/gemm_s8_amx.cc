// amx gemm_s8: Intel AMX tile kernel (tdpbusd), 16 rows x 48 channels, bit-exact with ref.
//
// It reads the avx512vnni packed layout unchanged (pack_format kPackAvx512Vnni, packed by
// GemmPackAvx512Vnni): a panel's group g is 48 channels x 4 bytes = 192 bytes, i.e. three
// 16-channel x 4-byte rows of 64 bytes, which is exactly one row of an AMX B tile in VNNI form.
// So a B tile of 16 groups (K chunk of 64) x 16 channels is a tileloadd with a 192-byte stride,
// and a model file packed for avx512vnni runs on either kernel: the file stays portable to
// VNNI-only machines, and nothing is repacked at load (no load time, no second copy in RSS).
//
// Exactness: as avx512vnni. tdpbusd multiplies unsigned A bytes (a ^ 0x80 = a + 128) by signed
// B bytes and accumulates into int32 without saturation (wrapping), the packed bias holds
// bias - 128 * sum_k B, so bias + tile sum = bias + sum a*b modulo 2^32, exact inside the
// contract. K chunks of 64 run on tiles; the tail groups (K mod 64, < 16 groups) run with
// vpdpbusd in the epilogue, on the same wrapping int32 arithmetic.
//
// Tiles: C0..C2 (16 x 16 int32 each: 16 rows x 48 channels), A (16 rows x 64 bytes),
// B0..B2 (16 groups x 64 bytes): 7 of the 8 tile registers; per K chunk 4 tile loads and
// 3 tdpbusd (each 16 x 16 x 64 = 16384 MACs). Rows are padded to 16 in the thread's copy of A,
// channels to 48 by the packed layout (zeros), so tile loads never read outside a buffer.
// Order: panel outer, 16-row blocks inner (the panel, up to 48 x 3072 bytes, stays in L2).
//
// The OS must grant the tile data state (arch_prctl ARCH_REQ_XCOMP_PERM): runtime/cpu.cc does
// so before it reports Isa::kAmxInt8. Each call configures the tiles on its own thread and
// releases them at the end, so no thread is left holding AMX state.
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_s8/gemm_s8_variants.h"
#include "ops/requant/requant_avx512_inl.h"

namespace intformer {
namespace {

constexpr size_t kNr = kAvx512VnniNr;  // the packed panel width this kernel reads
constexpr size_t kMr = kAmxMr;
constexpr size_t kChunkGroups = 16;  // groups of 4 K values per tile (64 bytes)
static_assert(kNr == 48 && kMr == 16, "3 C tiles of 16 x 16");

size_t Groups(size_t k) { return (k + 3) / 4; }
size_t PanelBytes(size_t k) { return kNr * 4 + Groups(k) * kNr * 4; }

struct alignas(64) TileConfig {
  uint8_t palette_id;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
};

void ConfigureTiles() {
  TileConfig cfg;
  std::memset(&cfg, 0, sizeof(cfg));
  cfg.palette_id = 1;
  for (int t = 0; t < 7; ++t) {  // C0..C2, A, B0..B2: all 16 rows x 64 bytes
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
}

// A + 128 as unsigned bytes, rows padded to a multiple of 16 and to whole groups; a buffer of the
// calling thread that grows to the largest call it has seen and is reused after that.
const uint8_t* PackA(const int8_t* a, size_t lda, size_t m, size_t k, size_t* row_bytes) {
  thread_local std::vector<uint8_t> buffer;
  const size_t kp = Groups(k) * 4;
  const size_t rows = (m + kMr - 1) / kMr * kMr;
  if (buffer.size() < rows * kp) buffer.resize(rows * kp);
  uint8_t* dst = buffer.data();
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (size_t r = 0; r < m; ++r, dst += kp) {
    const int8_t* src = a + r * lda;
    size_t i = 0;
    for (; i + 64 <= k; i += 64) {
      _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
    }
    for (; i < k; ++i) dst[i] = static_cast<uint8_t>(src[i]) ^ 0x80u;
    for (; i < kp; ++i) dst[i] = 0x80u;  // times B's zero padding: contributes 0
  }
  std::memset(dst, 0x80, (rows - m) * kp);  // padded rows: computed, never stored
  *row_bytes = kp;
  return buffer.data();
}

struct Epi {
  GemmOutput output;
  bool per_channel;
  const Dyadic* scale;
  __m512i lo64, hi64;
};

inline void LoadScale16(const Epi& e, size_t n, __mmask16 mask, __m512i* mult, __m512i* shift) {
  if (!e.per_channel) {
    *mult = _mm512_set1_epi32(e.scale[0].mult);
    *shift = _mm512_set1_epi32(e.scale[0].shift);
    return;
  }
  if (mask == 0xffff) {
    LoadDyadic16Avx512(e.scale + n, mult, shift);
    return;
  }
  alignas(64) Dyadic tmp[16];
  for (size_t i = 0; i < 16; ++i) tmp[i] = (mask >> i) & 1 ? e.scale[n + i] : Dyadic{0, 1};
  LoadDyadic16Avx512(tmp, mult, shift);
}

inline void Store16(const Epi& e, __m512i acc, __m512i mult, __m512i shift, size_t n,
                    __mmask16 mask, char* c_row) {
  switch (e.output) {
    case GemmOutput::kS32:
      _mm512_mask_storeu_epi32(reinterpret_cast<int32_t*>(c_row) + n, mask, acc);
      break;
    case GemmOutput::kS32Requant:
      _mm512_mask_storeu_epi32(reinterpret_cast<int32_t*>(c_row) + n, mask,
                               RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64));
      break;
    case GemmOutput::kS8Requant:
      _mm_mask_storeu_epi8(
          reinterpret_cast<int8_t*>(c_row) + n, mask,
          _mm512_cvtepi32_epi8(RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64)));
      break;
  }
}

inline int32_t Load4(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// bias + tile sums + the K tail (vpdpbusd), then the epilogue, for `rows` rows of one block.
void Finish(const int32_t (*sums)[kNr], const uint8_t* a, size_t lda, size_t rows,
            size_t tail_begin, size_t groups, const int8_t* panel, const Epi& e, size_t n0,
            size_t valid, char* c, size_t ldc_bytes) {
  const size_t cols = (valid + 15) / 16;
  __mmask16 masks[3];
  __m512i mult[3], shift[3], bias[3];
  for (size_t j = 0; j < cols; ++j) {
    const size_t col = 16 * j;
    masks[j] = valid - col >= 16 ? __mmask16(0xffff) : __mmask16((1u << (valid - col)) - 1);
    mult[j] = shift[j] = _mm512_setzero_si512();
    if (e.output != GemmOutput::kS32) LoadScale16(e, n0 + col, masks[j], &mult[j], &shift[j]);
    bias[j] = _mm512_load_si512(panel + 64 * j);
  }
  const int8_t* tail = panel + kNr * 4 + tail_begin * kNr * 4;
  for (size_t r = 0; r < rows; ++r) {
    __m512i acc0 = _mm512_add_epi32(bias[0], _mm512_load_si512(sums[r]));
    __m512i acc1 = _mm512_add_epi32(bias[1], _mm512_load_si512(sums[r] + 16));
    __m512i acc2 = _mm512_add_epi32(bias[2], _mm512_load_si512(sums[r] + 32));
    const uint8_t* ar = a + r * lda;
    const int8_t* bp = tail;
    for (size_t g = tail_begin; g < groups; ++g, bp += kNr * 4) {
      const __m512i av = _mm512_set1_epi32(Load4(ar + 4 * g));
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

}  // namespace

void GemmComputeAmx(const GemmArgs& args) {
  Epi e;
  e.output = args.epilogue->output;
  e.per_channel = args.epilogue->per_channel;
  e.scale = args.epilogue->scale;
  int32_t lo, hi;
  GemmClampBounds(*args.epilogue, &lo, &hi);
  e.lo64 = _mm512_set1_epi64(lo);
  e.hi64 = _mm512_set1_epi64(hi);
  const size_t ldc_bytes = args.ldc * (e.output == GemmOutput::kS8Requant ? 1 : 4);
  const int8_t* packed = static_cast<const int8_t*>(args.packed_b);
  size_t lda;
  const uint8_t* a = PackA(args.a, args.lda, args.m, args.k, &lda);
  const size_t groups = Groups(args.k);
  const size_t chunks = groups / kChunkGroups;
  const size_t group_bytes = kNr * 4;
  alignas(64) int32_t sums[kMr][kNr];
  ConfigureTiles();
  for (size_t n0 = args.n_begin; n0 < args.n_end; n0 += kNr) {
    const size_t valid = args.n_end - n0 < kNr ? args.n_end - n0 : kNr;
    const int8_t* panel = packed + n0 / kNr * PanelBytes(args.k);
    const int8_t* b = panel + group_bytes;
    for (size_t m0 = 0; m0 < args.m; m0 += kMr) {
      const uint8_t* am = a + m0 * lda;
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      for (size_t ch = 0; ch < chunks; ++ch) {
        const int8_t* bc = b + ch * kChunkGroups * group_bytes;
        _tile_loadd(3, am + ch * 64, lda);
        _tile_loadd(4, bc, group_bytes);
        _tile_loadd(5, bc + 64, group_bytes);
        _tile_loadd(6, bc + 128, group_bytes);
        _tile_dpbusd(0, 3, 4);
        _tile_dpbusd(1, 3, 5);
        _tile_dpbusd(2, 3, 6);
      }
      _tile_stored(0, &sums[0][0], kNr * 4);
      _tile_stored(1, &sums[0][16], kNr * 4);
      _tile_stored(2, &sums[0][32], kNr * 4);
      const size_t rows = args.m - m0 < kMr ? args.m - m0 : kMr;
      Finish(sums, am, lda, rows, chunks * kChunkGroups, groups, panel, e, n0, valid,
             static_cast<char*>(args.c) + m0 * ldc_bytes, ldc_bytes);
    }
  }
  _tile_release();
}

}  // namespace intformer
