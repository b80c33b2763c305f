// Fuzz target: the model loader on arbitrary bytes, through the public entry point
// (intformer_model_load_buffer: ModelFile::OpenBuffer, then Model::Load's schema validation).
//
// Random mutations almost never survive the checksums, which would leave everything behind them
// unexplored. So each input is loaded twice: as given (magic, version, sizes, checksums), and
// "resealed": a copy whose file_size, section checksums, blob checksums and header checksum are
// recomputed from the (possibly mutated) header and table, so the mutation reaches the entry
// parsers, the blob placement rules and the BERT schema. A resealed file that loads is also run
// once: whatever constants it holds, a session must answer, never crash.
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "intformer/intformer.h"

namespace {

uint64_t Get64(const std::vector<uint8_t>& f, size_t off) {
  uint64_t v;
  std::memcpy(&v, f.data() + off, 8);
  return v;
}
uint32_t Get32(const std::vector<uint8_t>& f, size_t off) {
  uint32_t v;
  std::memcpy(&v, f.data() + off, 4);
  return v;
}
void Put64(std::vector<uint8_t>* f, size_t off, uint64_t v) { std::memcpy(f->data() + off, &v, 8); }

// True when [off, off + len) lies inside a file of n bytes (overflow-safe).
bool Inside(uint64_t off, uint64_t len, size_t n) { return off <= n && len <= n - off; }

void Reseal(std::vector<uint8_t>* file) {
  std::vector<uint8_t>& f = *file;
  const size_t n = f.size();
  Put64(&f, 16, n);  // file_size
  const uint64_t meta_off = Get64(f, 32), meta_size = Get64(f, 40);
  const uint64_t table_off = Get64(f, 48), table_size = Get64(f, 56);
  const uint64_t data_off = Get64(f, 64);
  if (data_off <= n) Put64(&f, 72, n - data_off);  // data_size
  if (Inside(meta_off, meta_size, n)) Put64(&f, 88, XXH3_64bits(f.data() + meta_off, meta_size));
  if (Inside(table_off, table_size, n)) {
    // Blob checksums first: they live in the table, which its own checksum then covers.
    const uint32_t count = Get32(f, 84);
    uint64_t pos = table_off;
    const uint64_t end = table_off + table_size;
    for (uint32_t i = 0; i < count && pos + 72 <= end; ++i) {
      const uint64_t name_len = Get32(f, pos);
      const uint64_t off = Get64(f, pos + 48), size = Get64(f, pos + 56);
      if (Inside(off, size, n)) Put64(&f, pos + 64, XXH3_64bits(f.data() + off, size));
      pos += 72 + ((name_len + 7) & ~uint64_t{7});
    }
    Put64(&f, 96, XXH3_64bits(f.data() + table_off, table_size));
  }
  Put64(&f, 120, XXH3_64bits(f.data(), 120));
}

void LoadAndRun(const uint8_t* data, size_t size, bool run) {
  intformer_model* model = nullptr;
  if (intformer_model_load_buffer(data, size, INTFORMER_LOAD_COPY_BUFFER, &model) != INTFORMER_OK) {
    return;
  }
  intformer_model_info info;
  intformer_model_get_info(model, &info);
  if (run) {
    intformer_session_options o;
    intformer_session_options_init(&o);
    o.max_seq = info.max_seq < 16 ? info.max_seq : 16;
    intformer_session* session = nullptr;
    if (intformer_session_create(model, &o, &session) == INTFORMER_OK) {
      std::vector<int32_t> logits(info.num_labels + 1);
      size_t label;
      intformer_session_classify(session, "a gripping film", "not at all", &label, logits.data());
      intformer_session_destroy(session);
    }
  }
  intformer_model_destroy(model);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  LoadAndRun(data, size, /*run=*/false);
  if (size >= 128) {
    std::vector<uint8_t> sealed(data, data + size);
    Reseal(&sealed);
    LoadAndRun(sealed.data(), sealed.size(), /*run=*/true);
  }
  return 0;
}
