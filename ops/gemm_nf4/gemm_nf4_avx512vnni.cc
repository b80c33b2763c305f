// avx512vnni gemm_nf4: 8 rows x 16 channels, vpshufb table lookup + vpdpbusd, bit-exact with ref.
//
// Per call: A is copied once as a ^ 0x80 = a + 128 (unsigned, vpdpbusd's u8 operand) into a
// thread-local buffer, as gemm_s8's avx512vnni kernel does. Per 16-channel panel: the codes are
// decoded once into a thread-local int8 buffer in vpdpbusd order (one 64-byte load of codes ->
// vpand / vpsrlw + vpand -> two vpshufb through the 16-entry level table, replicated in each
// 128-bit lane), and the block sums of the levels SW(n, b) are taken on the way (vpdpbusd with
// ones). Then every row block of 8 streams past the decoded panel, which stays in L1/L2 (16 KB
// per K = 1024): the decode is paid once per panel, not once per row block.
//
// Exactness. Per block the int32 P'(m, n, b) = sum (a + 128) * level = P + 128 * SW (|P'| <=
// 64 * 255 * 127 < 2^21). The block step multiplies by mult(n, b) in int64 (vpmuldq on the even
// and odd dwords) and accumulates; corr(n) = 128 * sum_b mult * SW is subtracted at the end, so
// the int64 sum equals ref's exactly. The epilogue: +2^(t-1), vpsraq t, + bias, vpmovsqd (the
// signed saturation of Sat32), interleave back, then requant's AVX-512 rule.
#include <immintrin.h>

#include <cstring>
#include <vector>

#include "ops/gemm_nf4/gemm_nf4_variants.h"
#include "ops/requant/requant_avx512_inl.h"

// GCC 12 flags the _mm512_undefined_* operands inside its own slli/srai/cvtsepi64 intrinsics
// once inlined here (a false positive, as the avx512 flags' -Wno-maybe-uninitialized notes).
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace intformer {
namespace {

inline int32_t Load4(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct alignas(64) Line {
  uint8_t bytes[64];
};

struct Panel {
  const int8_t* w;        // decoded levels, K/4 groups x 64 bytes
  const int32_t* mults;   // [K/64][16]
  alignas(64) int64_t corr_even[8], corr_odd[8];
  size_t n0, valid;       // first channel, valid channels (<= 16)
};

struct Epi {
  const GemmEpilogue* ep;
  const int32_t* bias;
  int t;
  __m512i lo64, hi64;
};

// Row r of the tile: P_r += (a_r + 128) . w (4 k per lane).
#define NF4_ROW(r) \
  if constexpr (R > r) p##r = _mm512_dpbusd_epi32(p##r, _mm512_set1_epi32(Load4(a##r + off)), wv);
#define NF4_BLOCK(r)                                                                   \
  if constexpr (R > r) {                                                               \
    e##r = _mm512_add_epi64(e##r, _mm512_mul_epi32(p##r, mv));                         \
    o##r = _mm512_add_epi64(o##r, _mm512_mul_epi32(_mm512_srli_epi64(p##r, 32), mo));  \
    p##r = _mm512_setzero_si512();                                                     \
  }

inline void Finish(const Epi& e, const Panel& pn, __m512i even, __m512i odd, char* c_row) {
  const __mmask16 mask = pn.valid >= 16 ? __mmask16(0xffff) : __mmask16((1u << pn.valid) - 1);
  const __m512i rnd = _mm512_set1_epi64(int64_t{1} << (e.t - 1));
  const __m128i sh = _mm_cvtsi32_si128(e.t);
  const __m512i b = e.bias != nullptr
                        ? _mm512_maskz_loadu_epi32(mask, e.bias + pn.n0)
                        : _mm512_setzero_si512();
  const __m512i b_even = _mm512_srai_epi64(_mm512_slli_epi64(b, 32), 32);
  const __m512i b_odd = _mm512_srai_epi64(b, 32);
  even = _mm512_sub_epi64(even, _mm512_load_si512(pn.corr_even));
  odd = _mm512_sub_epi64(odd, _mm512_load_si512(pn.corr_odd));
  even = _mm512_add_epi64(_mm512_sra_epi64(_mm512_add_epi64(even, rnd), sh), b_even);
  odd = _mm512_add_epi64(_mm512_sra_epi64(_mm512_add_epi64(odd, rnd), sh), b_odd);
  const __m512i idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i acc = _mm512_permutex2var_epi32(
      _mm512_zextsi256_si512(_mm512_cvtsepi64_epi32(even)), idx,
      _mm512_zextsi256_si512(_mm512_cvtsepi64_epi32(odd)));
  const GemmEpilogue& ep = *e.ep;
  if (ep.output == GemmOutput::kS32) {
    _mm512_mask_storeu_epi32(reinterpret_cast<int32_t*>(c_row) + pn.n0, mask, acc);
    return;
  }
  __m512i mult, shift;
  if (!ep.per_channel) {
    mult = _mm512_set1_epi32(ep.scale[0].mult);
    shift = _mm512_set1_epi32(ep.scale[0].shift);
  } else {
    alignas(64) Dyadic tmp[16];
    for (size_t i = 0; i < 16; ++i) tmp[i] = i < pn.valid ? ep.scale[pn.n0 + i] : Dyadic{0, 1};
    LoadDyadic16Avx512(tmp, &mult, &shift);
  }
  const __m512i v = RequantClampAvx512(acc, mult, shift, e.lo64, e.hi64);
  if (ep.output == GemmOutput::kS32Requant) {
    _mm512_mask_storeu_epi32(reinterpret_cast<int32_t*>(c_row) + pn.n0, mask, v);
  } else {
    _mm_mask_storeu_epi8(reinterpret_cast<int8_t*>(c_row) + pn.n0, mask, _mm512_cvtepi32_epi8(v));
  }
}

template <int R>
void Tile(const uint8_t* a, size_t lda, size_t k, const Panel& pn, const Epi& e, char* c,
          size_t ldc_bytes) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = R > 1 ? a + lda : a;
  const uint8_t* a2 = R > 2 ? a + 2 * lda : a;
  const uint8_t* a3 = R > 3 ? a + 3 * lda : a;
  const uint8_t* a4 = R > 4 ? a + 4 * lda : a;
  const uint8_t* a5 = R > 5 ? a + 5 * lda : a;
  const uint8_t* a6 = R > 6 ? a + 6 * lda : a;
  const uint8_t* a7 = R > 7 ? a + 7 * lda : a;
  const __m512i z = _mm512_setzero_si512();
  __m512i p0 = z, p1 = z, p2 = z, p3 = z, p4 = z, p5 = z, p6 = z, p7 = z;
  __m512i e0 = z, e1 = z, e2 = z, e3 = z, e4 = z, e5 = z, e6 = z, e7 = z;
  __m512i o0 = z, o1 = z, o2 = z, o3 = z, o4 = z, o5 = z, o6 = z, o7 = z;
  const int8_t* wp = pn.w;
  size_t off = 0;
  for (size_t b = 0; b < k / kNf4Block; ++b) {
    for (size_t g = 0; g < kNf4Block / 4; ++g, off += 4, wp += 64) {
      const __m512i wv = _mm512_load_si512(wp);
      NF4_ROW(0) NF4_ROW(1) NF4_ROW(2) NF4_ROW(3) NF4_ROW(4) NF4_ROW(5) NF4_ROW(6) NF4_ROW(7)
    }
    const __m512i mv = _mm512_load_si512(pn.mults + b * kNf4Panel);
    const __m512i mo = _mm512_srli_epi64(mv, 32);
    NF4_BLOCK(0) NF4_BLOCK(1) NF4_BLOCK(2) NF4_BLOCK(3)
    NF4_BLOCK(4) NF4_BLOCK(5) NF4_BLOCK(6) NF4_BLOCK(7)
  }
  const __m512i ev[8] = {e0, e1, e2, e3, e4, e5, e6, e7};
  const __m512i od[8] = {o0, o1, o2, o3, o4, o5, o6, o7};
  for (int r = 0; r < R; ++r) Finish(e, pn, ev[r], od[r], c + r * ldc_bytes);
}
#undef NF4_ROW
#undef NF4_BLOCK

using TileFn = void (*)(const uint8_t*, size_t, size_t, const Panel&, const Epi&, char*, size_t);
constexpr TileFn kTiles[8] = {Tile<1>, Tile<2>, Tile<3>, Tile<4>,
                              Tile<5>, Tile<6>, Tile<7>, Tile<8>};

// Decodes panel p into w (vpdpbusd order) and its block sums SW into sw[b][16].
void DecodePanel(const Nf4Matrix& m, size_t p, int8_t* w, int32_t* sw) {
  const uint8_t* src = m.codes + p * kNf4Panel * m.k / 2;
  const __m512i table = _mm512_broadcast_i32x4(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kNf4Levels)));
  const __m512i low4 = _mm512_set1_epi8(0x0f);
  const __m512i ones = _mm512_set1_epi8(1);
  for (size_t b = 0; b < m.k / kNf4Block; ++b) {
    __m512i s = _mm512_setzero_si512();
    for (size_t j = 0; j < kNf4Block / 8; ++j, src += 64, w += 128) {
      const __m512i x = _mm512_loadu_si512(src);
      const __m512i lo = _mm512_shuffle_epi8(table, _mm512_and_si512(x, low4));
      const __m512i hi = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(x, 4), low4));
      _mm512_store_si512(w, lo);
      _mm512_store_si512(w + 64, hi);
      s = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(s, ones, lo), ones, hi);
    }
    _mm512_storeu_si512(sw + b * kNf4Panel, s);
  }
}

}  // namespace

void Nf4GemmAvx512Vnni(const Nf4GemmArgs& args) {
  const Nf4Matrix& m = *args.w;
  const size_t k = m.k, kb = k / kNf4Block;
  // Thread-local buffers grow to the largest problem this thread has seen, then are reused.
  thread_local std::vector<Line> abuf, wbuf;
  thread_local std::vector<int32_t> mults, sw;
  if (abuf.size() < args.m * k / 64) abuf.resize(args.m * k / 64);
  if (wbuf.size() < k * kNf4Panel / 64) wbuf.resize(k * kNf4Panel / 64);
  if (mults.size() < kb * kNf4Panel + 16) mults.resize(kb * kNf4Panel + 16);
  if (sw.size() < kb * kNf4Panel) sw.resize(kb * kNf4Panel);
  uint8_t* a = reinterpret_cast<uint8_t*>(abuf.data());
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (size_t r = 0; r < args.m; ++r) {
    for (size_t kk = 0; kk < k; kk += 64) {
      _mm512_store_si512(a + r * k + kk,
                         _mm512_xor_si512(_mm512_loadu_si512(args.a + r * args.lda + kk), flip));
    }
  }
  // The multipliers are read with aligned loads: align the panel array inside `mults`.
  int32_t* mp = mults.data();
  while (reinterpret_cast<uintptr_t>(mp) % 64 != 0) ++mp;

  Epi e;
  e.ep = args.epilogue;
  e.bias = m.bias;
  e.t = Nf4AccShift(k);
  int32_t lo, hi;
  GemmClampBounds(*args.epilogue, &lo, &hi);
  e.lo64 = _mm512_set1_epi64(lo);
  e.hi64 = _mm512_set1_epi64(hi);
  const size_t out_size = args.epilogue->output == GemmOutput::kS8Requant ? 1 : 4;
  char* c = static_cast<char*>(args.c);
  for (size_t p = args.n_begin / kNf4Panel; p * kNf4Panel < args.n_end; ++p) {
    Panel pn;
    int8_t* w = reinterpret_cast<int8_t*>(wbuf.data());
    DecodePanel(m, p, w, sw.data());
    Nf4PanelMults(m, p, mp);
    int64_t corr[16] = {};
    for (size_t b = 0; b < kb; ++b) {
      for (size_t ch = 0; ch < 16; ++ch) {
        corr[ch] += int64_t{128} * mp[b * 16 + ch] * sw[b * 16 + ch];
      }
    }
    for (size_t i = 0; i < 8; ++i) {
      pn.corr_even[i] = corr[2 * i];
      pn.corr_odd[i] = corr[2 * i + 1];
    }
    pn.w = w;
    pn.mults = mp;
    pn.n0 = p * kNf4Panel;
    pn.valid = args.n_end - pn.n0 < kNf4Panel ? args.n_end - pn.n0 : kNf4Panel;
    for (size_t r0 = 0; r0 < args.m; r0 += kNf4Avx512Mr) {
      const size_t rows = args.m - r0 < kNf4Avx512Mr ? args.m - r0 : kNf4Avx512Mr;
      kTiles[rows - 1](a + r0 * k, k, k, pn, e, c + r0 * args.ldc * out_size,
                       args.ldc * out_size);
    }
  }
}

}  // namespace intformer
