// `intformer inspect FILE`: what a model file holds, after the same verification the runtime
// does (every checksum unless --no-verify-blobs): header (format version, size, target pack
// format and ISA), metadata (typed values; long ones shortened), the tensor table (dtype,
// pack format, shape, bytes, offset) and byte totals per dtype. A file the loader rejects is
// reported with its status name, so `inspect` is also the first tool for a bad file.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "models/format.h"
#include "models/format_reader.h"
#include "tools/cli/cli_common.h"
#include "tools/cli/commands.h"

namespace intformer {
namespace cli {
namespace {

struct InspectArgs {
  std::string path;
  bool no_verify_blobs = false;
  bool all = false;
};

std::string Human(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buf, sizeof(buf), "%.2f MiB", bytes / 1048576.0);
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", bytes / 1024.0);
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 " B", bytes);
  }
  return buf;
}

std::string Quoted(const char* p, size_t n, size_t limit) {
  std::string s(p, n < limit ? n : limit);
  for (char& c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  return "\"" + s + (n > limit ? "...\" (" + std::to_string(n) + " bytes)" : "\"");
}

template <class T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

std::string Value(const MetaEntry& e, bool all) {
  const size_t limit = all ? SIZE_MAX : 60;
  const size_t items = all ? SIZE_MAX : 8;
  using format::MetaType;
  switch (static_cast<MetaType>(e.type)) {
    case MetaType::kU32: return std::to_string(Load<uint32_t>(e.value));
    case MetaType::kI32: return std::to_string(Load<int32_t>(e.value));
    case MetaType::kU64: return std::to_string(Load<uint64_t>(e.value));
    case MetaType::kI64: return std::to_string(Load<int64_t>(e.value));
    case MetaType::kBool: return e.value[0] ? "true" : "false";
    case MetaType::kString:
      return Quoted(reinterpret_cast<const char*>(e.value), e.size, limit);
    case MetaType::kBytes: return "<" + std::to_string(e.size) + " bytes>";
    case MetaType::kI32Array: {
      const size_t n = e.size / 4;
      std::string s = "[";
      for (size_t i = 0; i < n && i < items; ++i) {
        s += (i ? ", " : "") + std::to_string(Load<int32_t>(e.value + 4 * i));
      }
      return s + (n > items ? ", ...] (" + std::to_string(n) + " values)" : "]");
    }
    case MetaType::kStringArray: {
      std::string s = "[";
      size_t count = 0, start = 0;
      for (size_t i = 0; i < e.size; ++i) {
        if (e.value[i] != 0) continue;
        if (count < items) {
          s += (count ? ", " : "") +
               Quoted(reinterpret_cast<const char*>(e.value + start), i - start, limit);
        }
        ++count;
        start = i + 1;
      }
      return s + (count > items ? ", ...] (" + std::to_string(count) + " strings)" : "]");
    }
  }
  return "<unknown type " + std::to_string(e.type) + ", " + std::to_string(e.size) + " bytes>";
}

int RunInspect(const InspectArgs& args) {
  ReaderOptions options;
  options.verify_blobs = !args.no_verify_blobs;
  std::unique_ptr<ModelFile> file;
  Status s = ModelFile::OpenPath(args.path, options, &file);
  if (!s.ok()) return FailStatus("inspect", s.code(), s.message());

  const char* pack = format::PackFormatName(file->target_pack_format());
  const char* isa = format::IsaIdName(file->target_isa());
  std::printf("file      %s (%s)\n", args.path.c_str(), Human(file->size()).c_str());
  std::printf("format    %u.%u\n", file->major_version(), file->minor_version());
  std::printf("target    gemm pack format %s (id %u), needs ISA %s\n", pack ? pack : "?",
              file->target_pack_format(), isa ? isa : "?");
  std::printf("verified  header, metadata and table checksums%s\n",
              args.no_verify_blobs ? " (blob checksums skipped)" : ", every blob checksum");

  std::printf("\nmetadata  %zu entries\n", file->metadata().size());
  for (const MetaEntry& e : file->metadata()) {
    std::printf("  %-36.*s %-12s %s\n", static_cast<int>(e.key.size()), e.key.data(),
                format::MetaTypeName(e.type), Value(e, args.all).c_str());
  }

  std::map<std::string, uint64_t> by_dtype;
  uint64_t total = 0;
  std::printf("\ntensors   %zu\n", file->tensors().size());
  std::printf("  %-44s %-5s %-10s %-20s %12s %10s\n", "name", "dtype", "pack", "shape", "bytes",
              "offset");
  for (const TensorView& t : file->tensors()) {
    std::string shape = "[";
    for (uint32_t i = 0; i < t.rank; ++i) shape += (i ? ", " : "") + std::to_string(t.dims[i]);
    shape += "]";
    const char* tp = format::PackFormatName(t.pack_format);
    std::printf("  %-44.*s %-5s %-10s %-20s %12zu %10td\n", static_cast<int>(t.name.size()),
                t.name.data(), format::DTypeName(static_cast<uint32_t>(t.dtype)), tp ? tp : "?",
                shape.c_str(), t.size,
                static_cast<const uint8_t*>(t.data) - file->data());
    by_dtype[format::DTypeName(static_cast<uint32_t>(t.dtype))] += t.size;
    total += t.size;
  }
  // NF4 groups (models/bert/schema.h): which matrices, and QLoRA's bits per parameter of them
  // (4-bit codes + 8-bit block constants + 32-bit second-level constants, codes panels padded).
  uint64_t nf4_bytes = 0, nf4_params = 0;
  for (const TensorView& t : file->tensors()) {
    const std::string_view name = t.name;
    const size_t at = name.find(".nf4.");
    if (at == std::string_view::npos) continue;
    nf4_bytes += t.size;
    if (name.substr(at) == ".nf4.absmax_q") nf4_params += t.dims[0] * t.dims[1] * 64;
  }
  if (nf4_params > 0) {
    std::string groups;
    if (const MetaEntry* e = file->FindMetadata("weights.nf4")) groups = Value(*e, true);
    std::printf("\nweights   NF4 groups %s: %" PRIu64 " parameters in %s, %.4f bits/param\n",
                groups.c_str(), nf4_params, Human(nf4_bytes).c_str(),
                8.0 * double(nf4_bytes) / double(nf4_params));
  }
  std::printf("\nsizes     tensors %s", Human(total).c_str());
  for (const auto& [dtype, bytes] : by_dtype) std::printf(", %s %s", dtype.c_str(), Human(bytes).c_str());
  std::printf("; file %s\n", Human(file->size()).c_str());
  return 0;
}

}  // namespace

void RegisterInspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Verify a model file and print its header, metadata, tensors and sizes");
  cmd->add_option("file", args->path, "Model file written by `intformer convert`")->required();
  cmd->add_flag("--no-verify-blobs", args->no_verify_blobs,
                "Skip the weight checksums (the header, metadata and table are always checked)");
  cmd->add_flag("--all", args->all, "Print long metadata values in full");
  cmd->callback([args]() {
    const int rc = RunInspect(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace cli
}  // namespace intformer
