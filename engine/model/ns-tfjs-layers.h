/* ns-tfjs-layers.h: turning Keras layers into graph nodes. */
#pragma once

#include "ns-network.h"
#include "ns-tfjs-weights.h"

#include <json-glib/json-glib.h>

/* One layer of model.json. */
typedef struct
{
  const char *name;
  char       *owner;        /* "layer “name”", for errors */
  const char *class_name;
  JsonObject *config;
  const char *inputs[2];
  int         n_inputs;
  int         consumers;
  gboolean    needed;
} KerasLayer;

/* The graph being built, in Keras layer order. */
typedef struct
{
  NsNetwork     *net;
  GArray        *nodes;
  GHashTable    *node_of;     /* Keras name -> node index + 1 (any layer) */
  NsTfjsWeights *weights;
} NsTfjsBuilder;

/* Adds the nodes for one layer (or folds/fuses it into the node before);
 * input is the layer's first input layer, or NULL. */
gboolean ns_tfjs_build_layer (NsTfjsBuilder *b, KerasLayer *layer, KerasLayer *input, GError **error);
