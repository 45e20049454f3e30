/* ns-op.h: one descriptor per layer type, as ggml's ops: what a node of
 * that type is at a given input size (its output shape, FLOPs, weights and
 * scratch memory) and how it runs forward and backward. The graph, the pass
 * plan, the memory model and the estimate ask the node's descriptor; none
 * of them knows the types.
 *
 * A new layer type is one file, ops/ns-op-NAME.c, that defines ns_op_NAME,
 * and one row in NS_OPS below (plus its line in engine/meson.build and, if
 * models bring it, its Keras reader in ../model/ns-tfjs-layers.c);
 * tests/test-ops.c checks every row's gradient. */
#pragma once

#include "ns-layers.h"

G_BEGIN_DECLS

typedef struct _NsNode NsNode;   /* ns-network.h */
typedef struct _NsPass NsPass;

typedef struct
{
  const char *name;          /* for messages and tests */
  int         n_inputs;      /* 0 (the input node), 1 or 2 */
  /* Its output's shape for its inputs' shapes in[0 .. n_inputs) (the input
   * node: in[0] is the image's); FALSE with error set if it cannot take them. */
  gboolean  (*shape)         (const NsNode *node, const NsShape *in, NsShape *out, GError **error);
  /* FLOPs of its forward pass, a multiply-add counting two (NULL: none worth counting). */
  double    (*flops)         (const NsNode *node, const NsShape *in, NsShape out);
  /* Floats of weights it holds, in the form it runs (NULL: none). */
  gsize     (*weight_floats) (const NsNode *node);
  /* Floats of the pass's shared workspace it needs (NULL: none). */
  gsize     (*workspace)     (const NsNode *node, const NsShape *in, NsShape out, int threads);
  /* Whether its backward reads its output (a ReLU's mask): the pass then
   * keeps that output instead of sharing its buffer (NULL: never). */
  gboolean  (*keeps_output)  (const NsNode *node);
  gboolean    argmax;        /* forward records one index per output for backward (NsPass.argmax) */
  /* Turns its weights into the form it runs, once, after loading (NULL: nothing to do). */
  void      (*prepare)       (NsNode *node);
  /* pass->values[node] from its inputs' values (NULL: the input node, which the pass fills). */
  void      (*forward)       (NsPass *pass, int node);
  /* Its inputs' gradients from pass->grads[node], which it may overwrite,
   * through ns_pass_input_grad() or ns_pass_accumulate_grad() (ns-network.h)
   * (NULL: the input node). */
  void      (*backward)      (NsPass *pass, int node);
} NsOp;

/* Every layer type, one row each. */
#define NS_OPS(ROW) \
  ROW (input)       \
  ROW (conv)        \
  ROW (relu)        \
  ROW (zeropad)     \
  ROW (maxpool)     \
  ROW (avgpool)     \
  ROW (add)         \
  ROW (global_avgpool) \
  ROW (dense)

#define NS_DECLARE_OP(name) extern const NsOp ns_op_##name;
NS_OPS (NS_DECLARE_OP)
#undef NS_DECLARE_OP

/* Every descriptor of NS_OPS, in its order, then NULL (ns-network.c). */
extern const NsOp *const ns_ops[];

G_END_DECLS
