#include "runtime/threadpool.h"

#include <pthreadpool.h>

#include <cstdlib>
#include <cstring>
// ThreadSanitizer cannot see the ordering pthreadpool (an uninstrumented Debian library)
// guarantees through its own atomics and futexes: the parallelize call happens before each of
// its tasks, and each task happens before the call returns. Without that, the next call's
// locals (at the same stack address as the last call's closure) look like a race with the last
// tasks. Under TSan the two edges are declared explicitly, on two distinct sync addresses so
// that no task is ordered after another task: a race between two tiles is still reported.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define INTFORMER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define INTFORMER_TSAN 1
#endif
#ifdef INTFORMER_TSAN
#include <sanitizer/tsan_interface.h>
#define INTFORMER_TSAN_ACQUIRE(addr) __tsan_acquire(addr)
#define INTFORMER_TSAN_RELEASE(addr) __tsan_release(addr)
#else
#define INTFORMER_TSAN_ACQUIRE(addr) (void)(addr)
#define INTFORMER_TSAN_RELEASE(addr) (void)(addr)
#endif

namespace intformer {
namespace {

struct Trampoline {
  ThreadPool::Task2D fn;
  void* ctx;
  char start, end;  // TSan sync addresses: call -> task, task -> return
};

void Run(void* t, size_t i, size_t j) {
  Trampoline* tr = static_cast<Trampoline*>(t);
  INTFORMER_TSAN_ACQUIRE(&tr->start);
  tr->fn(tr->ctx, i, j);
  INTFORMER_TSAN_RELEASE(&tr->end);
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
  Trampoline t{fn, ctx, 0, 0};
  INTFORMER_TSAN_RELEASE(&t.start);
  // pthreadpool with a null pool runs inline on the caller's thread.
  pthreadpool_parallelize_2d(pool_, Run, &t, range_i, range_j, flags_);
  INTFORMER_TSAN_ACQUIRE(&t.end);
}

}  // namespace intformer
