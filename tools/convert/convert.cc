// The converter pipeline: options -> checkpoint + tokenizer -> calibration -> graph -> file.
#include "tools/convert/convert.h"

#include <cmath>
#include <cstring>
#include <iterator>
#include <sstream>

#include "models/bert/schema.h"
#include "models/format_writer.h"
#include "models/tokenizers/tokenizer.h"
#include "ops/gemm_s8/gemm_s8.h"
#include "tools/convert/calibration.h"
#include "tools/convert/convert_graph.h"
#include "tools/offline/hf_tokenizer.h"
#include "tools/offline/nf4_params.h"
#include "tools/reference/reference_model.h"

namespace intformer {
namespace {

format::IsaId ToIsaId(Isa isa) {
  switch (isa) {
    case Isa::kAvx2: return format::IsaId::kAvx2;
    case Isa::kAvx512: return format::IsaId::kAvx512;
    case Isa::kAvx512Vnni: return format::IsaId::kAvx512Vnni;
    // amx runs avx512vnni's packed layout: the file stays loadable on any VNNI machine.
    case Isa::kAmxInt8: return format::IsaId::kAvx512Vnni;
    case Isa::kNeon: return format::IsaId::kNeon;
    case Isa::kNeonDot: return format::IsaId::kNeonDot;
    case Isa::kI8mm: return format::IsaId::kI8mm;
    default: return format::IsaId::kScalar;
  }
}

// auto: the layout of the best kernel enabled here whose layout can be stored (oneDNN packs at
// load time). Otherwise the layout of that name, whatever this host runs: packing is plain C++
// on every build, so x86 writes files for ARM boards (kGemmPackers).
Status ChoosePacker(const std::string& target, const GemmPacker** out) {
  if (target == "auto") {
    for (size_t i = 0; i < kGemmKernelCount; ++i) {
      const GemmKernel& k = kGemmKernels[i];
      if (k.pack_format == kPackOneDnn || !IsaEnabled(k.isa)) continue;
      *out = FindGemmPacker(k.pack_format);
      if (*out != nullptr) return Status::Ok();
    }
  }
  for (size_t i = 0; i < kGemmPackerCount; ++i) {
    if (target == kGemmPackers[i].target) {
      *out = &kGemmPackers[i];
      return Status::Ok();
    }
  }
  return Status(INTFORMER_ERROR_TARGET_MISMATCH,
                "target '" + target + "': not a gemm_s8 layout (auto, ref, avx2, avx512vnni, "
                "neon, neondot, i8mm)");
}

Status CheckOptions(const ConvertOptions& o) {
  std::vector<std::string> groups;
  INTFORMER_RETURN_IF_ERROR(ResolveNf4Groups(o, &groups));
  if (o.calib_tsv.empty()) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "calibration data is required (calib_tsv)");
  }
  if (o.calib_method != "minmax" && o.calib_method != "percentile") {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT,
                  "calib_method '" + o.calib_method + "': minmax or percentile");
  }
  if (!(o.calib_percentile > 50 && o.calib_percentile <= 100)) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "calib_percentile must be in (50, 100]");
  }
  if (o.calib_rows == 0 || o.max_seq < 3 || o.out.empty()) {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "calib_rows, max_seq and out must be set");
  }
  return Status::Ok();
}

Status FromConvert(const convert::Status& s) {
  if (s.ok()) return Status::Ok();
  const bool model = s.code() == convert::StatusCode::kUnsupportedModel ||
                     s.code() == convert::StatusCode::kUnsupportedActivation ||
                     s.code() == convert::StatusCode::kMissingTensor ||
                     s.code() == convert::StatusCode::kShapeMismatch;
  const bool io = s.code() == convert::StatusCode::kFileNotFound ||
                  s.code() == convert::StatusCode::kIoError;
  return Status(model ? INTFORMER_ERROR_UNSUPPORTED_MODEL
                      : io ? INTFORMER_ERROR_IO : INTFORMER_ERROR_INVALID_ARGUMENT,
                s.ToString());
}

Status AddModelMetadata(const convert::HfConfig& c, const tokenizers::Tokenizer& tok,
                        const tokenizers::TokenizerData& td, const std::vector<std::string>& nf4,
                        ModelWriter* w) {
  const bool roberta = c.model_type == convert::ModelType::kRoberta;
  INTFORMER_RETURN_IF_ERROR(w->AddString(bert::kSchemaKey, bert::kSchemaValue));
  INTFORMER_RETURN_IF_ERROR(w->AddString("arch", roberta ? "roberta" : "bert"));
  INTFORMER_RETURN_IF_ERROR(w->AddU32("dims.hidden", static_cast<uint32_t>(c.hidden_size)));
  INTFORMER_RETURN_IF_ERROR(w->AddU32("dims.layers", static_cast<uint32_t>(c.num_layers)));
  INTFORMER_RETURN_IF_ERROR(w->AddU32("dims.heads", static_cast<uint32_t>(c.num_heads)));
  INTFORMER_RETURN_IF_ERROR(
      w->AddU32("dims.intermediate", static_cast<uint32_t>(c.intermediate_size)));
  INTFORMER_RETURN_IF_ERROR(w->AddU32("dims.vocab", static_cast<uint32_t>(c.vocab_size)));
  INTFORMER_RETURN_IF_ERROR(
      w->AddU32("dims.max_positions", static_cast<uint32_t>(c.max_position_embeddings)));
  INTFORMER_RETURN_IF_ERROR(w->AddU32("dims.type_vocab", static_cast<uint32_t>(c.type_vocab_size)));
  INTFORMER_RETURN_IF_ERROR(w->AddI32("position.padding_idx", roberta ? c.pad_token_id : -1));
  INTFORMER_RETURN_IF_ERROR(w->AddStringArray("labels", c.id2label));
  INTFORMER_RETURN_IF_ERROR(w->AddString("weights", nf4.empty() ? "int8" : "nf4"));
  if (!nf4.empty()) {
    INTFORMER_RETURN_IF_ERROR(w->AddStringArray("weights.nf4", nf4));
    std::vector<int32_t> dq(256);
    for (size_t i = 0; i < 256; ++i) {
      dq[i] = static_cast<int32_t>(std::lround(std::ldexp(offline::DynamicMap()[i], 30)));
    }
    INTFORMER_RETURN_IF_ERROR(w->AddI32Array("nf4.dq_code", dq.data(), dq.size()));
    INTFORMER_RETURN_IF_ERROR(w->AddI32(bert::kNf4FormKey, bert::kNf4Form));
  }
  std::string settings;
  tokenizers::SerializeSettings(tok.settings(), &settings);
  INTFORMER_RETURN_IF_ERROR(w->AddBytes("tokenizer.settings", settings.data(), settings.size()));
  INTFORMER_RETURN_IF_ERROR(w->AddBytes("tokenizer.vocab", td.vocab.data(), td.vocab.size()));
  return w->AddBytes("tokenizer.merges", td.merges.data(), td.merges.size());
}

}  // namespace

bool HasGroup(const std::vector<std::string>& groups, const char* group) {
  for (const std::string& g : groups) {
    if (g == group) return true;
  }
  return false;
}

Status ResolveNf4Groups(const ConvertOptions& o, std::vector<std::string>* groups) {
  static const char* const kGroups[] = {"embeddings", "attention", "ffn", "head"};
  if (o.weights != "int8" && o.weights != "nf4") {
    return Status(INTFORMER_ERROR_INVALID_ARGUMENT, "weights '" + o.weights + "': int8 or nf4");
  }
  groups->clear();
  if (o.nf4_groups.empty()) {
    if (o.weights == "nf4") groups->assign(std::begin(kGroups), std::end(kGroups));
    return Status::Ok();
  }
  for (const char* g : kGroups) {  // canonical order, duplicates dropped
    if (HasGroup(o.nf4_groups, g)) groups->push_back(g);
  }
  for (const std::string& g : o.nf4_groups) {
    if (!HasGroup(*groups, g.c_str())) {
      return Status(INTFORMER_ERROR_INVALID_ARGUMENT,
                    "nf4 group '" + g + "': embeddings, attention, ffn or head");
    }
  }
  return Status::Ok();
}

Status Convert(const ConvertOptions& options, const ProgressFn& progress) {
  INTFORMER_RETURN_IF_ERROR(CheckOptions(options));
  const GemmPacker* packer = nullptr;
  INTFORMER_RETURN_IF_ERROR(ChoosePacker(options.target, &packer));

  auto config = convert::LoadHfConfig(options.checkpoint);
  if (!config.ok()) return FromConvert(config.status());
  auto ckpt = convert::CheckpointReader::Open(options.checkpoint);
  if (!ckpt.ok()) return FromConvert(ckpt.status());
  auto model = reference::ReferenceModel::FromCheckpoint(config.value(), ckpt.value());
  if (!model.ok()) return FromConvert(model.status());
  if (!model->has_classifier()) {
    return Status(INTFORMER_ERROR_UNSUPPORTED_MODEL, "checkpoint has no classification head");
  }

  tokenizers::TokenizerData td;
  std::unique_ptr<tokenizers::Tokenizer> tok;
  tokenizers::Status ts = offline::LoadHfTokenizerDir(options.checkpoint, &td);
  if (ts.ok()) ts = tokenizers::Tokenizer::Create(td, &tok);
  if (!ts.ok()) return Status(INTFORMER_ERROR_TOKENIZER, "tokenizer: " + ts.message);

  std::vector<std::vector<std::string>> rows;
  INTFORMER_RETURN_IF_ERROR(
      quant::ReadCalibrationTsv(options.calib_tsv, options.calib_cols, options.calib_rows, &rows));
  quant::CalibrationStats stats;
  INTFORMER_RETURN_IF_ERROR(
      quant::Calibrate(model.value(), *tok, rows, options.max_seq, progress, &stats));

  ModelWriter writer(packer->pack_format, ToIsaId(packer->isa));
  std::vector<std::string> nf4;
  INTFORMER_RETURN_IF_ERROR(ResolveNf4Groups(options, &nf4));
  INTFORMER_RETURN_IF_ERROR(AddModelMetadata(config.value(), *tok, td, nf4, &writer));
  std::string report;
  const quant::GraphInputs in{&config.value(), &ckpt.value(), &stats, packer, &options, &nf4};
  INTFORMER_RETURN_IF_ERROR(quant::BuildGraph(in, progress, &writer, &report));
  INTFORMER_RETURN_IF_ERROR(writer.AddString("quant.scales", report));
  std::ostringstream calib;
  calib << options.calib_method;
  if (options.calib_method == "percentile") calib << " " << options.calib_percentile;
  calib << ", " << stats.sentences << " rows (" << stats.tokens << " tokens) of "
        << options.calib_tsv << ", gemm_s8 layout " << packer->target;
  INTFORMER_RETURN_IF_ERROR(writer.AddString("quant.calibration", calib.str()));
  if (progress) progress("write", 0, 1);
  INTFORMER_RETURN_IF_ERROR(writer.WriteFile(options.out));
  if (progress) progress("write", 1, 1);
  return Status::Ok();
}

}  // namespace intformer
