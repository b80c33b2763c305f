// Helpers shared by the kernel tests: a seeded generator whose seed is printed on failure, and
// the skip rule for variants the CPU lacks (skipped, never passed).
#ifndef INTFORMER_TESTS_TEST_UTIL_H_
#define INTFORMER_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/cpu.h"

namespace intformer {
namespace test {

// The base seed: INTFORMER_TEST_SEED if set, else a fixed default (reproducible CI runs).
inline uint64_t BaseSeed() {
  const char* s = std::getenv("INTFORMER_TEST_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 0) : 0x1be27u;
}

// A generator seeded from the base seed and a per-case salt; SCOPED_TRACE prints the seed with
// any failure inside the enclosing scope.
class Rng {
 public:
  explicit Rng(uint64_t salt = 0) : seed_(BaseSeed() ^ (salt * 0x9e3779b97f4a7c15ull)), gen_(seed_) {}
  uint64_t seed() const { return seed_; }
  std::string Trace() const {
    return "seed " + std::to_string(seed_) + " (base: INTFORMER_TEST_SEED=" +
           std::to_string(BaseSeed()) + ")";
  }
  int32_t Uniform(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(gen_);
  }
  int64_t Uniform64(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen_);
  }
  template <class T>
  std::vector<T> Vector(size_t n, int32_t lo, int32_t hi) {
    std::vector<T> v(n);
    for (T& x : v) x = static_cast<T>(Uniform(lo, hi));
    return v;
  }
  std::mt19937_64& engine() { return gen_; }

 private:
  uint64_t seed_;
  std::mt19937_64 gen_;
};

#define INTFORMER_SEED_TRACE(rng) SCOPED_TRACE((rng).Trace())

// Skips the current test when the CPU does not implement `isa`.
#define INTFORMER_SKIP_IF_MISSING(isa)                                                   \
  do {                                                                                   \
    if (!::intformer::CpuHasIsa(isa)) {                                                  \
      GTEST_SKIP() << "CPU lacks " << ::intformer::IsaName(isa) << ": variant not run"; \
    }                                                                                    \
  } while (0)

// gtest parameter name for a kernel table entry ("avx512vnni_16x4", "ref", ...).
template <class Kernel>
std::string KernelName(const ::testing::TestParamInfo<const Kernel*>& info) {
  std::string s = info.param->name;
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

// The entries of a kernel table as gtest parameters.
template <class Kernel>
std::vector<const Kernel*> AllKernels(const Kernel* table, size_t count) {
  std::vector<const Kernel*> v;
  for (size_t i = 0; i < count; ++i) v.push_back(&table[i]);
  return v;
}

}  // namespace test
}  // namespace intformer

#endif  // INTFORMER_TESTS_TEST_UTIL_H_
