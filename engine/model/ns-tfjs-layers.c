/* ns-tfjs-layers.c: builds graph nodes from Keras layer configs.
 *
 * Batch norm is folded into the conv before it and a ReLU that is the only
 * consumer of a conv is fused into it, so the graph that runs has one node
 * per GEMM-sized operation. */
#include "ns-json-fields.h"
#include "ns-tfjs-layers.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

/* Largest kernel, stride, pool or padding accepted: far beyond any real
 * network, small enough that shape arithmetic cannot overflow an int. */
#define MAX_WINDOW 65536

static gboolean
parse_padding (KerasLayer *layer, NsPadding *padding, GError **error)
{
  const char *p;
  if (!ns_json_string (layer->config, "padding", "valid", layer->owner, &p, error))
    return FALSE;
  if (strcmp (p, "same") == 0)
    *padding = NS_PADDING_SAME;
  else if (strcmp (p, "valid") == 0)
    *padding = NS_PADDING_VALID;
  else
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s has padding “%s”; only “same” and "
                   "“valid” are supported"), layer->owner, p);
      return FALSE;
    }
  return TRUE;
}

/* A positive window parameter ("kernel_size", "strides", "pool_size"). */
static gboolean
window_pair (KerasLayer *layer, const char *member, int fallback_h, int fallback_w, int value[2], GError **error)
{
  const int fallback[2] = { fallback_h, fallback_w };
  if (!ns_json_int_pair (layer->config, member, fallback, G_MININT, G_MAXINT, layer->owner, value, error))
    return FALSE;
  if (value[0] < 1 || value[1] < 1 || value[0] > MAX_WINDOW || value[1] > MAX_WINDOW)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s: %s must be between 1 and %d, not [%d,%d]"),
                   layer->owner, member, MAX_WINDOW, value[0], value[1]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_channels_last (KerasLayer *layer, GError **error)
{
  const char *format;
  int dilation[2];
  if (!ns_json_string (layer->config, "data_format", "channels_last", layer->owner, &format, error)
      || !window_pair (layer, "dilation_rate", 1, 1, dilation, error))
    return FALSE;
  if (strcmp (format, "channels_last") != 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s is %s; only channels_last is supported"),
                   layer->owner, format);
      return FALSE;
    }
  if (dilation[0] != 1 || dilation[1] != 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s is dilated, which is not supported"), layer->owner);
      return FALSE;
    }
  return TRUE;
}

/* "relu" or "linear" (or "softmax" when allowed); anything else is refused. */
static gboolean
parse_activation (KerasLayer *layer, gboolean softmax_allowed, const char **activation, GError **error)
{
  if (!ns_json_string (layer->config, "activation", "linear", layer->owner, activation, error))
    return FALSE;
  if (strcmp (*activation, "relu") == 0 || strcmp (*activation, "linear") == 0
      || (softmax_allowed && strcmp (*activation, "softmax") == 0))
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s uses activation “%s”; only relu and linear are "
               "supported"), layer->owner, *activation);
  return FALSE;
}

static int
node_of (NsTfjsBuilder *b, const char *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (b->node_of, name)) - 1;
}

static NsNode *
add_node (NsTfjsBuilder *b, KerasLayer *layer, const NsOp *op)
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
  NsPadding padding;
  int kernel_size[2], strides[2], cout;
  gboolean use_bias;
  const char *activation;
  if (!check_channels_last (layer, error) || !parse_padding (layer, &padding, error)
      || !window_pair (layer, "kernel_size", 1, 1, kernel_size, error)
      || !window_pair (layer, "strides", 1, 1, strides, error)
      || !ns_json_int (c, "filters", NS_JSON_REQUIRED, 1, G_MAXINT, layer->owner, &cout, error)
      || !ns_json_boolean (c, "use_bias", TRUE, layer->owner, &use_bias, error)
      || !parse_activation (layer, FALSE, &activation, error))
    return FALSE;
  int kh = kernel_size[0], kw = kernel_size[1];
  g_autofree char *kname = g_strdup_printf ("%s/kernel", layer->name);
  int shape[4];
  float *kernel = ns_tfjs_weights_take (b->weights, kname, 4, shape, error);
  if (!kernel)
    return FALSE;
  if (shape[0] != kh || shape[1] != kw || shape[3] != cout)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s” has shape [%d,%d,%d,%d], but layer “%s” "
                   "needs [%d,%d,in,%d]: the weights do not match model.json"), kname, shape[0], shape[1],
                   shape[2], shape[3], layer->name, kh, kw, cout);
      g_free (kernel);
      return FALSE;
    }
  float *bias = NULL;
  if (use_bias)
    {
      g_autofree char *bname = g_strdup_printf ("%s/bias", layer->name);
      int bshape[1];
      bias = ns_tfjs_weights_take (b->weights, bname, 1, bshape, error);
      if (!bias || bshape[0] != cout)
        {
          if (bias)
            g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s” has %d values, layer “%s” has %d "
                         "filters"), bname, bshape[0], layer->name, cout);
          g_free (kernel);
          g_free (bias);
          return FALSE;
        }
    }
  else
    bias = g_new0 (float, cout);

  NsNode *node = add_node (b, layer, &ns_op_conv);
  node->kh = kh, node->kw = kw;
  node->stride_h = strides[0], node->stride_w = strides[1];
  node->padding = padding;
  node->cin = shape[2], node->cout = cout;
  node->kernel = kernel, node->bias = bias;
  node->relu = strcmp (activation, "relu") == 0;
  return TRUE;
}

/* y = gamma (x - mean) / sqrt(var + eps) + beta, folded into the conv before it. */
static gboolean
fold_batch_norm (NsTfjsBuilder *b, KerasLayer *layer, KerasLayer *input, GError **error)
{
  int index = node_of (b, layer->inputs[0]);
  NsNode *conv = &g_array_index (b->nodes, NsNode, index);
  if (conv->op != &ns_op_conv || conv->relu || input->consumers != 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("BatchNormalization “%s” does not directly follow a "
                   "linear Conv2D, which is not supported"), layer->name);
      return FALSE;
    }
  const char *parts[] = { "gamma", "beta", "moving_mean", "moving_variance" };
  gboolean has[] = { TRUE, TRUE, TRUE, TRUE };
  double eps;
  if (!ns_json_boolean (layer->config, "scale", TRUE, layer->owner, &has[0], error)
      || !ns_json_boolean (layer->config, "center", TRUE, layer->owner, &has[1], error)
      || !ns_json_double (layer->config, "epsilon", 1e-3, layer->owner, &eps, error))
    return FALSE;
  if (!(eps >= 0))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s: epsilon must not be negative, not %g"), layer->owner, eps);
      return FALSE;
    }
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
          g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s” has %d values, expected %d"),
                       name, shape[0], conv->cout);
          ok = FALSE;
        }
      ok = ok && v[i];
    }
  for (int o = 0; ok && o < conv->cout; o++)
    if (!((double) v[3][o] + eps > 0))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight “%s/moving_variance” holds %g: a variance "
                     "plus epsilon must be positive"), layer->name, v[3][o]);
        ok = FALSE;
      }
  if (ok)
    {
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
  const char *activation;
  if (!parse_activation (layer, FALSE, &activation, error))
    return FALSE;
  if (strcmp (activation, "linear") == 0)
    {
      alias_node (b, layer);
      return TRUE;
    }
  NsNode *in = &g_array_index (b->nodes, NsNode, node_of (b, layer->inputs[0]));
  /* Fuse into the conv or add if nothing else reads its pre-ReLU output.
   * Its own name then no longer names a tappable output. */
  if ((in->op == &ns_op_conv || in->op == &ns_op_add) && !in->relu && input->consumers == 1
      && (int) b->nodes->len - 1 == node_of (b, layer->inputs[0]))
    {
      in->relu = TRUE;
      g_free (in->name);
      in->name = g_strdup (layer->name);
      alias_node (b, layer);
      return TRUE;
    }
  add_node (b, layer, &ns_op_relu);
  return TRUE;
}

static gboolean
build_pool (NsTfjsBuilder *b, KerasLayer *layer, const NsOp *op, GError **error)
{
  NsPadding padding;
  int size[2], strides[2];
  if (!check_channels_last (layer, error) || !parse_padding (layer, &padding, error)
      || !window_pair (layer, "pool_size", 2, 2, size, error)
      || !window_pair (layer, "strides", size[0], size[1], strides, error))
    return FALSE;
  NsNode *node = add_node (b, layer, op);
  node->kh = size[0], node->kw = size[1];
  node->stride_h = strides[0], node->stride_w = strides[1];
  node->padding = padding;
  return TRUE;
}

/* Keras' "padding": n, [rows, cols] or [[top, bottom], [left, right]]. */
static gboolean
zeropad_amounts (KerasLayer *layer, int pad[4], GError **error)
{
  JsonNode *p = json_object_get_member (layer->config, "padding");
  gint64 v[4] = { 1, 1, 1, 1 };   /* Keras' default */
  gboolean ok = TRUE;
  if (p && JSON_NODE_HOLDS_VALUE (p))
    {
      ok = ns_json_int_value (p, 0, MAX_WINDOW, layer->owner, "padding", &v[0], error);
      v[1] = v[2] = v[3] = v[0];
    }
  else if (p)
    {
      JsonArray *axes = JSON_NODE_HOLDS_ARRAY (p) ? json_node_get_array (p) : NULL;
      if (!axes || json_array_get_length (axes) != 2)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s: “padding” must be an integer or a list of two"),
                       layer->owner);
          return FALSE;
        }
      for (int axis = 0; axis < 2 && ok; axis++)
        {
          JsonNode *a = json_array_get_element (axes, axis);
          JsonArray *sides = JSON_NODE_HOLDS_ARRAY (a) ? json_node_get_array (a) : NULL;
          if (!sides)
            {
              ok = ns_json_int_value (a, 0, MAX_WINDOW, layer->owner, "padding", &v[axis * 2], error);
              v[axis * 2 + 1] = v[axis * 2];
              continue;
            }
          for (int side = 0; side < 2 && ok; side++)
            ok = ns_json_int_value (side < (int) json_array_get_length (sides)
                                      ? json_array_get_element (sides, side) : NULL,
                                    0, MAX_WINDOW, layer->owner, "padding", &v[axis * 2 + side], error);
        }
    }
  for (int i = 0; i < 4; i++)
    pad[i] = (int) v[i];
  return ok;
}

static gboolean
build_zeropad (NsTfjsBuilder *b, KerasLayer *layer, GError **error)
{
  int pad[4];
  if (!check_channels_last (layer, error) || !zeropad_amounts (layer, pad, error))
    return FALSE;
  NsNode *node = add_node (b, layer, &ns_op_zeropad);
  memcpy (node->pad, pad, sizeof pad);
  return TRUE;
}

static gboolean
build_dense (NsTfjsBuilder *b, KerasLayer *layer, GError **error)
{
  int units;
  const char *activation;
  if (!ns_json_int (layer->config, "units", NS_JSON_REQUIRED, 1, G_MAXINT, layer->owner, &units, error)
      || !parse_activation (layer, TRUE, &activation, error))
    return FALSE;
  g_autofree char *kname = g_strdup_printf ("%s/kernel", layer->name);
  g_autofree char *bname = g_strdup_printf ("%s/bias", layer->name);
  int kshape[2], bshape[1];
  float *kernel = ns_tfjs_weights_take (b->weights, kname, 2, kshape, error);
  float *bias = kernel ? ns_tfjs_weights_take (b->weights, bname, 1, bshape, error) : NULL;
  if (!bias || kshape[1] != units || bshape[0] != units)
    {
      if (bias)
        g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weights of “%s” do not match its %d units"),
                     layer->name, units);
      g_free (kernel);
      g_free (bias);
      return FALSE;
    }
  NsNode *node = add_node (b, layer, &ns_op_dense);
  node->cin = kshape[0], node->cout = units;
  node->kernel = kernel, node->bias = bias;
  node->softmax = strcmp (activation, "softmax") == 0;
  return TRUE;
}

gboolean
ns_tfjs_build_layer (NsTfjsBuilder *b, KerasLayer *layer, KerasLayer *input, GError **error)
{
  const char *cls = layer->class_name;
  for (int i = 0; i < layer->n_inputs; i++)
    if (node_of (b, layer->inputs[i]) < 0)
      {
        g_set_error (error, NS_ERROR, NS_ERROR_MODEL,
                     _("layer “%s” reads “%s”, which is not defined before it"),
                     layer->name, layer->inputs[i]);
        return FALSE;
      }
  if (strcmp (cls, "InputLayer") == 0)
    {
      if (b->nodes->len != 0)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("the model has more than one input"));
          return FALSE;
        }
      add_node (b, layer, &ns_op_input);
      return TRUE;
    }
  if (b->nodes->len == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("the model does not start with an InputLayer"));
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
    return build_pool (b, layer, &ns_op_maxpool, error);
  if (strcmp (cls, "AveragePooling2D") == 0)
    return build_pool (b, layer, &ns_op_avgpool, error);
  if (strcmp (cls, "ZeroPadding2D") == 0)
    return build_zeropad (b, layer, error);
  if (strcmp (cls, "Add") == 0 && layer->n_inputs == 2)
    {
      add_node (b, layer, &ns_op_add);
      return TRUE;
    }
  if (strcmp (cls, "GlobalAveragePooling2D") == 0)
    {
      add_node (b, layer, &ns_op_global_avgpool);
      return TRUE;
    }
  if (strcmp (cls, "Dense") == 0)
    return build_dense (b, layer, error);
  if (strcmp (cls, "Flatten") == 0 || strcmp (cls, "Dropout") == 0)
    {
      alias_node (b, layer);   /* HWC memory order is Keras' channels_last flatten order */
      return TRUE;
    }
  g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("layer “%s” is of type %s, which this engine does not "
               "support (supported: Conv2D, BatchNormalization, Activation, ReLU, ZeroPadding2D, "
               "MaxPooling2D, AveragePooling2D, Add, GlobalAveragePooling2D, Dense)"), layer->name, cls);
  return FALSE;
}
