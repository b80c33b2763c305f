// tdpbssd throughput: four independent 16 x 16 int32 accumulator tiles fed from two A and two B
// tiles that stay in tile registers, so only the AMX multiply unit is measured (16384 MACs per
// instruction). The OS permission for tile state is taken by runtime/cpu.cc's detection, which
// MeasureCeilingGmacs consults (CpuHasIsa(kAmxInt8)) before calling this.
#include <immintrin.h>

#include <cstring>

#include "bench/ceiling/ceiling.h"

namespace intformer {
namespace bench {

uint64_t CeilingLoopAmx(uint64_t iters, int32_t* sink) {
  struct alignas(64) {
    uint8_t palette, start;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
  } cfg;
  std::memset(&cfg, 0, sizeof(cfg));
  cfg.palette = 1;
  for (int t = 0; t < 8; ++t) {
    cfg.rows[t] = 16;
    cfg.colsb[t] = 64;
  }
  _tile_loadconfig(&cfg);
  alignas(64) int8_t src[16 * 64];
  for (int i = 0; i < 16 * 64; ++i) src[i] = static_cast<int8_t>(i * 7 + *sink);
  _tile_loadd(4, src, 64);
  _tile_loadd(5, src, 64);
  _tile_loadd(6, src, 64);
  _tile_loadd(7, src, 64);
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  for (uint64_t it = 0; it < iters; ++it) {
    _tile_dpbssd(0, 4, 6);
    _tile_dpbssd(1, 4, 7);
    _tile_dpbssd(2, 5, 6);
    _tile_dpbssd(3, 5, 7);
  }
  alignas(64) int32_t out[16 * 16];
  _tile_stored(0, out, 64);
  _tile_release();
  *sink = out[0] + out[255];
  return iters * 4 * 16 * 16 * 64;
}

}  // namespace bench
}  // namespace intformer
