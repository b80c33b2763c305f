// A thin owner of a pthreadpool, the thread pool XNNPACK runs on.
//
// Kernels never create threads; drivers (the GEMM driver, later the encoder) split their work
// into independent tiles and hand them to Parallelize2D. A pool of 1 thread runs everything on
// the caller's thread, so results never depend on the thread count: each tile is computed by
// exactly one thread with the same code, and tiles do not share accumulators.
#ifndef INTFORMER_RUNTIME_THREADPOOL_H_
#define INTFORMER_RUNTIME_THREADPOOL_H_

#include <cstddef>
#include <cstdint>

struct pthreadpool;

namespace intformer {

// The default mode's choice per pass (see Begin() below), apart from clocks and threads so that
// it can be tested: spin within the next pass or not, from the caller's CPU and wall time of
// the passes so far.
class BurstPolicy {
 public:
  static constexpr uint32_t kYieldPassesMin = 32, kYieldPassesMax = 4096;
  // Whether the workers may spin between the regions of the next pass.
  bool SpinNextPass() const { return yield_passes_ == 0; }
  // A pass ended; cpu_ns and wall_ns are the calling thread's CPU time and the wall time of it.
  void PassEnded(int64_t cpu_ns, int64_t wall_ns);

 private:
  uint32_t yield_passes_ = 0;                // passes left that sleep after every region
  uint32_t yield_window_ = kYieldPassesMin;  // the next such stretch (doubles while busy)
};

class ThreadPool {
 public:
  // threads == 0 means one per core.
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t threads() const;

  // Calls fn(ctx, i, j) for every i < range_i, j < range_j, possibly concurrently.
  using Task2D = void (*)(void* ctx, size_t i, size_t j);
  void Parallelize2D(Task2D fn, void* ctx, size_t range_i, size_t range_j);

  // Bracket a burst of regions (one forward pass). In the default mode workers spin between
  // the regions of a pass and go to sleep at Rest(), so they burn no core between passes; and
  // a pass in which the calling thread did not get its core (thread CPU time < 7/8 of the wall
  // time: the machine is oversubscribed, and spinning workers would take the core the caller
  // needs) makes the next 32 passes (then 64, ... up to 4096 while it stays so) sleep after
  // every region instead. No-ops in the other
  // modes and for a pool of one thread.
  void Begin();
  void Rest();

  // Convenience for lambdas: pool.Run2D(ri, rj, [&](size_t i, size_t j) { ... }).
  template <class F>
  void Run2D(size_t range_i, size_t range_j, F&& f) {
    Parallelize2D([](void* c, size_t i, size_t j) { (*static_cast<F*>(c))(i, j); }, &f, range_i,
                  range_j);
  }

 private:
  pthreadpool* pool_;
  uint32_t flags_ = 0;  // pthreadpool flags of every region (see threadpool.cc)
  bool burst_ = false;  // default mode: spin within a pass, sleep between passes
  BurstPolicy policy_;
  int64_t begin_cpu_ns_ = 0, begin_wall_ns_ = 0;
};

}  // namespace intformer

#endif  // INTFORMER_RUNTIME_THREADPOOL_H_
