/* classify: the intformer C API in one small program.
 *
 *   classify MODEL.ifm "a gripping film" "a tedious mess" ...
 *
 * Reads the model file into a 64-byte aligned buffer of its own (as an application would with
 * an asset it embeds or downloads), loads it from memory in place, creates a session and
 * classifies each argument: label, confidence and the logits. Plain C11; links either the
 * static or the shared intformer library. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intformer/intformer.h>

/* Reads `path` into a 64-byte aligned buffer (the weights are used in place and the kernels
 * want aligned blobs). Returns NULL on failure. */
static void* read_file(const char* path, size_t* size_out) {
  FILE* f = fopen(path, "rb");
  void* data = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = aligned_alloc(64, ((size_t)size + 63) / 64 * 64);
    if (data != NULL && fread(data, 1, (size_t)size, f) != (size_t)size) {
      free(data);
      data = NULL;
    }
    *size_out = (size_t)size;
  }
  fclose(f);
  return data;
}

static int fail(const char* what, intformer_status status) {
  fprintf(stderr, "classify: %s: %s (%s)\n", what, intformer_status_string(status),
          intformer_last_error());
  return 1;
}

int main(int argc, char** argv) {
  intformer_model* model = NULL;
  intformer_session* session = NULL;
  intformer_model_info info;
  intformer_status status;
  int32_t logits[64];
  float reals[64];
  size_t size = 0, label, k;
  void* buffer;
  int i, rc = 0;

  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL.ifm TEXT...\n(intformer %s)\n", argv[0],
            intformer_version());
    return 2;
  }
  buffer = read_file(argv[1], &size);
  if (buffer == NULL) {
    fprintf(stderr, "classify: cannot read %s\n", argv[1]);
    return 1;
  }
  /* Flags 0: in place, every checksum verified; the buffer must outlive the model. */
  status = intformer_model_load_buffer(buffer, size, INTFORMER_LOAD_DEFAULT, &model);
  if (status != INTFORMER_OK) {
    free(buffer);
    return fail("load", status);
  }
  intformer_model_get_info(model, &info);
  if (info.num_labels > 64) {
    fprintf(stderr, "classify: %u labels: more than this example handles\n", info.num_labels);
    rc = 1;
  } else if ((status = intformer_session_create(model, NULL, &session)) != INTFORMER_OK) {
    rc = fail("session", status);
  }
  for (i = 2; rc == 0 && i < argc; ++i) {
    double sum = 0.0;
    status = intformer_session_classify(session, argv[i], NULL, &label, logits);
    if (status == INTFORMER_OK) {
      status = intformer_logits_to_float(model, logits, info.num_labels, reals);
    }
    if (status != INTFORMER_OK) {
      rc = fail(argv[i], status);
      break;
    }
    for (k = 0; k < info.num_labels; ++k) sum += exp((double)(reals[k] - reals[label]));
    printf("%-10s %5.1f%%  %s\n", info.labels[label], 100.0 / sum, argv[i]);
  }
  intformer_session_destroy(session);
  intformer_model_destroy(model);
  free(buffer); /* only now: the model used it in place */
  return rc;
}
