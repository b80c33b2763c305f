// The subcommands of the intformer CLI. Each lives in its own cmd_<name>.cc and registers itself
// on the CLI11 app; main.cc only lists them, so adding a command touches one new file and a line.
#ifndef INTFORMER_TOOLS_CLI_COMMANDS_H_
#define INTFORMER_TOOLS_CLI_COMMANDS_H_

namespace CLI {
class App;
}

namespace intformer {
namespace cli {

// `intformer kernels`: runs every integer kernel through dispatch on this CPU and prints its
// measured error against double-precision math and its speed.
void RegisterKernels(CLI::App& app);

// `intformer convert`: Hugging Face checkpoint -> calibrated integer model file.
void RegisterConvert(CLI::App& app);

// `intformer classify`: labels, confidence and latency for texts, pairs or a TSV file
// (converted model: integer pipeline; Hugging Face directory: FP32 reference).
void RegisterClassify(CLI::App& app);

// `intformer inspect`: a model file's header, metadata, tensors and sizes, after verification.
void RegisterInspect(CLI::App& app);

// `intformer bench`: latency, sentences/s, share of the measured int8 ceiling, load time, peak
// RSS and (--profile) time per op and layer of a converted model.
void RegisterBench(CLI::App& app);

// `intformer tokenize`: token ids of texts or pairs as JSON lines.
void RegisterTokenize(CLI::App& app);

}  // namespace cli
}  // namespace intformer

#endif  // INTFORMER_TOOLS_CLI_COMMANDS_H_
