/* mini-resnet.c: see mini-resnet.h. */
#include "mini-resnet.h"
#include "tiny-model.h"

#include <math.h>

#define BN_EPS 1e-3   /* the epsilon written into the batch norm configs */
/* ---- the miniature network's weights ------------------------------------ */

static float *
uniform (GRand *rng, int n, double lo, double hi)
{
  float *v = g_new (float, n);
  for (int i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rng, lo, hi);
  return v;
}

static ConvWeights
random_conv (GRand *rng, int k, int cin, int cout, gboolean bias)
{
  double range = sqrt (6.0 / (k * k * cin));   /* He uniform */
  return (ConvWeights) { k, cin, cout, uniform (rng, k * k * cin * cout, -range, range),
                         bias ? uniform (rng, cout, -5, 5) : NULL };
}

static BnWeights
random_bn (GRand *rng, int c)
{
  return (BnWeights) { uniform (rng, c, 0.5, 2.0), uniform (rng, c, -3, 3),
                       uniform (rng, c, -20, 20), uniform (rng, c, 20, 400) };
}

void
mini_net_init (MiniNet *net, GRand *rng)
{
  net->conv1 = random_conv (rng, 3, 3, 4, TRUE);
  net->bn1 = random_bn (rng, 4);
  net->conv2a = random_conv (rng, 1, 4, 8, TRUE);
  net->bn2a = random_bn (rng, 8);
  net->conv2b = random_conv (rng, 3, 8, 8, FALSE);
  net->bn2b = random_bn (rng, 8);
  net->conv3 = random_conv (rng, 1, 8, 8, TRUE);
}

void
mini_net_clear (MiniNet *net)
{
  ConvWeights *convs[] = { &net->conv1, &net->conv2a, &net->conv2b, &net->conv3 };
  BnWeights *bns[] = { &net->bn1, &net->bn2a, &net->bn2b };
  for (int i = 0; i < 4; i++)
    g_free (convs[i]->kernel), g_free (convs[i]->bias);
  for (int i = 0; i < 3; i++)
    g_free (bns[i]->gamma), g_free (bns[i]->beta), g_free (bns[i]->mean), g_free (bns[i]->variance);
}

/* ---- writing it as a tfjs model ----------------------------------------- */

static void
add_conv (TinyModel *m, const char *name, const char *input, const ConvWeights *w, int stride,
          const char *padding, const char *activation, Defect defect)
{
  g_autofree char *config = g_strdup_printf (
    "\"filters\": %d, \"kernel_size\": [%d, %d], \"strides\": [%d, %d], \"padding\": \"%s\", "
    "\"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"%s\", \"use_bias\": %s",
    w->cout, w->k, w->k, stride, stride, padding, activation, w->bias ? "true" : "false");
  tiny_model_layer (m, "Conv2D", name, config, input, NULL);
  /* The wrong shape holds as many values, so only the shape check can catch it. */
  int shape[4] = { w->k, w->k, w->cin, w->cout }, swapped[4] = { w->k, w->k, w->cout, w->cin };
  g_autofree char *kernel = g_strdup_printf ("%s/kernel", name), *bias = g_strdup_printf ("%s/bias", name);
  tiny_model_weight (m, kernel, 4, defect == DEFECT_KERNEL_SHAPE ? swapped : shape, w->kernel);
  if (w->bias)
    tiny_model_weight (m, bias, 1, &w->cout, w->bias);
}

static void
add_bn (TinyModel *m, const char *name, const char *input, const BnWeights *w, int c)
{
  tiny_model_layer (m, "BatchNormalization", name, "\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, "
                    "\"center\": true, \"scale\": true", input, NULL);
  const char *parts[] = { "gamma", "beta", "moving_mean", "moving_variance" };
  float *values[] = { w->gamma, w->beta, w->mean, w->variance };
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *weight = g_strdup_printf ("%s/%s", name, parts[i]);
      tiny_model_weight (m, weight, 1, &c, values[i]);
    }
}

static const char RELU[] = "\"activation\": \"relu\"";
static const char POOL[] = "\"pool_size\": [2, 2], \"strides\": [2, 2], \"padding\": \"valid\", "
                           "\"data_format\": \"channels_last\"";

char *
mini_net_write (const MiniNet *net, const char *folder, Defect defect)
{
  g_autoptr (TinyModel) m = tiny_model_new ();
  tiny_model_layer (m, "InputLayer", "input_1", "\"batch_input_shape\": [null, null, null, 3], "
                    "\"dtype\": \"float32\"", NULL, NULL);
  tiny_model_layer (m, "ZeroPadding2D", "pad", "\"padding\": [[1, 1], [1, 1]], \"data_format\": "
                    "\"channels_last\"", "input_1", NULL);
  add_conv (m, "conv1", "pad", &net->conv1, 2, "valid", "linear", DEFECT_NONE);
  add_bn (m, "bn1", "conv1", &net->bn1, 4);
  tiny_model_layer (m, "Activation", "act1", RELU, "bn1", NULL);
  tiny_model_layer (m, "MaxPooling2D", "pool", POOL, "act1", NULL);
  if (defect == DEFECT_LSTM)
    tiny_model_layer (m, "LSTM", "lstm_1", "\"units\": 4", "pool", NULL);
  add_conv (m, "conv2a", "pool", &net->conv2a, 1, "valid", "linear", defect);
  add_bn (m, "bn2a", "conv2a", &net->bn2a, 8);
  tiny_model_layer (m, "Activation", "act2a", RELU, "bn2a", NULL);
  add_conv (m, "conv2b", "act2a", &net->conv2b, 1, "same", "linear", DEFECT_NONE);
  add_bn (m, "bn2b", "conv2b", &net->bn2b, 8);
  tiny_model_layer (m, "Add", "add", "", "bn2b", "act2a");
  tiny_model_layer (m, "Activation", "act2", RELU, "add", NULL);
  add_conv (m, "conv3", "act2", &net->conv3, 2, "valid", "relu", DEFECT_NONE);
  return tiny_model_write (m, folder, "conv2b/kernel");
}

/* ---- the float64 reference, straight from the Keras definitions ---------- */

#define AT(t, y, x, ch) ((t).v[((gsize) (y) * (t).w + (x)) * (t).c + (ch)])

static Tensor
tensor_new (int h, int w, int c)
{
  return (Tensor) { h, w, c, g_new0 (double, (gsize) h * w * c) };
}

static Tensor
ref_zeropad (Tensor in, int p)
{
  Tensor out = tensor_new (in.h + 2 * p, in.w + 2 * p, in.c);
  for (int y = 0; y < in.h; y++)
    for (int x = 0; x < in.w; x++)
      for (int c = 0; c < in.c; c++)
        AT (out, y + p, x + p, c) = AT (in, y, x, c);
  return out;
}

/* TensorFlow "same": out = ceil(in / stride), the smaller half of the padding first. */
static Tensor
ref_conv (Tensor in, const ConvWeights *w, int stride, gboolean same)
{
  int k = w->k, oh, ow, top = 0, left = 0;
  if (same)
    {
      oh = (in.h + stride - 1) / stride, ow = (in.w + stride - 1) / stride;
      top = MAX ((oh - 1) * stride + k - in.h, 0) / 2;
      left = MAX ((ow - 1) * stride + k - in.w, 0) / 2;
    }
  else
    oh = (in.h - k) / stride + 1, ow = (in.w - k) / stride + 1;
  Tensor out = tensor_new (oh, ow, w->cout);
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++)
      for (int o = 0; o < w->cout; o++)
        {
          double sum = w->bias ? w->bias[o] : 0.0;
          for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
              {
                int iy = y * stride + i - top, ix = x * stride + j - left;
                if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w)
                  continue;
                for (int c = 0; c < w->cin; c++)
                  sum += AT (in, iy, ix, c) * w->kernel[((i * k + j) * w->cin + c) * w->cout + o];
              }
          AT (out, y, x, o) = sum;
        }
  return out;
}

static void
ref_batch_norm (Tensor t, const BnWeights *w)
{
  for (gsize i = 0; i < (gsize) t.h * t.w * t.c; i++)
    {
      int c = i % t.c;
      t.v[i] = (t.v[i] - w->mean[c]) / sqrt (w->variance[c] + BN_EPS) * w->gamma[c] + w->beta[c];
    }
}

static void
ref_relu (Tensor t)
{
  for (gsize i = 0; i < (gsize) t.h * t.w * t.c; i++)
    t.v[i] = MAX (t.v[i], 0.0);
}

static Tensor
ref_maxpool2 (Tensor in)
{
  Tensor out = tensor_new (in.h / 2, in.w / 2, in.c);
  for (int y = 0; y < out.h; y++)
    for (int x = 0; x < out.w; x++)
      for (int c = 0; c < in.c; c++)
        AT (out, y, x, c) = MAX (MAX (AT (in, 2 * y, 2 * x, c), AT (in, 2 * y, 2 * x + 1, c)),
                                 MAX (AT (in, 2 * y + 1, 2 * x, c), AT (in, 2 * y + 1, 2 * x + 1, c)));
  return out;
}

void
mini_net_reference (const MiniNet *net, int height, int width, const float *input, MiniReference *ref)
{
  Tensor x = tensor_new (height, width, 3);
  for (gsize i = 0; i < (gsize) height * width * 3; i++)
    x.v[i] = input[i];
  Tensor padded = ref_zeropad (x, 1);
  ref->act1 = ref_conv (padded, &net->conv1, 2, FALSE);
  ref_batch_norm (ref->act1, &net->bn1);
  ref_relu (ref->act1);
  Tensor pooled = ref_maxpool2 (ref->act1);
  ref->act2a = ref_conv (pooled, &net->conv2a, 1, FALSE);
  ref_batch_norm (ref->act2a, &net->bn2a);
  ref_relu (ref->act2a);
  ref->act2 = ref_conv (ref->act2a, &net->conv2b, 1, TRUE);
  ref_batch_norm (ref->act2, &net->bn2b);
  for (gsize i = 0; i < (gsize) ref->act2.h * ref->act2.w * ref->act2.c; i++)
    ref->act2.v[i] += ref->act2a.v[i];
  ref_relu (ref->act2);
  ref->conv3 = ref_conv (ref->act2, &net->conv3, 2, FALSE);
  ref_relu (ref->conv3);
  g_free (x.v), g_free (padded.v), g_free (pooled.v);
}

void
mini_net_reference_clear (MiniReference *ref)
{
  g_free (ref->act1.v), g_free (ref->act2a.v), g_free (ref->act2.v), g_free (ref->conv3.v);
}

char *
mini_net_write_temp (const MiniNet *net, const char *name_template, char **folder)
{
  GError *error = NULL;
  *folder = g_dir_make_tmp (name_template, &error);
  g_assert_no_error (error);
  return mini_net_write (net, *folder, DEFECT_NONE);
}
