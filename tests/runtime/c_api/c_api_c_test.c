/* The C API from C (compiled as C99 with -pedantic-errors): the header is valid C, the calls
 * link from C, and the basic contract holds. With a model path as argv[1] it also loads the
 * model, checks its description and classifies a text and a batch. Exit status 0 = pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intformer/intformer.h"

static int failures = 0;

#define CHECK(cond)                                            \
  do {                                                         \
    if (!(cond)) {                                             \
      fprintf(stderr, "%s:%d: CHECK(%s) failed (last error: %s)\n", __FILE__, __LINE__, #cond, \
              intformer_last_error());                         \
      ++failures;                                              \
    }                                                          \
  } while (0)

static void without_model(void) {
  intformer_model* model = NULL;
  intformer_session_options options;
  static const unsigned char junk[64] = {'n', 'o', 't', ' ', 'a', ' ', 'm', 'o', 'd', 'e', 'l'};
  const int32_t logits[4] = {3, -7, 9, 9};

  CHECK(strcmp(intformer_version(), "0.1.0") == 0 || intformer_version()[0] != '\0');
  CHECK(intformer_model_load(NULL, &model) == INTFORMER_ERROR_INVALID_ARGUMENT);
  CHECK(intformer_last_error()[0] != '\0');
  CHECK(intformer_model_load("/nonexistent/model.ifm", &model) == INTFORMER_ERROR_IO);
  CHECK(strstr(intformer_last_error(), "/nonexistent/model.ifm") != NULL);
  CHECK(intformer_model_load_buffer(junk, sizeof(junk), INTFORMER_LOAD_COPY_BUFFER, &model) ==
        INTFORMER_ERROR_BAD_MAGIC);
  CHECK(model == NULL);
  intformer_model_destroy(NULL);
  intformer_session_destroy(NULL);

  intformer_session_options_init(&options);
  CHECK(options.threads == 1 && options.max_batch == 1 && options.max_seq == 128);
  CHECK(options.arena == NULL && options.arena_size == 0);
  CHECK(intformer_argmax(logits, 4) == 2);
  CHECK(intformer_argmax(logits, 0) == 0);
  CHECK(strcmp(intformer_status_string(INTFORMER_ERROR_TOKENIZER), "tokenizer error") == 0);
  /* Any int a C caller passes has a string, unknown ones too. */
  CHECK(strcmp(intformer_status_string((intformer_status)9999), "unknown status") == 0);
}

static void with_model(const char* path) {
  intformer_model* model = NULL;
  intformer_session* session = NULL;
  intformer_model_info info;
  intformer_session_options options;
  const char* texts[2] = {"a gripping , beautifully acted film", "a dull and tedious mess"};
  int32_t logits[2 * 16];
  int32_t one[16];
  float reals[16];
  size_t label = 99, i;

  CHECK(intformer_model_load(path, &model) == INTFORMER_OK);
  CHECK(intformer_last_error()[0] == '\0');
  if (model == NULL) return;
  CHECK(intformer_model_get_info(model, &info) == INTFORMER_OK);
  CHECK(strcmp(info.architecture, "bert") == 0);
  CHECK(info.num_labels == 2 && info.num_labels <= 16);
  CHECK(strcmp(info.labels[0], "negative") == 0 && strcmp(info.labels[1], "positive") == 0);
  CHECK(info.hidden == 128 && info.layers == 2 && info.max_seq >= 128);
  one[0] = 0;
  one[1] = -(1 << 20);
  CHECK(intformer_logits_to_float(model, one, 2, reals) == INTFORMER_OK);
  CHECK(reals[0] == 0.0f && reals[1] < 0.0f);

  intformer_session_options_init(&options);
  options.max_batch = 2;
  CHECK(intformer_session_create(model, &options, &session) == INTFORMER_OK);
  intformer_model_destroy(model); /* the session keeps the model alive */
  if (session == NULL) return;
  CHECK(intformer_session_run_text(session, texts, NULL, 2, logits) == INTFORMER_OK);
  for (i = 0; i < 2; ++i) {
    CHECK(intformer_session_classify(session, texts[i], NULL, &label, one) == INTFORMER_OK);
    CHECK(label == intformer_argmax(logits + i * info.num_labels, info.num_labels));
    /* A row gives the same bytes alone and in a batch (padding must not leak). */
    CHECK(memcmp(one, logits + i * info.num_labels, info.num_labels * sizeof(int32_t)) == 0);
    printf("%-40s -> %s\n", texts[i], info.labels[label]);
  }
  CHECK(intformer_session_run_text(session, texts, NULL, 3, logits) ==
        INTFORMER_ERROR_INVALID_ARGUMENT); /* batch > max_batch */
  intformer_session_destroy(session);
}

int main(int argc, char** argv) {
  without_model();
  if (argc > 1) with_model(argv[1]);
  if (failures != 0) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures == 0 ? 0 : 1;
}
