// `intformer bench --model M [--seq 32,128,384] [--batch 1,8] [--threads 1,2] [--json]
//                  [--profile]`: latency of the integer encoder on this machine.
//
// For every (threads, batch, seq): a session sized for exactly that shape, `--warmup` untimed
// passes, then `--runs` timed passes over random token ids (full-length rows, no padding);
// median / min / max latency, sentences/s, achieved GMAC/s and its share of the machine's int8
// ceiling measured in the same run (bench/ceiling/: vpdpbusd, the reference, and the
// ceiling of the ISA the GEMM kernel runs on, e.g. AMX tiles), and the peak RSS of that
// configuration (VmHWM, reset per configuration through /proc/self/clear_refs). Model load time
// is the median of five loads, with and without the blob checksums. --profile adds the time per
// op (summed over layers) and per layer, from the encoder's own hook (models/bert/profile.h).
// The load average is printed: the numbers of a busy machine are not the machine's numbers.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/ceiling/ceiling.h"
#include "models/bert/profile.h"
#include "models/bert/weights.h"
#include "models/encoder.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"

namespace intformer {
namespace cli {
namespace {

struct BenchArgs {
  std::string model;
  std::vector<size_t> seqs{128}, batches{1}, threads{1};
  size_t warmup = 3, runs = 20;
  bool json = false, profile = false, no_ceiling = false;
};

struct Row {
  size_t threads, batch, seq;
  double median_ms, min_ms, max_ms, cpu_ms, sentences_s, gmacs, pct_int8, pct_kernel;
  double pct_int8_cpu;  // MACs per CPU second over one core's vpdpbusd ceiling
  double peak_rss_mb, arena_mb;
  bert::Profile profile;
};

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// CPU time of the whole process (every pool thread) in ms: on a shared machine, the part of
// the wall time this process actually ran.
double CpuMs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Peak resident set (VmHWM) in MiB; ResetPeakRss makes it restart from the current RSS.
double PeakRssMb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}
void ResetPeakRss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
}

std::string LoadAverage() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a.empty() ? "unknown" : a + " " + b + " " + c;
}

// Multiply-accumulates of one forward pass (GEMMs and attention products).
double PassMacs(const ModelInfo& i, size_t batch, size_t seq) {
  const double M = static_cast<double>(batch) * seq, H = i.hidden, I = i.intermediate;
  const double layer = M * H * 3 * H + M * H * H + 2 * M * H * I + 2.0 * batch * seq * seq * H;
  return i.layers * layer + batch * H * H + batch * H * i.num_labels;
}

Status Load(const std::string& path, bool verify, std::unique_ptr<Model>* out) {
  ReaderOptions o;
  o.verify_blobs = verify;
  o.require_isa_enabled = true;
  std::unique_ptr<ModelFile> file;
  INTFORMER_RETURN_IF_ERROR(ModelFile::OpenPath(path, o, &file));
  return Model::Load(std::move(file), out);
}

double MedianLoadMs(const std::string& path, bool verify) {
  std::vector<double> t;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<Model> m;
    if (!Load(path, verify, &m).ok()) return -1;
    t.push_back(Ms(std::chrono::steady_clock::now() - t0));
  }
  return Median(t);
}

Status RunOne(const Model& model, const BenchArgs& a, size_t threads, size_t batch, size_t seq,
              double ceil_int8, double ceil_kernel, Row* row) {
  ResetPeakRss();
  SessionOptions o;
  o.threads = threads;
  o.max_batch = batch;
  o.max_seq = seq;
  std::unique_ptr<Session> s;
  INTFORMER_RETURN_IF_ERROR(Session::Create(model, o, &s));
  const ModelInfo& info = model.info();
  std::mt19937 rng(static_cast<uint32_t>(batch * 1000 + seq));
  std::vector<int32_t> ids(batch * seq);
  for (size_t b = 0; b < batch; ++b) {
    for (size_t t = 0; t < seq; ++t) {
      ids[b * seq + t] = static_cast<int32_t>(1000 + rng() % (info.vocab - 1000));
    }
    ids[b * seq] = 101;            // [CLS]
    ids[b * seq + seq - 1] = 102;  // [SEP]
  }
  std::vector<uint8_t> mask(batch * seq, 1);
  std::vector<int32_t> logits(batch * info.num_labels);
  for (size_t i = 0; i < a.warmup; ++i) {
    INTFORMER_RETURN_IF_ERROR(s->Run(ids.data(), nullptr, mask.data(), batch, seq, logits.data()));
  }
  std::vector<double> t, cpu;
  for (size_t i = 0; i < a.runs; ++i) {
    const double c0 = CpuMs();
    const auto t0 = std::chrono::steady_clock::now();
    INTFORMER_RETURN_IF_ERROR(s->Run(ids.data(), nullptr, mask.data(), batch, seq, logits.data()));
    t.push_back(Ms(std::chrono::steady_clock::now() - t0));
    cpu.push_back(CpuMs() - c0);
  }
  row->profile.Clear();
  if (a.profile) {
    s->SetProfile(&row->profile);
    for (size_t i = 0; i < a.runs; ++i) {
      INTFORMER_RETURN_IF_ERROR(
          s->Run(ids.data(), nullptr, mask.data(), batch, seq, logits.data()));
    }
    s->SetProfile(nullptr);
  }
  *row = Row{threads, batch, seq, Median(t), *std::min_element(t.begin(), t.end()),
             *std::max_element(t.begin(), t.end()), Median(cpu), 0, 0, 0, 0, 0, PeakRssMb(),
             Session::ScratchSize(model, o) / 1048576.0, row->profile};
  row->sentences_s = batch * 1000.0 / row->median_ms;
  row->gmacs = PassMacs(info, batch, seq) / (row->median_ms * 1e-3) * 1e-9;
  row->pct_int8 = ceil_int8 > 0 ? 100 * row->gmacs / (ceil_int8 * threads) : 0;
  row->pct_kernel = ceil_kernel > 0 ? 100 * row->gmacs / (ceil_kernel * threads) : 0;
  // Robust on a shared machine: the work per CPU second this process actually got.
  row->pct_int8_cpu =
      ceil_int8 > 0 ? 100 * PassMacs(info, batch, seq) / (row->cpu_ms * 1e-3) * 1e-9 / ceil_int8 : 0;
  return Status::Ok();
}

void PrintProfileText(const Row& r, size_t layers) {
  const bert::Profile& p = r.profile;
  if (p.runs == 0) return;
  uint64_t total = 0;
  uint64_t per_op[bert::Profile::kOps] = {};
  for (size_t l = 0; l <= bert::Profile::kMaxLayers; ++l) {
    for (size_t o = 0; o < bert::Profile::kOps; ++o) {
      per_op[o] += p.ns[l][o];
      total += p.ns[l][o];
    }
  }
  std::printf("  profile (threads %zu, batch %zu, seq %zu), ms per pass:\n", r.threads, r.batch,
              r.seq);
  for (size_t o = 0; o < bert::Profile::kOps; ++o) {
    std::printf("    %-10s %8.3f  %5.1f %%\n", bert::ProfileOpName(static_cast<bert::ProfileOp>(o)),
                per_op[o] * 1e-6 / p.runs, total ? 100.0 * per_op[o] / total : 0.0);
  }
  std::printf("    per layer:");
  for (size_t l = 0; l < layers && l < bert::Profile::kMaxLayers; ++l) {
    uint64_t s = 0;
    for (size_t o = 0; o < bert::Profile::kOps; ++o) s += p.ns[l][o];
    std::printf(" %.3f", s * 1e-6 / p.runs);
  }
  std::printf("\n");
}

void AppendProfileJson(std::string* out, const Row& r, size_t layers) {
  const bert::Profile& p = r.profile;
  char buf[96];
  *out += ",\"profile_ms\":{\"ops\":{";
  for (size_t o = 0; o < bert::Profile::kOps; ++o) {
    uint64_t s = 0;
    for (size_t l = 0; l <= bert::Profile::kMaxLayers; ++l) s += p.ns[l][o];
    std::snprintf(buf, sizeof(buf), "%s\"%s\":%.4f", o ? "," : "",
                  bert::ProfileOpName(static_cast<bert::ProfileOp>(o)), s * 1e-6 / p.runs);
    *out += buf;
  }
  *out += "},\"layers\":[";
  for (size_t l = 0; l < layers && l < bert::Profile::kMaxLayers; ++l) {
    uint64_t s = 0;
    for (size_t o = 0; o < bert::Profile::kOps; ++o) s += p.ns[l][o];
    std::snprintf(buf, sizeof(buf), "%s%.4f", l ? "," : "", s * 1e-6 / p.runs);
    *out += buf;
  }
  *out += "]}";
}

int RunBench(const BenchArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Model> model;
  const Status st = Load(a.model, true, &model);
  if (!st.ok()) return FailStatus("bench", static_cast<intformer_status>(st.code()), st.message());
  const double first_load_ms = Ms(std::chrono::steady_clock::now() - t0);
  const double load_ms = MedianLoadMs(a.model, true);
  const double load_nv_ms = MedianLoadMs(a.model, false);
  const GemmKernel& kernel = *model->weights().gemm;
  const double ceil_int8 = a.no_ceiling ? 0 : bench::MeasureCeilingGmacs(Isa::kAvx512Vnni);
  const double ceil_kernel =
      a.no_ceiling ? 0 : kernel.isa == Isa::kAvx512Vnni ? ceil_int8
                                                        : bench::MeasureCeilingGmacs(kernel.isa);
  const ModelInfo& info = model->info();
  std::vector<Row> rows;
  for (size_t th : a.threads) {
    for (size_t b : a.batches) {
      for (size_t s : a.seqs) {
        Row r;
        const Status rs = RunOne(*model, a, th, b, s, ceil_int8, ceil_kernel, &r);
        if (!rs.ok()) {
          return FailStatus("bench", static_cast<intformer_status>(rs.code()), rs.message());
        }
        rows.push_back(r);
        if (!a.json) {
          std::printf("threads %zu batch %zu seq %3zu: median %8.3f ms (min %.3f, max %.3f, "
                      "cpu %.3f), %8.1f sentences/s, %6.1f GMAC/s = %5.1f %% of vpdpbusd ceiling, "
                      "%5.1f %% of %s ceiling (per CPU second: %.1f %% of vpdpbusd), "
                      "peak RSS %.1f MiB\n",
                      th, b, s, r.median_ms, r.min_ms, r.max_ms, r.cpu_ms, r.sentences_s, r.gmacs,
                      r.pct_int8, r.pct_kernel, IsaName(kernel.isa), r.pct_int8_cpu,
                      r.peak_rss_mb);
          if (a.profile) PrintProfileText(r, info.layers);
          std::fflush(stdout);
        }
      }
    }
  }
  const double file_mb = model->file_size() / 1048576.0;
  if (!a.json) {
    std::printf("model %s: %.2f MiB, %u layers, hidden %u; gemm kernel %s\n", a.model.c_str(),
                file_mb, info.layers, info.hidden, kernel.name);
    std::printf("load: %.2f ms median with checksums (first %.2f), %.2f ms without\n", load_ms,
                first_load_ms, load_nv_ms);
    std::printf("int8 ceiling per core: vpdpbusd %.1f GMAC/s, %s %.1f GMAC/s; load average %s\n",
                ceil_int8, IsaName(kernel.isa), ceil_kernel, LoadAverage().c_str());
    return 0;
  }
  std::string out = "{";
  char buf[512];
  out += "\"model\":";
  AppendJsonString(&out, a.model);
  std::snprintf(buf, sizeof(buf),
                ",\"file_mib\":%.3f,\"layers\":%u,\"hidden\":%u,\"gemm_kernel\":\"%s\","
                "\"kernel_isa\":\"%s\",\"load_ms\":%.3f,\"load_ms_first\":%.3f,"
                "\"load_ms_no_checksums\":%.3f,\"ceiling_gmacs_per_core\":{\"vpdpbusd\":%.1f,"
                "\"kernel_isa\":%.1f},\"load_average\":\"%s\",\"warmup\":%zu,\"runs\":%zu,"
                "\"results\":[",
                file_mb, info.layers, info.hidden, kernel.name, IsaName(kernel.isa), load_ms,
                first_load_ms, load_nv_ms, ceil_int8, ceil_kernel, LoadAverage().c_str(), a.warmup,
                a.runs);
  out += buf;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    std::snprintf(buf, sizeof(buf),
                  "%s{\"threads\":%zu,\"batch\":%zu,\"seq\":%zu,\"median_ms\":%.4f,\"min_ms\":%.4f,"
                  "\"max_ms\":%.4f,\"median_cpu_ms\":%.4f,\"sentences_per_s\":%.2f,\"gmacs\":%.2f,"
                  "\"pct_int8_ceiling\":%.2f,\"pct_int8_ceiling_cpu_time\":%.2f,\"pct_kernel_isa_ceiling\":%.2f,"
                  "\"peak_rss_mib\":%.2f,\"arena_mib\":%.2f",
                  i ? "," : "", r.threads, r.batch, r.seq, r.median_ms, r.min_ms, r.max_ms,
                  r.cpu_ms, r.sentences_s, r.gmacs, r.pct_int8, r.pct_int8_cpu, r.pct_kernel,
                  r.peak_rss_mb, r.arena_mb);
    out += buf;
    if (a.profile && r.profile.runs > 0) AppendProfileJson(&out, r, info.layers);
    out += "}";
  }
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

void RegisterBench(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Latency, throughput, share of the int8 ceiling, load time and RSS of a model");
  cmd->add_option("--model", args->model, "Model file written by `intformer convert`")->required();
  cmd->add_option("--seq", args->seqs, "Sequence lengths (comma-separated)")->delimiter(',');
  cmd->add_option("--batch", args->batches, "Batch sizes (comma-separated)")->delimiter(',');
  cmd->add_option("--threads", args->threads, "Thread counts (comma-separated)")->delimiter(',');
  cmd->add_option("--warmup", args->warmup, "Untimed passes per configuration");
  cmd->add_option("--runs", args->runs, "Timed passes per configuration")->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "One JSON object on stdout");
  cmd->add_flag("--profile", args->profile, "Time per op and per layer (extra passes)");
  cmd->add_flag("--no-ceiling", args->no_ceiling, "Skip measuring the int8 ceilings");
  cmd->callback([args]() {
    const int rc = RunBench(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace cli
}  // namespace intformer
