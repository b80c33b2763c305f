/* Compiled as C: the public header must be valid C on its own (no C++ constructs leaking). */
#include "intformer/intformer.h"

#include <string.h>

int intformer_c_header_check(void) {
  intformer_status s = INTFORMER_ERROR_CHECKSUM_MISMATCH;
  return strcmp(intformer_status_string(s), "checksum mismatch") == 0 &&
         intformer_version() != 0 && INTFORMER_VERSION >= 100;
}
