/* mini-resnet.h: a miniature ResNet block with random weights and
 * non-trivial batch norm, written as a tfjs layers-model, and a float64
 * evaluation of it straight from the Keras layer definitions (batch norm
 * applied as such, not folded) to check the engine's graph against:
 *
 *   input_1 -> pad (ZeroPadding2D 1) -> conv1 3x3/2 valid (4) -> bn1 -> act1 (relu)
 *   -> pool (MaxPooling2D 2x2) -> conv2a 1x1 (8) -> bn2a -> act2a (relu)
 *   -> conv2b 3x3 same (8, no bias) -> bn2b -> add (+ act2a) -> act2 (relu)
 *   -> conv3 1x1/2 (8) with its own relu activation
 */
#pragma once

#include <glib.h>

typedef struct
{
  int    k, cin, cout;
  float *kernel;            /* HWIO */
  float *bias;              /* NULL: use_bias false */
} ConvWeights;

typedef struct
{
  float *gamma, *beta, *mean, *variance;
} BnWeights;

typedef struct
{
  ConvWeights conv1, conv2a, conv2b, conv3;
  BnWeights   bn1, bn2a, bn2b;
} MiniNet;

void mini_net_init  (MiniNet *net, GRand *rng);
void mini_net_clear (MiniNet *net);

/* Ways to break the written model for the loader's error tests. */
typedef enum
{
  DEFECT_NONE,
  DEFECT_LSTM,          /* an unsupported "lstm_1" LSTM layer after pool */
  DEFECT_KERNEL_SHAPE   /* conv2a/kernel declared [1,1,8,4] instead of [1,1,4,8] */
} Defect;

/* Writes model.json and two shards into folder, with conv2b/kernel
 * straddling the shard boundary; returns the path of model.json. */
char *mini_net_write (const MiniNet *net, const char *folder, Defect defect);
/* The same into a new temporary folder (name_template as for
 * g_dir_make_tmp), returned in *folder: a fixture's set-up. */
char *mini_net_write_temp (const MiniNet *net, const char *name_template, char **folder);

typedef struct
{
  int     h, w, c;
  double *v;                /* HWC */
} Tensor;

typedef struct
{
  Tensor act1, act2a, act2, conv3;
} MiniReference;

/* Reference outputs for a preprocessed HWC input of height x width x 3. */
void mini_net_reference       (const MiniNet *net, int height, int width, const float *input, MiniReference *ref);
void mini_net_reference_clear (MiniReference *ref);
