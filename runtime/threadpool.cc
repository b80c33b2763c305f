#include "runtime/threadpool.h"

#include <pthreadpool.h>

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

ThreadPool::ThreadPool(size_t threads)
    : pool_(threads == 1 ? nullptr : pthreadpool_create(threads)) {}

ThreadPool::~ThreadPool() {
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
}

size_t ThreadPool::threads() const { return pool_ == nullptr ? 1 : pthreadpool_get_threads_count(pool_); }

void ThreadPool::Parallelize2D(Task2D fn, void* ctx, size_t range_i, size_t range_j) {
  Trampoline t{fn, ctx};
  // pthreadpool with a null pool runs inline on the caller's thread.
  pthreadpool_parallelize_2d(pool_, Run, &t, range_i, range_j, 0);
}

}  // namespace intformer
