// The AMX tile configuration shared by the AMX kernels (gemm_s8 amx, gemm_nf4 amx): palette 1,
// every tile 64 bytes wide, the first `row_tiles` tiles (the C and A tiles, which follow the row
// block) with `rows` rows and the others (B tiles: 16 groups of 4 k) with 16. Include only from
// translation units compiled with the amx flags.
#ifndef INTFORMER_OPS_GEMM_S8_GEMM_AMX_TILES_INL_H_
#define INTFORMER_OPS_GEMM_S8_GEMM_AMX_TILES_INL_H_

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace intformer {
namespace {

struct alignas(64) AmxTileConfig {
  uint8_t palette_id;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
};

inline void ConfigureAmxTiles(int tiles, int row_tiles, size_t rows) {
  AmxTileConfig cfg;
  std::memset(&cfg, 0, sizeof(cfg));
  cfg.palette_id = 1;
  for (int t = 0; t < tiles; ++t) {
    cfg.rows[t] = static_cast<uint8_t>(t < row_tiles ? rows : 16);
    cfg.colsb[t] = 64;
  }
  // Not _tile_loadconfig: GCC 12's declares that it reads only the first 8 bytes of the
  // configuration ("m" of a pointer), so the rows stores can be dropped as dead (seen with all
  // eight tiles configured: ldtilecfg faulted on rows of 0). This operand is the whole struct.
  asm volatile("ldtilecfg %0" : : "m"(cfg));
}

}  // namespace
}  // namespace intformer

#endif  // INTFORMER_OPS_GEMM_S8_GEMM_AMX_TILES_INL_H_
