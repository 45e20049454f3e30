/* ns-tfjs-weights.h: the binary weight shards of a tfjs layers-model. */
#pragma once

#include "ns-network.h"

#include <json-glib/json-glib.h>

typedef struct _NsTfjsWeights NsTfjsWeights;

/* Reads model.json's weightsManifest and checks that every shard it lists
 * exists in folder with exactly the bytes the manifest implies. */
NsTfjsWeights *ns_tfjs_weights_open  (JsonNode *model_json, const char *folder, GError **error);
void           ns_tfjs_weights_close (NsTfjsWeights *weights);
/* A copy of the named float32 tensor of the given rank; shape receives its
 * dimensions. Fails if it is missing, of another rank, or not finite. */
float         *ns_tfjs_weights_take  (NsTfjsWeights *weights, const char *name, int rank,
                                      int *shape, GError **error);

/* Layer names of the model (NULL-terminated) and the graph built from it. */
char         **ns_tfjs_layer_names   (JsonNode *model_json, GError **error);
NsNetwork     *ns_network_from_tfjs  (JsonNode *model_json, const char *folder,
                                      const char *const *outputs, GError **error);
