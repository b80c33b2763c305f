// Fuzz target: the C API's run entry points with random ids, type ids, masks, shapes and texts on
// the bundled model (models/bundled/sst2-bert-tiny), converted once at start-up, or the model
// file named by INTFORMER_FUZZ_MODEL (ctest passes the one its fixture converted).
//
// Input layout: byte 0 = batch (0..5; the session takes 4), byte 1 = seq (0..39; it takes 32),
// byte 2 = flags (bit 0: ids are raw int32s, else 16-bit draws from [-1, vocab]; bit 1: no type
// ids; bit 2: raw mask bytes, else bit 0 of each byte; bit 3: texts through run_text instead).
// Then per token: 4 id bytes, 1 type byte, 1 mask byte (texts: the rest, split at NULs).
// Invariants beyond "no crash": a success is deterministic (the same call twice gives the same
// bytes), and after any call, failed or not, the session still gives the reference logits of a
// fixed good input.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "intformer/intformer.h"
#include "tools/convert/convert.h"

namespace {

intformer_model* g_model = nullptr;
intformer_session* g_session = nullptr;
intformer_model_info g_info;
const int32_t kGoodIds[] = {101, 1037, 12892, 2143, 102};
const uint8_t kGoodMask[] = {1, 1, 1, 1, 1};
std::vector<int32_t> g_good_logits;

void Die(const char* what) {
  std::fprintf(stderr, "fuzz_c_api: %s: %s\n", what, intformer_last_error());
  std::abort();
}

std::vector<int32_t> RunGood() {
  std::vector<int32_t> logits(g_info.num_labels);
  if (intformer_session_run(g_session, kGoodIds, nullptr, kGoodMask, 1, 5, logits.data()) !=
      INTFORMER_OK) {
    Die("the good input failed");
  }
  return logits;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string path;
  if (const char* env = std::getenv("INTFORMER_FUZZ_MODEL")) {
    path = env;
  } else {
    intformer::ConvertOptions o;
    o.checkpoint = std::string(INTFORMER_SOURCE_DIR) + "/models/bundled/sst2-bert-tiny";
    o.calib_tsv = o.checkpoint + "/calib.tsv";
    o.calib_rows = 16;  // calibration quality is irrelevant here, start-up time is not
    o.out = "/tmp/intformer_fuzz_c_api." + std::to_string(getpid()) + ".ifm";
    const intformer::Status s = intformer::Convert(o, nullptr);
    if (!s.ok()) {
      std::fprintf(stderr, "fuzz_c_api: converting the bundled model: %s\n", s.ToString().c_str());
      std::abort();
    }
    path = o.out;
  }
  if (intformer_model_load(path.c_str(), &g_model) != INTFORMER_OK) Die("load");
  if (std::getenv("INTFORMER_FUZZ_MODEL") == nullptr) unlink(path.c_str());  // the map stays valid
  intformer_model_get_info(g_model, &g_info);
  intformer_session_options o;
  intformer_session_options_init(&o);
  o.max_batch = 4;
  o.max_seq = 32;
  if (intformer_session_create(g_model, &o, &g_session) != INTFORMER_OK) Die("session");
  g_good_logits = RunGood();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const size_t batch = data[0] % 6, seq = data[1] % 40;
  const uint8_t flags = data[2];
  data += 3;
  size -= 3;
  std::vector<int32_t> logits(6 * g_info.num_labels), again(logits.size());
  intformer_status st;
  if (flags & 8) {
    // Texts: the bytes split at NULs (at most `batch` of them, missing ones empty).
    std::vector<std::string> texts(batch);
    size_t i = 0;
    for (size_t k = 0; k < size && i < batch; ++k) {
      if (data[k] == 0) ++i; else texts[i].push_back(static_cast<char>(data[k]));
    }
    std::vector<const char*> ptrs, pairs;
    for (size_t r = 0; r < batch; ++r) {
      ptrs.push_back(texts[r].c_str());
      pairs.push_back(r % 2 ? texts[batch - 1 - r].c_str() : nullptr);
    }
    st = intformer_session_run_text(g_session, ptrs.data(), (flags & 16) ? pairs.data() : nullptr,
                                    batch, logits.data());
    if (st == INTFORMER_OK &&
        intformer_session_run_text(g_session, ptrs.data(), (flags & 16) ? pairs.data() : nullptr,
                                   batch, again.data()) != INTFORMER_OK) {
      Die("a text batch that passed failed the second time");
    }
  } else {
    const size_t n = batch * seq;
    std::vector<int32_t> ids(n), types(n);
    std::vector<uint8_t> mask(n);
    for (size_t k = 0; k < n; ++k) {
      uint8_t b[6] = {0, 0, 0, 0, 0, 1};
      if (6 * k < size) std::memcpy(b, data + 6 * k, std::min<size_t>(6, size - 6 * k));
      int32_t raw;
      std::memcpy(&raw, b, 4);
      const uint32_t draw = (b[0] | b[1] << 8) % (g_info.vocab_size + 2);
      ids[k] = (flags & 1) ? raw : static_cast<int32_t>(draw) - 1;
      types[k] = b[4] % 3;
      mask[k] = (flags & 4) ? b[5] : (b[5] & 1);
    }
    const int32_t* type_ptr = (flags & 2) ? nullptr : types.data();
    st = intformer_session_run(g_session, ids.data(), type_ptr, mask.data(), batch, seq,
                               logits.data());
    if (st == INTFORMER_OK) {
      if (intformer_session_run(g_session, ids.data(), type_ptr, mask.data(), batch, seq,
                                again.data()) != INTFORMER_OK) {
        Die("an input that passed failed the second time");
      }
    }
  }
  if (st == INTFORMER_OK && logits != again) Die("two runs of one input differ");
  if (st != INTFORMER_OK && intformer_last_error()[0] == '\0') Die("an error without a message");
  if (RunGood() != g_good_logits) Die("the session changed after a call");
  return 0;
}
