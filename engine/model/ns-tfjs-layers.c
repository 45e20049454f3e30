/* ns-tfjs-layers.c: builds graph nodes from Keras layer configs.
 *
 * Batch norm is folded into the conv before it and a ReLU that is the only
 * consumer of a conv is fused into it, so the graph that runs has one node
 * per GEMM-sized operation. */
#include "ns-tfjs-layers.h"

#include <math.h>
#include <string.h>
static int
int_pair (JsonObject *config, const char *member, int index, int fallback)
{
  if (!json_object_has_member (config, member))
    return fallback;
  JsonNode *node = json_object_get_member (config, member);
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_int (node);
  JsonArray *array = json_node_get_array (node);
  if (index < (int) json_array_get_length (array))
    return json_array_get_int_element (array, index);
  return fallback;
}

static const char *
string_member (JsonObject *config, const char *member, const char *fallback)
{
  return json_object_has_member (config, member)
           ? json_object_get_string_member (config, member) : fallback;
}

static gboolean
parse_padding (KerasLayer *layer, NsPadding *padding, GError **error)
{
  const char *p = string_member (layer->config, "padding", "valid");
  if (strcmp (p, "same") == 0)
    *padding = NS_PADDING_SAME;
  else if (strcmp (p, "valid") == 0)
    *padding = NS_PADDING_VALID;
  else
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” has padding “%s”; only “same” and "
                   "“valid” are supported", layer->name, p);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_channels_last (KerasLayer *layer, GError **error)
{
  const char *format = string_member (layer->config, "data_format", "channels_last");
  if (strcmp (format, "channels_last") != 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” is %s; only channels_last is supported",
                   layer->name, format);
      return FALSE;
    }
  if (int_pair (layer->config, "dilation_rate", 0, 1) != 1 || int_pair (layer->config, "dilation_rate", 1, 1) != 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” is dilated, which is not supported", layer->name);
      return FALSE;
    }
  return TRUE;
}



static int
node_of (NsTfjsBuilder *b, const char *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (b->node_of, name)) - 1;
}

static NsNode *
add_node (NsTfjsBuilder *b, KerasLayer *layer, NsOp op)
{
  NsNode node = { 0 };
  node.name = g_strdup (layer->name);
  node.op = op;
  for (int i = 0; i < layer->n_inputs; i++)
    node.inputs[node.n_inputs++] = node_of (b, layer->inputs[i]);
  g_array_append_val (b->nodes, node);
  g_hash_table_insert (b->node_of, (gpointer) layer->name, GINT_TO_POINTER (b->nodes->len));
  return &g_array_index (b->nodes, NsNode, b->nodes->len - 1);
}

/* The layer's output is the same tensor as its (single) input's. */
static void
alias_node (NsTfjsBuilder *b, KerasLayer *layer)
{
  g_hash_table_insert (b->node_of, (gpointer) layer->name,
                       GINT_TO_POINTER (node_of (b, layer->inputs[0]) + 1));
}

static gboolean
build_conv (NsTfjsBuilder *b, KerasLayer *layer, GError **error)
{
  JsonObject *c = layer->config;
  if (!check_channels_last (layer, error))
    return FALSE;
  NsPadding padding;
  if (!parse_padding (layer, &padding, error))
    return FALSE;
  int kh = int_pair (c, "kernel_size", 0, 1), kw = int_pair (c, "kernel_size", 1, kh);
  int cout = json_object_get_int_member (c, "filters");
  g_autofree char *kname = g_strdup_printf ("%s/kernel", layer->name);
  int shape[4];
  float *kernel = ns_tfjs_weights_take (b->weights, kname, 4, shape, error);
  if (!kernel)
    return FALSE;
  if (shape[0] != kh || shape[1] != kw || shape[3] != cout)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight “%s” has shape [%d,%d,%d,%d], but layer “%s” "
                   "needs [%d,%d,in,%d]: the weights do not match model.json", kname, shape[0], shape[1],
                   shape[2], shape[3], layer->name, kh, kw, cout);
      g_free (kernel);
      return FALSE;
    }
  float *bias = NULL;
  if (!json_object_has_member (c, "use_bias") || json_object_get_boolean_member (c, "use_bias"))
    {
      g_autofree char *bname = g_strdup_printf ("%s/bias", layer->name);
      int bshape[1];
      bias = ns_tfjs_weights_take (b->weights, bname, 1, bshape, error);
      if (!bias || bshape[0] != cout)
        {
          if (bias)
            g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight “%s” has %d values, layer “%s” has %d "
                         "filters", bname, bshape[0], layer->name, cout);
          g_free (kernel);
          g_free (bias);
          return FALSE;
        }
    }
  else
    bias = g_new0 (float, cout);

  const char *activation = string_member (c, "activation", "linear");
  gboolean relu = strcmp (activation, "relu") == 0;
  if (!relu && strcmp (activation, "linear") != 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” uses activation “%s”; only relu and "
                   "linear are supported", layer->name, activation);
      g_free (kernel);
      g_free (bias);
      return FALSE;
    }
  NsNode *node = add_node (b, layer, NS_OP_CONV);
  node->kh = kh, node->kw = kw;
  node->stride_h = int_pair (c, "strides", 0, 1), node->stride_w = int_pair (c, "strides", 1, node->stride_h);
  node->padding = padding;
  node->cin = shape[2], node->cout = cout;
  node->kernel = kernel, node->bias = bias;
  node->relu = relu;
  return TRUE;
}

/* y = gamma (x - mean) / sqrt(var + eps) + beta, folded into the conv before it. */
static gboolean
fold_batch_norm (NsTfjsBuilder *b, KerasLayer *layer, KerasLayer *input, GError **error)
{
  int index = node_of (b, layer->inputs[0]);
  NsNode *conv = &g_array_index (b->nodes, NsNode, index);
  if (conv->op != NS_OP_CONV || conv->relu || input->consumers != 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "BatchNormalization “%s” does not directly follow a "
                   "linear Conv2D, which is not supported", layer->name);
      return FALSE;
    }
  const char *parts[] = { "gamma", "beta", "moving_mean", "moving_variance" };
  gboolean has[] = { !json_object_has_member (layer->config, "scale") || json_object_get_boolean_member (layer->config, "scale"),
                     !json_object_has_member (layer->config, "center") || json_object_get_boolean_member (layer->config, "center"),
                     TRUE, TRUE };
  float *v[4] = { 0 };
  gboolean ok = TRUE;
  for (int i = 0; i < 4 && ok; i++)
    {
      if (!has[i])
        continue;
      g_autofree char *name = g_strdup_printf ("%s/%s", layer->name, parts[i]);
      int shape[1];
      v[i] = ns_tfjs_weights_take (b->weights, name, 1, shape, error);
      if (v[i] && shape[0] != conv->cout)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weight “%s” has %d values, expected %d",
                       name, shape[0], conv->cout);
          ok = FALSE;
        }
      ok = ok && v[i];
    }
  if (ok)
    {
      double eps = json_object_has_member (layer->config, "epsilon")
                     ? json_object_get_double_member (layer->config, "epsilon") : 1e-3;
      gsize taps = (gsize) conv->kh * conv->kw * conv->cin;
      for (int o = 0; o < conv->cout; o++)
        {
          double gamma = v[0] ? v[0][o] : 1.0, beta = v[1] ? v[1][o] : 0.0;
          double scale = gamma / sqrt ((double) v[3][o] + eps);
          for (gsize t = 0; t < taps; t++)
            conv->kernel[t * conv->cout + o] *= (float) scale;
          conv->bias[o] = (float) ((conv->bias[o] - v[2][o]) * scale + beta);
        }
      alias_node (b, layer);
    }
  for (int i = 0; i < 4; i++)
    g_free (v[i]);
  return ok;
}

static gboolean
build_activation (NsTfjsBuilder *b, KerasLayer *layer, KerasLayer *input, GError **error)
{
  const char *activation = string_member (layer->config, "activation", "linear");
  if (strcmp (activation, "linear") == 0)
    {
      alias_node (b, layer);
      return TRUE;
    }
  if (strcmp (activation, "relu") != 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "Activation “%s” is “%s”; only relu and linear are "
                   "supported", layer->name, activation);
      return FALSE;
    }
  NsNode *in = &g_array_index (b->nodes, NsNode, node_of (b, layer->inputs[0]));
  /* Fuse into the conv or add if nothing else reads its pre-ReLU output.
   * Its own name then no longer names a tappable output. */
  if ((in->op == NS_OP_CONV || in->op == NS_OP_ADD) && !in->relu && input->consumers == 1
      && (int) b->nodes->len - 1 == node_of (b, layer->inputs[0]))
    {
      in->relu = TRUE;
      g_free (in->name);
      in->name = g_strdup (layer->name);
      alias_node (b, layer);
      return TRUE;
    }
  add_node (b, layer, NS_OP_RELU);
  return TRUE;
}

static gboolean
build_pool (NsTfjsBuilder *b, KerasLayer *layer, NsOp op, GError **error)
{
  NsPadding padding;
  if (!check_channels_last (layer, error) || !parse_padding (layer, &padding, error))
    return FALSE;
  NsNode *node = add_node (b, layer, op);
  JsonObject *c = layer->config;
  node->kh = int_pair (c, "pool_size", 0, 2), node->kw = int_pair (c, "pool_size", 1, node->kh);
  node->stride_h = int_pair (c, "strides", 0, node->kh), node->stride_w = int_pair (c, "strides", 1, node->kw);
  node->padding = padding;
  return TRUE;
}

static gboolean
build_zeropad (NsTfjsBuilder *b, KerasLayer *layer, GError **error)
{
  if (!check_channels_last (layer, error))
    return FALSE;
  NsNode *node = add_node (b, layer, NS_OP_ZEROPAD);
  JsonNode *p = json_object_get_member (layer->config, "padding");
  if (JSON_NODE_HOLDS_VALUE (p))
    for (int i = 0; i < 4; i++)
      node->pad[i] = json_node_get_int (p);
  else
    for (int axis = 0; axis < 2; axis++)
      {
        JsonNode *a = json_array_get_element (json_node_get_array (p), axis);
        for (int side = 0; side < 2; side++)
          node->pad[axis * 2 + side] = JSON_NODE_HOLDS_VALUE (a)
            ? json_node_get_int (a) : json_array_get_int_element (json_node_get_array (a), side);
      }
  return TRUE;
}

static gboolean
build_dense (NsTfjsBuilder *b, KerasLayer *layer, GError **error)
{
  int units = json_object_get_int_member (layer->config, "units");
  g_autofree char *kname = g_strdup_printf ("%s/kernel", layer->name);
  g_autofree char *bname = g_strdup_printf ("%s/bias", layer->name);
  int kshape[2], bshape[1];
  float *kernel = ns_tfjs_weights_take (b->weights, kname, 2, kshape, error);
  float *bias = kernel ? ns_tfjs_weights_take (b->weights, bname, 1, bshape, error) : NULL;
  if (!bias || kshape[1] != units || bshape[0] != units)
    {
      if (bias)
        g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, "weights of “%s” do not match its %d units",
                     layer->name, units);
      g_free (kernel);
      g_free (bias);
      return FALSE;
    }
  NsNode *node = add_node (b, layer, NS_OP_DENSE);
  node->cin = kshape[0], node->cout = units;
  node->kernel = kernel, node->bias = bias;
  node->softmax = g_strcmp0 (string_member (layer->config, "activation", "linear"), "softmax") == 0;
  return TRUE;
}

gboolean
ns_tfjs_build_layer (NsTfjsBuilder *b, KerasLayer *layer, KerasLayer *input, GError **error)
{
  const char *cls = layer->class_name;
  for (int i = 0; i < layer->n_inputs; i++)
    if (node_of (b, layer->inputs[i]) < 0)
      {
        g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” reads “%s”, which is not defined before it",
                     layer->name, layer->inputs[i]);
        return FALSE;
      }
  if (strcmp (cls, "InputLayer") == 0)
    {
      if (b->nodes->len != 0)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "the model has more than one input");
          return FALSE;
        }
      add_node (b, layer, NS_OP_INPUT);
      return TRUE;
    }
  if (b->nodes->len == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "the model does not start with an InputLayer");
      return FALSE;
    }
  if (strcmp (cls, "Conv2D") == 0)
    return build_conv (b, layer, error);
  if (strcmp (cls, "BatchNormalization") == 0)
    return fold_batch_norm (b, layer, input, error);
  if (strcmp (cls, "Activation") == 0)
    return build_activation (b, layer, input, error);
  if (strcmp (cls, "ReLU") == 0)
    {
      json_object_set_string_member (layer->config, "activation", "relu");
      return build_activation (b, layer, input, error);
    }
  if (strcmp (cls, "MaxPooling2D") == 0)
    return build_pool (b, layer, NS_OP_MAXPOOL, error);
  if (strcmp (cls, "AveragePooling2D") == 0)
    return build_pool (b, layer, NS_OP_AVGPOOL, error);
  if (strcmp (cls, "ZeroPadding2D") == 0)
    return build_zeropad (b, layer, error);
  if (strcmp (cls, "Add") == 0 && layer->n_inputs == 2)
    {
      add_node (b, layer, NS_OP_ADD);
      return TRUE;
    }
  if (strcmp (cls, "GlobalAveragePooling2D") == 0)
    {
      add_node (b, layer, NS_OP_GLOBAL_AVGPOOL);
      return TRUE;
    }
  if (strcmp (cls, "Dense") == 0)
    return build_dense (b, layer, error);
  if (strcmp (cls, "Flatten") == 0 || strcmp (cls, "Dropout") == 0)
    {
      alias_node (b, layer);   /* HWC memory order is Keras' channels_last flatten order */
      return TRUE;
    }
  g_set_error (error, NS_ERROR, NS_ERROR_MODEL, "layer “%s” is of type %s, which this engine does not "
               "support (supported: Conv2D, BatchNormalization, Activation, ReLU, ZeroPadding2D, "
               "MaxPooling2D, AveragePooling2D, Add, GlobalAveragePooling2D, Dense)", layer->name, cls);
  return FALSE;
}
