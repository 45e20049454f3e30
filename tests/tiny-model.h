/* tiny-model.h: writes small hand-made TensorFlow.js layers-models (model.json
 * plus binary shards, in the JSON shape of a Keras functional-model export) so
 * that tests can exercise the loader and the graph without real weights. */
#pragma once

#include <glib.h>

typedef struct _TinyModel TinyModel;

TinyModel *tiny_model_new    (void);
void       tiny_model_free   (TinyModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TinyModel, tiny_model_free)

/* Appends a layer. config is the body of its "config" object without the
 * braces and without "name" (e.g. "\"filters\": 4, \"kernel_size\": [3, 3]");
 * input0 and input1 name the layers it reads (NULL when absent). */
void tiny_model_layer  (TinyModel *model, const char *class_name, const char *name, const char *config,
                        const char *input0, const char *input1);
/* Appends a float32 weight (copied) to the manifest, stored in order. */
void tiny_model_weight (TinyModel *model, const char *name, int rank, const int *shape, const float *values);

/* Writes model.json and the shards into folder (which must exist). With
 * split_in set, the weights go into two shards whose boundary falls in the
 * middle of that weight, so that it straddles the two files; else one shard.
 * Returns the path of model.json. */
char *tiny_model_write (TinyModel *model, const char *folder, const char *split_in);

/* Path of shard k (0-based) that the last tiny_model_write() wrote, or NULL. */
const char *tiny_model_shard (const TinyModel *model, int k);
