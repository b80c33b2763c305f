#include "runtime/threadpool.h"

#include <pthreadpool.h>

#include <cstdlib>
#include <cstring>

namespace intformer {
namespace {

struct Trampoline {
  ThreadPool::Task2D fn;
  void* ctx;
};

void Run(void* t, size_t i, size_t j) {
  const Trampoline* tr = static_cast<const Trampoline*>(t);
  tr->fn(tr->ctx, i, j);
}

}  // namespace

// Workers sleep (futex) as soon as a region ends instead of spinning for the next one: on a
// shared or oversubscribed machine a spinning worker burns the core the caller needs, and a
// descheduled one stalls every barrier (measured on 2 busy cores, BERT-base seq 32: 1168 ms ->
// 57 ms per pass). INTFORMER_POOL=spin restores spinning for dedicated machines, where it saves
// a futex wake-up (tens of microseconds) per parallel region.
ThreadPool::ThreadPool(size_t threads)
    : pool_(threads == 1 ? nullptr : pthreadpool_create(threads)) {
  const char* mode = std::getenv("INTFORMER_POOL");
  flags_ = mode != nullptr && std::strcmp(mode, "spin") == 0 ? 0 : PTHREADPOOL_FLAG_YIELD_WORKERS;
}

ThreadPool::~ThreadPool() {
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
}

size_t ThreadPool::threads() const { return pool_ == nullptr ? 1 : pthreadpool_get_threads_count(pool_); }

void ThreadPool::Parallelize2D(Task2D fn, void* ctx, size_t range_i, size_t range_j) {
  Trampoline t{fn, ctx};
  // pthreadpool with a null pool runs inline on the caller's thread.
  pthreadpool_parallelize_2d(pool_, Run, &t, range_i, range_j, flags_);
}

}  // namespace intformer
