// The encoder's optional profile: wall time per op and per layer, in integer nanoseconds.
//
// Off by default and free when off: Forward wraps each op in a ProfileScope whose only work,
// with no Profile attached (Session::SetProfile(nullptr)), is one null test. With a Profile
// attached, each scope adds steady_clock nanoseconds (integers: no float on the inference path)
// to ns[layer][op]; `runs` counts forward passes so a reader can average.
#ifndef INTFORMER_MODELS_BERT_PROFILE_H_
#define INTFORMER_MODELS_BERT_PROFILE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace intformer {
namespace bert {

enum class ProfileOp : uint8_t {
  kEmbedding,  // gather-sum of the embedding tables
  kEmbedLn,    // embedding i-LayerNorm
  kQkv,        // gemm_s8 h . Wqkv
  kAttention,  // per head: Q.K^T, i-Softmax, P.V (threaded over heads)
  kAttnOut,    // gemm_s8 ctx . Wo
  kAttnAddLn,  // residual add + i-LayerNorm
  kFfn1,       // gemm_s8 a . W1 with i-GELU fused per output tile
  kFfn2,       // gemm_s8 g . W2
  kFfnAddLn,   // residual add + i-LayerNorm
  kHead,       // pooler GEMM, tanh LUT, classifier GEMM
  kCount,
};

inline const char* ProfileOpName(ProfileOp op) {
  static const char* const kNames[] = {"embedding", "embed_ln",   "qkv",       "attention",
                                       "attn_out",  "attn_add_ln", "ffn1_gelu", "ffn2",
                                       "ffn_add_ln", "head"};
  return kNames[static_cast<size_t>(op)];
}

struct Profile {
  static constexpr size_t kMaxLayers = 64;  // deeper layers accumulate into the last row
  static constexpr size_t kOps = static_cast<size_t>(ProfileOp::kCount);
  static constexpr size_t kOutside = kMaxLayers;  // row of the ops outside the layers
  uint64_t ns[kMaxLayers + 1][kOps];
  uint64_t runs;

  void Clear() { std::memset(this, 0, sizeof(*this)); }
};

inline uint64_t ProfileNowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// Adds the scope's wall time to profile->ns[row][op]; does nothing when profile is null.
class ProfileScope {
 public:
  ProfileScope(Profile* profile, size_t row, ProfileOp op) : profile_(profile) {
    if (profile_ == nullptr) return;
    slot_ = &profile_->ns[row < Profile::kMaxLayers ? row : Profile::kMaxLayers - 1]
                         [static_cast<size_t>(op)];
    start_ = ProfileNowNs();
  }
  ~ProfileScope() {
    if (profile_ != nullptr) *slot_ += ProfileNowNs() - start_;
  }
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

 private:
  Profile* profile_;
  uint64_t* slot_ = nullptr;
  uint64_t start_ = 0;
};

}  // namespace bert
}  // namespace intformer

#endif  // INTFORMER_MODELS_BERT_PROFILE_H_
