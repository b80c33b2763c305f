// intformer: the command-line front end of the integer-only transformer runtime.
#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"intformer: integer-only BERT-family inference (I-BERT arithmetic, int8 / NF4)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "intformer 0.1.0");
#ifndef INTFORMER_CLI_KERNELS_ONLY
  intformer::cli::RegisterConvert(app);
  intformer::cli::RegisterClassify(app);
  intformer::cli::RegisterInspect(app);
  intformer::cli::RegisterTokenize(app);
  intformer::cli::RegisterBench(app);
#endif
  intformer::cli::RegisterKernels(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
