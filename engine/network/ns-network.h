/* ns-network.h: the network folder's internal header: the graph (layers in
 * topological order, Keras names) and a pass over it at one input size.
 *
 *   ns-op.h        one descriptor per layer type; ops/ns-op-*.c, one file each
 *   ns-network.c   the graph: nodes, lookup, kernels, shapes and FLOPs at a size
 *   ns-pass.c      the pass plan: which outputs and gradients share buffers
 *   ns-forward.c   the forward pass, one node after another
 *   ns-backward.c  the backward pass, from the losses' gradients to the input
 *
 * The layers' arithmetic is in ../layers; this folder only wires it up. */
#pragma once

#include "neural-style.h"
#include "ns-layers.h"
#include "ns-op.h"

G_BEGIN_DECLS

/* ---- the graph (ns-network.c) ----------------------------------------------- */

struct _NsNode
{
  char       *name;        /* Keras name of the layer whose output this is */
  const NsOp *op;          /* its layer type (ns-op.h) */
  int         inputs[2];   /* node indices */
  int         n_inputs;
  /* conv and pooling */
  int         kh, kw, stride_h, stride_w;
  NsPadding   padding;
  int         cin, cout;
  float      *kernel;      /* conv: HWIO (NULL once in the Winograd domain); dense: [in][out] */
  float      *bias;
  gboolean    relu;        /* conv, add: fused ReLU */
  gboolean    softmax;     /* dense: forward applies it; backward treats the head as linear */
  int         pad[4];      /* zero padding: top, bottom, left, right */
  gboolean    tapped;      /* its output is read after the forward pass (a loss or a dump) */
  struct _NsWinograd *winograd;   /* conv: its kernel in the Winograd domain, for stride-1 3x3 "same" */
};

typedef struct
{
  NsNode     *nodes;       /* in topological order; nodes[0] is the input */
  int         n_nodes;
  GHashTable *taps;        /* Keras layer name -> node index + 1, for outputs that can be tapped */
} NsNetwork;

void     ns_network_free   (NsNetwork *net);
/* Prepares the fast forms of the layers' kernels (Winograd for the stride-1
 * 3x3 convs); the loader calls it once the weights are in place. */
void     ns_network_prepare_kernels (NsNetwork *net);
/* Node index of a Keras layer's output, or -1. */
int      ns_network_lookup (const NsNetwork *net, const char *layer_name);
/* Each node's output shape for a height x width input; FALSE (error set) if
 * the input is too small somewhere, or not the size the dense head needs. */
gboolean ns_network_shapes (const NsNetwork *net, int height, int width, NsShape *shapes, GError **error);
/* FLOPs of one forward pass at this input size (multiply-adds count two). */
double   ns_network_flops  (const NsNetwork *net, int height, int width);
/* Floats of the weights as the network holds them (3x3 kernels in the Winograd domain). */
gsize    ns_network_weight_floats (const NsNetwork *net);
/* A conv or pooling node as the layer that runs it on an input of shape in
 * ("same" padding resolved for that size), and its output's height and
 * width (the channels kept). */
NsConv   ns_node_conv      (const NsNode *node, NsShape in, int threads);
NsPool   ns_node_pool      (const NsNode *node, NsShape in);
NsShape  ns_node_window_shape (const NsNode *node, NsShape in);
/* Shapes (NsOp.shape) that several ops share: the input's, and a window's
 * (pooling: ns_node_window_shape()). */
gboolean ns_op_same_shape   (const NsNode *node, const NsShape *in, NsShape *out, GError **error);
gboolean ns_op_window_shape (const NsNode *node, const NsShape *in, NsShape *out, GError **error);

/* Loads model.json and its shards, keeping only the layers needed to compute
 * the named outputs (NULL = all), which are marked tapped. (../model) */
NsNetwork *ns_network_load_tfjs (const char *model_json, const char *const *outputs, GError **error);

/* ---- one input size: the pass plan (ns-pass.c) ------------------------------- */

struct _NsPass
{
  const NsNetwork *net;
  NsShape         *shapes;     /* per node */
  float          **values;     /* per node, forward outputs; transient ones share buffers */
  float          **grads;      /* per node, d loss / d output; buffers shared over time */
  gboolean        *live;       /* grads[i] holds this evaluation's gradient */
  guint32        **argmax;     /* per max pooling node: where each output came from */
  float           *workspace;
  gsize            workspace_size;
  int              threads;    /* the engine's threads for this pass (ns-parallel.h) */
  GPtrArray       *buffers;    /* owns what values and grads point into */
};

/* threads: as NsParams.threads (0: one per processor). */
NsPass *ns_pass_new        (const NsNetwork *net, int height, int width, int threads, GError **error);
void    ns_pass_free       (NsPass *pass);
/* Bytes held by a pass of this size (activations, gradients, argmax indices
 * and the workspace, which grows with the resolved thread count). */
gsize   ns_pass_bytes      (const NsNetwork *net, int height, int width, int threads);
/* The conv node's layer as this pass runs it (geometry, kernel, threads). */
NsConv  ns_pass_conv       (const NsPass *pass, int node);

/* ---- forward (ns-forward.c) ---------------------------------------------------- */

/* input: preprocessed HWC (BGR, 0..255 minus mean). Afterwards values[i]
 * holds its node's output for tapped nodes and for the outputs of ReLUs
 * (ReLU nodes, convs and adds with a fused ReLU), whose backward masks by
 * them. Every other output, max pooling's input and output included (its
 * backward reads only the argmax its forward recorded), is transient: it
 * shares a buffer with others and is overwritten. */
void    ns_pass_forward    (NsPass *pass, const float *input);

/* ---- backward (ns-backward.c) -------------------------------------------------- */

/* Zeroes all gradients; callers then add into ns_pass_grad() of tapped nodes. */
void    ns_pass_zero_grads (NsPass *pass);
float  *ns_pass_grad       (NsPass *pass, int node);
/* Back-propagates to the input; dinput receives d loss / d input (overwritten). */
void    ns_pass_backward   (NsPass *pass, float *dinput);
/* For the ops' backward (ns-op.h): the gradient buffer of node's input k,
 * zeroed on its first use in this evaluation, for ops that add their input
 * gradient into it; and grad of node's input k += dout (n values), copied on
 * first use, for ops whose input gradient is their output's. */
float  *ns_pass_input_grad      (NsPass *pass, int node, int k);
void    ns_pass_accumulate_grad (NsPass *pass, int node, int k, const float *dout, gsize n);

G_END_DECLS
