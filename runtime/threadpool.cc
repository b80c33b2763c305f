#include "runtime/threadpool.h"

#include <pthreadpool.h>

#include <time.h>

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

// Three wait policies for the workers between regions (INTFORMER_POOL):
// - burst (default): between Begin() and Rest() (one Session::Run) workers spin between
//   regions (the gaps are microseconds, and a futex wake-up per region cost ~2 ms of a 17 ms
//   BERT-base pass of ~120 regions), and Rest() puts them to sleep, so no core burns between
//   passes. When the calling thread got less than 7/8 of the pass's wall time on a core, the
//   machine is oversubscribed and the next 32 passes run as yield (then one probes again;
//   32, 64, ... up to 4096 while the probes keep finding it busy);
//   regions outside a pass (a bare Gemm on a pool) run as yield;
// - yield: workers sleep (futex) after every region: the most robust on an oversubscribed
//   machine, where a spinning worker takes the core the caller needs (measured on 2 busy
//   cores, BERT-base seq 32, with spinning everywhere: 1168 ms -> 57 ms per pass);
// - spin: pthreadpool's default everywhere (workers also spin after a pass, until pthreadpool's
//   own spin limit).
ThreadPool::ThreadPool(size_t threads)
    : pool_(threads == 1 ? nullptr : pthreadpool_create(threads)) {
  const char* mode = std::getenv("INTFORMER_POOL");
  if (mode != nullptr && std::strcmp(mode, "spin") == 0) {
    flags_ = 0;
  } else if (mode != nullptr && std::strcmp(mode, "yield") == 0) {
    flags_ = PTHREADPOOL_FLAG_YIELD_WORKERS;
  } else {
    flags_ = PTHREADPOOL_FLAG_YIELD_WORKERS;  // outside Begin() / Rest(): as yield
    burst_ = true;
  }
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

namespace {
int64_t NowNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}
}  // namespace

void BurstPolicy::PassEnded(int64_t cpu_ns, int64_t wall_ns) {
  if (yield_passes_ > 0) {
    --yield_passes_;
  } else if (cpu_ns * 8 < wall_ns * 7) {
    // The caller waited for a core: stop spinning for a while, twice as long after each probe
    // that finds the machine still busy (a probe pass is the slow one there).
    yield_passes_ = yield_window_;
    yield_window_ = yield_window_ * 2 > kYieldPassesMax ? kYieldPassesMax : yield_window_ * 2;
  } else {
    yield_window_ = kYieldPassesMin;
  }
}

void ThreadPool::Begin() {
  if (pool_ == nullptr || !burst_) return;
  flags_ = policy_.SpinNextPass() ? 0 : PTHREADPOOL_FLAG_YIELD_WORKERS;
  begin_cpu_ns_ = NowNs(CLOCK_THREAD_CPUTIME_ID);
  begin_wall_ns_ = NowNs(CLOCK_MONOTONIC);
}

void ThreadPool::Rest() {
  if (pool_ == nullptr || !burst_) return;
  policy_.PassEnded(NowNs(CLOCK_THREAD_CPUTIME_ID) - begin_cpu_ns_,
                    NowNs(CLOCK_MONOTONIC) - begin_wall_ns_);
  const bool spun = flags_ == 0;
  flags_ = PTHREADPOOL_FLAG_YIELD_WORKERS;
  if (!spun) return;
  // One empty task per worker under the yield flag: the spinning workers take it at once and
  // then wait in the kernel.
  pthreadpool_parallelize_1d(pool_, [](void*, size_t) {}, nullptr,
                             pthreadpool_get_threads_count(pool_), PTHREADPOOL_FLAG_YIELD_WORKERS);
}

}  // namespace intformer
