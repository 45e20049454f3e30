/* test-network.c: the tfjs loader and the graph on the miniature ResNet block
 * of mini-resnet.c. The loaded graph (batch norm folded, ReLUs fused) must
 * match a float64 evaluation of the Keras layers; its input gradient and the
 * whole style-transfer objective's gradient must match central differences;
 * broken models must give the loader's documented error codes. */
#include "fd-check.h"
#include "mini-resnet.h"
#include "temp-folder.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define IN_H 21
#define IN_W 18
#define FORWARD_TOL 1e-5
#define GRADIENT_TOL 1e-3

typedef struct
{
  GRand   *rng;
  MiniNet  weights;
  char    *folder;
  char    *model_json;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->rng = g_rand_new_with_seed (1234);
  mini_net_init (&f->weights, f->rng);
  f->model_json = mini_net_write_temp (&f->weights, "ns-test-network-XXXXXX", &f->folder);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  temp_folder_remove (f->folder);
  g_free (f->folder);
  g_free (f->model_json);
  mini_net_clear (&f->weights);
  g_rand_free (f->rng);
}

/* The layers the tests read; loading marks them tapped so that their values
 * and gradients get buffers of their own. */
static const char *const TAPS[] = { "act1", "act2a", "act2", "conv3", NULL };

static NsNetwork *
load (const char *model_json)
{
  GError *error = NULL;
  NsNetwork *net = ns_network_load_tfjs (model_json, TAPS, &error);
  g_assert_no_error (error);
  g_assert_nonnull (net);
  return net;
}

static int
tap (const NsNetwork *net, const char *name)
{
  int node = ns_network_lookup (net, name);
  if (node < 0)
    g_error ("layer %s is not tappable", name);
  return node;
}

/* Preprocessed-range input (BGR, 0..255 minus a mean). */
static float *
random_input (GRand *rng)
{
  float *input = g_new (float, IN_H * IN_W * 3);
  for (int i = 0; i < IN_H * IN_W * 3; i++)
    input[i] = (float) g_rand_double_range (rng, -120, 130);
  return input;
}

static void
assert_matches_reference (const NsPass *pass, int node, Tensor want)
{
  NsShape s = pass->shapes[node];
  g_assert_cmpint (s.h, ==, want.h);
  g_assert_cmpint (s.w, ==, want.w);
  g_assert_cmpint (s.c, ==, want.c);
  double scale = 0, err = 0;
  int positive = 0;
  for (gsize i = 0; i < ns_shape_size (s); i++)
    {
      scale = fmax (scale, fabs (want.v[i]));
      err = fmax (err, fabs (pass->values[node][i] - want.v[i]));
      positive += want.v[i] > 0;
    }
  g_test_message ("%s: max error %.3g of max %.4g", pass->net->nodes[node].name, err, scale);
  /* Both signs present: the ReLU does something and the test is not trivial. */
  g_assert_cmpint (positive, >, 0);
  g_assert_cmpint (positive, <, (int) ns_shape_size (s));
  g_assert_cmpfloat (err, <=, FORWARD_TOL * scale);
}

static void
test_forward (Fixture *f, gconstpointer data)
{
  NsNetwork *net = load (f->model_json);
  /* Folded and fused: input, pad, conv1+relu, pool, conv2a+relu, conv2b, add+relu, conv3+relu. */
  g_assert_cmpint (net->n_nodes, ==, 8);
  g_assert_true (net->nodes[tap (net, "act1")].op == &ns_op_conv);
  g_assert_true (net->nodes[tap (net, "act1")].relu);
  g_assert_cmpint (ns_network_lookup (net, "conv1"), <, 0);   /* the pre-ReLU output no longer exists */
  g_assert_true (net->nodes[tap (net, "act2")].op == &ns_op_add);
  g_assert_true (net->nodes[tap (net, "act2")].relu);

  g_autofree float *input = random_input (f->rng);
  NsPass *pass = ns_pass_new (net, IN_H, IN_W, 2, NULL);
  ns_pass_forward (pass, input);
  MiniReference ref;
  mini_net_reference (&f->weights, IN_H, IN_W, input, &ref);
  assert_matches_reference (pass, tap (net, "act1"), ref.act1);
  assert_matches_reference (pass, tap (net, "act2a"), ref.act2a);
  assert_matches_reference (pass, tap (net, "act2"), ref.act2);
  assert_matches_reference (pass, tap (net, "conv3"), ref.conv3);
  mini_net_reference_clear (&ref);
  ns_pass_free (pass);
  ns_network_free (net);
}

static void
test_pruned (Fixture *f, gconstpointer data)
{
  const char *outputs[] = { "act2a", NULL };
  GError *error = NULL;
  NsNetwork *net = ns_network_load_tfjs (f->model_json, outputs, &error);
  g_assert_no_error (error);
  g_assert_cmpint (net->n_nodes, ==, 5);   /* input, pad, conv1, pool, conv2a */
  g_assert_cmpint (tap (net, "act2a"), ==, 4);
  g_assert_cmpint (ns_network_lookup (net, "conv3"), <, 0);
  ns_network_free (net);
}

/* L = sum over taps of r . F: the engine's input gradient against central
 * differences of its own forward pass. The network is piecewise linear, so
 * a step of two grey levels is exact wherever no kink is crossed, and
 * large enough that float32 rounding of L stays far below the tolerance. */
static void
test_input_gradient (Fixture *f, gconstpointer data)
{
  NsNetwork *net = load (f->model_json);
  /* act2a also feeds conv2b and the add, so its gradient collects three paths. */
  const char *names[] = { "act1", "act2a", "conv3" };
  int nodes[3];
  float *r[3];
  NsPass *pass = ns_pass_new (net, IN_H, IN_W, 2, NULL);
  for (int t = 0; t < 3; t++)
    {
      nodes[t] = tap (net, names[t]);
      gsize n = ns_shape_size (pass->shapes[nodes[t]]);
      r[t] = g_new (float, n);
      for (gsize i = 0; i < n; i++)
        r[t][i] = (float) g_rand_double_range (f->rng, -1, 1);
    }
  g_autofree float *input = random_input (f->rng);
  g_autofree float *dinput = g_new (float, IN_H * IN_W * 3);
  ns_pass_forward (pass, input);
  ns_pass_zero_grads (pass);
  for (int t = 0; t < 3; t++)
    memcpy (ns_pass_grad (pass, nodes[t]), r[t], ns_shape_size (pass->shapes[nodes[t]]) * sizeof (float));
  ns_pass_backward (pass, dinput);

  double rms = 0;
  for (int i = 0; i < IN_H * IN_W * 3; i++)
    rms += (double) dinput[i] * dinput[i];
  rms = sqrt (rms / (IN_H * IN_W * 3));
  g_assert_cmpfloat (rms, >, 0);

  const float eps = 2.0f;
  int checked = 0, skipped = 0;
  double worst = 0;
  NsPass *scratch = ns_pass_new (net, IN_H, IN_W, 2, NULL);
  while (checked < 40)
    {
      int i = g_rand_int_range (f->rng, 0, IN_H * IN_W * 3);
      if (fd_crosses_kink (scratch, input, i, eps))
        {
          g_assert_cmpint (++skipped, <, 40);
          continue;
        }
      double loss[2];
      float saved = input[i];
      for (int side = 0; side < 2; side++)
        {
          input[i] = saved + (side ? -eps : eps);
          ns_pass_forward (pass, input);
          loss[side] = 0;
          for (int t = 0; t < 3; t++)
            for (gsize j = 0; j < ns_shape_size (pass->shapes[nodes[t]]); j++)
              loss[side] += (double) r[t][j] * pass->values[nodes[t]][j];
        }
      input[i] = saved;
      double fd = (loss[0] - loss[1]) / (2 * eps);
      worst = fmax (worst, fd_relative_error (dinput[i], fd, 0.1 * rms));
      checked++;
    }
  g_test_message ("input gradient: %d coordinates, %d skipped at kinks, max rel. error %.3g", checked,
                  skipped, worst);
  g_assert_cmpfloat (worst, <, GRADIENT_TOL);
  for (int t = 0; t < 3; t++)
    g_free (r[t]);
  ns_pass_free (scratch);
  ns_pass_free (pass);
  ns_network_free (net);
}

static NsImage *
random_image (GRand *rng, int width, int height)
{
  NsImage *image = ns_image_new (width, height);
  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    image->pixels[i] = (float) g_rand_double (rng);
  return image;
}

/* Stripes of a few colours: Gram statistics far from a noise image's. */
static NsImage *
stripes_image (int width, int height)
{
  NsImage *image = ns_image_new (width, height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        image->pixels[((gsize) y * width + x) * 3 + c] = (float) (0.5 + 0.45 * sin (0.7 * x + 1.3 * y * c + c));
  return image;
}

/* The hand-made recipe of the objective tests, as a model ns_stylize accepts. */
typedef struct
{
  NsTap     style[2], content[1];
  NsRecipe  recipe;
  int       style_nodes[2], content_nodes[1];
  NsModel   model;
} TinyModel;

static void
tiny_model_init (TinyModel *m, NsNetwork *net)
{
  *m = (TinyModel) { .style = { { "act1", 1.0 }, { "act2a", 0.5 } }, .content = { { "conv3", 1.0 } } };
  m->recipe = (NsRecipe) { .name = "tiny", .style = m->style, .n_style = 2, .content = m->content, .n_content = 1,
                           .content_weight = 1, .style_weight = 1, .tv_weight = 1, .tv_epsilon = 1e-6,
                           .mean_bgr = { 103.939f, 116.779f, 123.68f }, .min_stage_size = 16, .stage_factor = 2,
                           .stage_iteration_ratio = 0.5 };
  m->style_nodes[0] = tap (net, "act1"), m->style_nodes[1] = tap (net, "act2a");
  m->content_nodes[0] = tap (net, "conv3");
  m->model = (NsModel) { .net = net, .recipe = &m->recipe, .style_nodes = m->style_nodes,
                         .content_nodes = m->content_nodes };
}

/* The objective tests' scene: the mini network with a hand-made recipe, and
 * two style images: stripes of a few colours (Gram statistics far from a
 * noise image's) and noise. */
typedef struct
{
  Fixture    base;
  NsNetwork *net;
  TinyModel  tiny;
  NsImage   *stripes, *noise;
} Scene;

static void
scene_set_up (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  fixture_set_up (f, data);
  s->net = load (f->model_json);
  tiny_model_init (&s->tiny, s->net);
  s->stripes = stripes_image (31, 26);
  s->noise = random_image (f->rng, 25, 19);
}

static void
scene_tear_down (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  ns_image_free (s->stripes);
  ns_image_free (s->noise);
  ns_network_free (s->net);
  fixture_tear_down (f, data);
}

/* The whole objective (Gram style loss on act1 and act2a, content on conv3,
 * total variation) through the network, with a recipe made by hand. Each
 * term is weighted to be 1 at x, so each carries a third of the gradient.
 * The losses come from float32 features, whose rounding (about 1e-7 of the
 * loss) limits a difference quotient to about 1e-5 absolute: the gradient
 * must match within 1e-3 as a whole (relative L2 over the coordinates), and
 * each coordinate within 1e-2 of max(its size, a tenth of the typical size).
 * Frees o. */
static void
assert_objective_gradient (NsObjective *o, GRand *rng, const char *what)
{
  gsize n = (gsize) o->width * o->height * 3;
  g_autofree double *x = g_new (double, n), *grad = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double_range (rng, 0.05, 0.95);
  ns_objective_evaluate (o, x, grad);
  g_assert_cmpfloat (o->content_loss, >, 0);
  g_assert_cmpfloat (o->style_loss, >, 0);
  g_assert_cmpfloat (o->tv_loss, >, 0);
  o->content_weight /= o->content_loss;
  o->style_weight /= o->style_loss;
  o->tv_weight /= o->tv_loss;

  FdReport report;
  fd_check_objective (o, x, 30, 1e-2, rng, &report);
  g_test_message ("%s: %d coordinates, %d skipped at kinks, max rel. error %.3g, L2 rel. error %.3g", what,
                  report.checked, report.skipped, report.max_rel_error, report.l2_rel_error);
  g_assert_cmpint (report.checked, ==, 30);
  g_assert_cmpfloat (report.l2_rel_error, <, GRADIENT_TOL);
  g_assert_cmpfloat (report.max_rel_error, <, 10 * GRADIENT_TOL);
  ns_objective_free (o);
}

static void
test_objective_gradient (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content_image = random_image (f->rng, IN_W, IN_H);
  GError *error = NULL;
  NsObjective *o = ns_objective_new (&s->tiny.model, content_image, s->stripes, IN_W, IN_H, 1, 1, 1, 2, &error);
  g_assert_no_error (error);
  assert_objective_gradient (o, f->rng, "objective gradient");
}

/* ---- several styles --------------------------------------------------------- */

static NsObjective *
objective_of (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles, int width,
              int height, int tile, int halo, int margin)
{
  GError *error = NULL;
  NsObjectiveSetup setup = { content, styles, n_styles, 1.0, 1, 1, 1, tile, halo, 2, margin, NULL, NULL, 0 };
  NsObjective *o = ns_objective_create (model, &setup, width, height, &error);
  g_assert_no_error (error);
  return o;
}

static NsObjective *
blend_objective (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles)
{
  return objective_of (model, content, styles, n_styles, IN_W, IN_H, 0, 0, 0);
}

/* ---- the pixel-target term (a frame's previous result) -------------------------------- */

static NsObjective *
pixel_objective (const Scene *s, const NsImage *content, const NsImage *target, const NsMask *mask, double weight)
{
  GError *error = NULL;
  NsStyle one = { .image = s->stripes, .blend = 1.0 };
  NsObjectiveSetup setup = { content, &one, 1, 1.0, 1, 1, 1, 0, 0, 2, 0, target, mask, weight };
  NsObjective *o = ns_objective_create (&s->tiny.model, &setup, IN_W, IN_H, &error);
  g_assert_no_error (error);
  return o;
}

/* Weight 0 changes no bit of the loss or the gradient; a weight adds
 * exactly the term (against a double loop here), and the whole
 * objective's gradient still matches central differences. */
static void
test_pixel_term (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  g_autoptr (NsImage) target = random_image (f->rng, IN_W, IN_H);
  g_autoptr (NsMask) mask = ns_mask_new (IN_W, IN_H);
  gsize pixels = (gsize) IN_W * IN_H, n = pixels * 3;
  for (gsize p = 0; p < pixels; p++)
    mask->values[p] = g_rand_double (f->rng) < 0.3 ? 0.0f : (float) g_rand_double (f->rng);
  g_autofree double *x = g_new (double, n), *g0 = g_new (double, n), *g1 = g_new (double, n), *g2 = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double_range (f->rng, 0.05, 0.95);

  NsObjective *plain = pixel_objective (s, content, NULL, NULL, 0);
  NsObjective *zero = pixel_objective (s, content, target, mask, 0);
  double weight = 7.0;
  NsObjective *pulled = pixel_objective (s, content, target, mask, weight);
  double l0 = ns_objective_evaluate (plain, x, g0), l1 = ns_objective_evaluate (zero, x, g1);
  double l2 = ns_objective_evaluate (pulled, x, g2);
  g_assert_cmpfloat (l0, ==, l1);
  g_assert_cmpmem (g0, n * sizeof (double), g1, n * sizeof (double));

  double expected = 0, grad_error = 0, grad_norm = 0;
  for (gsize p = 0; p < pixels; p++)
    for (int c = 0; c < 3; c++)
      {
        double d = x[p * 3 + c] - target->pixels[p * 3 + c];
        expected += weight / pixels * mask->values[p] * d * d;
        double g = 2 * weight / pixels * mask->values[p] * d;
        grad_error += (g2[p * 3 + c] - g0[p * 3 + c] - g) * (g2[p * 3 + c] - g0[p * 3 + c] - g);
        grad_norm += g * g;
      }
  g_assert_cmpfloat (expected, >, 0.01 * l0);   /* large enough to show */
  g_assert_cmpfloat (fabs (l2 - l0 - expected), <, 1e-5 * expected);
  g_assert_cmpfloat (fabs (pulled->pixel_loss - expected), <, 1e-5 * expected);
  g_assert_cmpfloat (sqrt (grad_error / grad_norm), <, 1e-4);
  ns_objective_free (plain);
  ns_objective_free (zero);
  assert_objective_gradient (pulled, f->rng, "objective gradient with the pixel term");
}

/* ---- the canvas' margin ------------------------------------------------------- */

/* With a margin the network sees every image mirrored beyond its border:
 * the gradient that reaches the margin is folded back onto the pixels it
 * mirrors, so it must still match central differences (5 px: not a
 * multiple of the tiny network's strides 2, 4 and 8; 40 px: wider than the
 * image, mirrored again at the far edge). The margin must change the
 * objective, or this would test nothing new. */
static void
test_margin_gradient (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  NsStyle one = { .image = s->stripes, .blend = 1 };
  gsize n = (gsize) IN_W * IN_H * 3;
  g_autofree double *x = g_new (double, n), *g0 = g_new (double, n), *g5 = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double (f->rng);
  NsObjective *plain = objective_of (&s->tiny.model, content, &one, 1, IN_W, IN_H, 0, 0, 0);
  NsObjective *margin = objective_of (&s->tiny.model, content, &one, 1, IN_W, IN_H, 0, 0, 5);
  double l0 = ns_objective_evaluate (plain, x, g0), l5 = ns_objective_evaluate (margin, x, g5);
  g_test_message ("loss without a margin %.6g, with 5 px %.6g", l0, l5);
  g_assert_cmpfloat (fabs (l5 - l0), >, 1e-3 * l0);
  ns_objective_free (plain);
  assert_objective_gradient (margin, f->rng, "margin 5");
  assert_objective_gradient (objective_of (&s->tiny.model, content, &one, 1, IN_W, IN_H, 0, 0, 40), f->rng,
                             "margin 40");
}

/* Each layer's target with blends 0.3 and 0.7 is 0.3 and 0.7 of the
 * targets of the two styles alone. */
static void
test_blend_targets (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  NsStyle both[] = { { .image = s->stripes, .blend = 3 }, { .image = s->noise, .blend = 7 } };
  NsStyle first[] = { { .image = s->stripes, .blend = 1 } }, second[] = { { .image = s->noise, .blend = 1 } };
  NsObjective *blend = blend_objective (&s->tiny.model, content, both, 2);
  NsObjective *a = blend_objective (&s->tiny.model, content, first, 1), *b = blend_objective (&s->tiny.model, content, second, 1);
  for (int l = 0; l < 2; l++)
    {
      int c = blend->pass->shapes[s->tiny.style_nodes[l]].c;
      double worst = 0, size = 0, from_first = 0;
      for (int k = 0; k < c * c; k++)
        {
          double want = 0.3 * a->groups[0].targets[l][k] + 0.7 * b->groups[0].targets[l][k];
          worst = MAX (worst, fabs (blend->groups[0].targets[l][k] - want));
          size = MAX (size, fabs (want));
          from_first = MAX (from_first, fabs (blend->groups[0].targets[l][k] - a->groups[0].targets[l][k]));
        }
      g_test_message ("layer %d: blended target within %.3g of the weighted sum (largest entry %.3g)", l, worst, size);
      g_assert_cmpfloat (size, >, 0);
      g_assert_cmpfloat (worst, <=, 1e-6 * size);
      /* and it is neither style's own */
      g_assert_cmpfloat (from_first, >, 1e-2 * size);
    }
  ns_objective_free (blend), ns_objective_free (a), ns_objective_free (b);
}

/* Blend weights 1,0 give the first style's objective bit for bit. */
static void
test_blend_one_zero (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  NsStyle pair[] = { { .image = s->stripes, .blend = 1 }, { .image = s->noise, .blend = 0 } };
  NsStyle alone[] = { { .image = s->stripes, .blend = 1 } };
  NsObjective *o2 = blend_objective (&s->tiny.model, content, pair, 2), *o1 = blend_objective (&s->tiny.model, content, alone, 1);
  gsize n = (gsize) IN_W * IN_H * 3;
  g_autofree double *x = g_new (double, n), *g1 = g_new (double, n), *g2 = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double (f->rng);
  double l1 = ns_objective_evaluate (o1, x, g1), l2 = ns_objective_evaluate (o2, x, g2);
  g_assert_cmpfloat (l1, ==, l2);
  g_assert_cmpmem (g1, n * sizeof (double), g2, n * sizeof (double));
  ns_objective_free (o1), ns_objective_free (o2);
}

/* The gradient with two blended styles against central differences. */
static void
test_blend_gradient (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  NsStyle both[] = { { .image = s->stripes, .blend = 0.5 }, { .image = s->noise, .blend = 0.5 } };
  assert_objective_gradient (blend_objective (&s->tiny.model, content, both, 2), f->rng, "two styles");
}

/* ---- regions ----------------------------------------------------------------- */

static NsMask *
ramp_mask (int width, int height, gboolean left)
{
  NsMask *mask = ns_mask_new (width, height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double v = CLAMP ((x - 0.4 * width) / (0.2 * width), 0.0, 1.0);   /* a feathered edge */
        mask->values[y * width + x] = (float) (left ? 1 - v : v);
      }
  return mask;
}

/* Evaluates a and b (of one size) at the same random x: their losses must
 * agree within loss_tol relative, their gradients within grad_tol of the
 * largest coordinate. Frees both. */
static void
assert_same_objective (NsObjective *a, NsObjective *b, GRand *rng, double loss_tol, double grad_tol,
                       const char *what)
{
  gsize n = (gsize) a->width * a->height * 3;
  g_autofree double *x = g_new (double, n), *ga = g_new (double, n), *gb = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double (rng);
  double la = ns_objective_evaluate (a, x, ga), lb = ns_objective_evaluate (b, x, gb);
  double worst = 0, size = 0;
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs (ga[i] - gb[i])), size = MAX (size, fabs (ga[i]));
  g_test_message ("%s: loss %.9g vs %.9g, gradient within %.3g of %.3g", what, la, lb, worst, size);
  g_assert_cmpfloat (fabs (la - lb), <=, loss_tol * la);
  g_assert_cmpfloat (worst, <=, grad_tol * size);
  ns_objective_free (a), ns_objective_free (b);
}

/* A region of all ones is the unguided objective (within float rounding:
 * the guided Gram gathers its features). */
static void
test_region_all_ones (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  g_autoptr (NsMask) ones = ns_mask_new (7, 9);
  for (int i = 0; i < 63; i++)
    ones->values[i] = 1;
  NsStyle plain = { .image = s->stripes, .blend = 1 }, guided = { .image = s->stripes, .blend = 1, .region = ones };
  NsObjective *a = objective_of (&s->tiny.model, content, &plain, 1, IN_W, IN_H, 0, 0, 0);
  NsObjective *b = objective_of (&s->tiny.model, content, &guided, 1, IN_W, IN_H, 0, 0, 0);
  g_assert_null (a->groups[0].region);
  g_assert_nonnull (b->groups[0].masks[0]);
  assert_same_objective (a, b, f->rng, 1e-6, 1e-5, "all-ones region");
}

/* Two styles on two feathered halves: the gradient against central
 * differences; each style's Gram only sees its half. */
static void
test_region_gradient (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  g_autoptr (NsMask) left = ramp_mask (36, 42, TRUE), right = ramp_mask (36, 42, FALSE);
  NsStyle styles[] = { { .image = s->stripes, .blend = 1, .region = left }, { .image = s->noise, .blend = 1, .region = right } };
  NsObjective *o = objective_of (&s->tiny.model, content, styles, 2, IN_W, IN_H, 0, 0, 0);
  g_assert_cmpint (o->n_groups, ==, 2);
  g_assert_cmpfloat (o->groups[0].weight, ==, 1.0);
  assert_objective_gradient (o, f->rng, "two regions");
}

/* Regions resampled to the working size and cut per tile give the untiled
 * objective (the tiny network sees less than the 32 px halo). */
static void
test_region_tiles (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  int w = 160, h = 128;
  g_autoptr (NsImage) content = stripes_image (w / 2, h / 2);
  g_autoptr (NsMask) left = ramp_mask (50, 40, TRUE), right = ramp_mask (50, 40, FALSE);
  NsStyle styles[] = { { .image = s->stripes, .blend = 1, .region = left }, { .image = s->noise, .blend = 2, .region = right } };
  NsObjective *whole = objective_of (&s->tiny.model, content, styles, 2, w, h, 0, 0, 0);
  NsObjective *tiled = objective_of (&s->tiny.model, content, styles, 2, w, h, 32, 32, 0);
  g_assert_cmpint (tiled->plan->n_tiles, >, 4);
  assert_same_objective (whole, tiled, f->rng, 1e-5, 1e-4, "tiled against untiled");
  /* the same on canvases with a margin, one that is not a multiple of the strides too */
  for (int margin = 16; margin > 0; margin -= 11)
    {
      whole = objective_of (&s->tiny.model, content, styles, 2, w, h, 0, 0, margin);
      tiled = objective_of (&s->tiny.model, content, styles, 2, w, h, 32, 32, margin);
      g_assert_cmpint (tiled->plan->n_tiles, >, 4);
      assert_same_objective (whole, tiled, f->rng, 1e-5, 1e-4, "tiled against untiled, with a margin");
    }
}

/* Two styles sharing one region are blended within it: one group. */
static void
test_region_shared (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, IN_W, IN_H);
  g_autoptr (NsMask) left = ramp_mask (36, 42, TRUE);
  NsStyle styles[] = { { .image = s->stripes, .blend = 1, .region = left }, { .image = s->noise, .blend = 3, .region = left } };
  NsObjective *o = objective_of (&s->tiny.model, content, styles, 2, IN_W, IN_H, 0, 0, 0);
  g_assert_cmpint (o->n_groups, ==, 1);
  g_assert_cmpfloat (o->groups[0].weight, ==, 1.0);
  gsize n = (gsize) IN_W * IN_H * 3;
  g_autofree double *x = g_new (double, n), *grad = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double (f->rng);
  g_assert_true (isfinite (ns_objective_evaluate (o, x, grad)));
  ns_objective_free (o);
}

/* Coverage: two feathered complementary regions cover every pixel fully
 * (their sum, not the larger of the two, which would leave the band half
 * covered); a region shared by two styles counts once; a style without a
 * region covers everything. */
static void
test_region_coverage (void)
{
  g_autoptr (NsImage) image = ns_image_new (8, 8);
  g_autoptr (NsMask) left = ramp_mask (40, 20, TRUE), right = ramp_mask (40, 20, FALSE);
  NsStyle halves[] = { { .image = image, .blend = 1, .region = left }, { .image = image, .blend = 1, .region = right } };
  NsMask *coverage = NULL;
  g_assert_true (ns_styles_coverage (halves, 2, 40, 20, &coverage, NULL));
  for (int i = 0; i < 40 * 20; i++)
    g_assert_cmpfloat_with_epsilon (coverage->values[i], 1.0, 1e-6);
  ns_mask_free (coverage);

  NsStyle shared[] = { { .image = image, .blend = 1, .region = left }, { .image = image, .blend = 2, .region = left } };
  g_assert_true (ns_styles_coverage (shared, 2, 40, 20, &coverage, NULL));
  for (int i = 0; i < 40 * 20; i++)
    g_assert_cmpfloat (coverage->values[i], ==, left->values[i]);
  ns_mask_free (coverage);

  NsStyle mixed[] = { { .image = image, .blend = 1, .region = left }, { .image = image, .blend = 1 } };
  g_assert_true (ns_styles_coverage (mixed, 2, 40, 20, &coverage, NULL));
  g_assert_null (coverage);
}

/* An empty region is an error, not a silent no-op. */
static void
test_region_empty (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, 40, 32);
  g_autoptr (NsMask) empty = ns_mask_new (10, 10);
  NsStyle one = { .image = s->stripes, .blend = 1, .region = empty };
  NsParams params;
  ns_params_init (&params);
  GError *error = NULL;
  g_assert_null (ns_stylize_blend (&s->tiny.model, content, &one, 1, &params, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  g_assert_nonnull (strstr (error->message, "region"));
  g_error_free (error);
}

/* Weights that are finite but absurd (as bytes flipped in a shard give)
 * overflow the activations: the run is an error, never a "success" that
 * returns the content. */
static void
test_not_finite_loss (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  for (int i = 0; i < s->net->n_nodes; i++)
    if (s->net->nodes[i].op == &ns_op_conv && s->net->nodes[i].bias)
      s->net->nodes[i].bias[0] = 3e38f;
  g_autoptr (NsImage) content = random_image (f->rng, 40, 32);
  NsParams params;
  ns_params_init (&params);
  params.iterations = 5;
  GError *error = NULL;
  NsImage *result = ns_stylize (&s->tiny.model, content, s->stripes, &params, NULL, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, NS_ERROR, NS_ERROR_WEIGHTS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not a finite number"));
  g_error_free (error);
}

/* Blend weights are checked before any work. */
static void
test_blend_errors (Fixture *f, gconstpointer data)
{
  Scene *s = (Scene *) f;
  g_autoptr (NsImage) content = random_image (f->rng, 40, 32);
  NsParams params;
  ns_params_init (&params);
  struct { NsStyle styles[2]; int n; const char *mention; } cases[] = {
    { { { .image = s->stripes, .blend = 0 }, { .image = s->stripes, .blend = 0 } }, 2, "must not all be 0" },
    { { { .image = s->stripes, .blend = -1 }, { .image = s->stripes, .blend = 2 } }, 2, "0 or more" },
    { { { .image = s->stripes, .blend = NAN }, { .image = s->stripes, .blend = 2 } }, 2, "0 or more" },
    { { { .image = s->stripes, .blend = 1 } }, 0, "1 to 8" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GError *error = NULL;
      g_assert_null (ns_stylize_blend (&s->tiny.model, content, cases[i].styles, cases[i].n, &params, NULL, NULL, NULL,
                                       NULL, &error));
      g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
      g_assert_nonnull (strstr (error->message, cases[i].mention));
      g_error_free (error);
    }
  params.style_scale = 9;
  GError *error = NULL;
  NsStyle one = { .image = s->stripes, .blend = 1 };
  g_assert_null (ns_stylize_blend (&s->tiny.model, content, &one, 1, &params, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  g_assert_nonnull (strstr (error->message, "style scale"));
  g_error_free (error);
}

/* ---- loader errors -------------------------------------------------------- */

static void
assert_load_fails (const char *model_json, int code, const char *mention)
{
  GError *error = NULL;
  NsNetwork *net = ns_network_load_tfjs (model_json, NULL, &error);
  g_assert_null (net);
  g_assert_error (error, NS_ERROR, code);
  g_test_message ("%s", error->message);
  if (mention && !strstr (error->message, mention))
    g_error ("the error “%s” does not mention “%s”", error->message, mention);
  g_error_free (error);
}

static void
test_unsupported_layer (Fixture *f, gconstpointer data)
{
  g_free (mini_net_write (&f->weights, f->folder, DEFECT_LSTM));
  assert_load_fails (f->model_json, NS_ERROR_MODEL, "lstm_1");
  assert_load_fails (f->model_json, NS_ERROR_MODEL, "LSTM");
}

static void
test_missing_shard (Fixture *f, gconstpointer data)
{
  g_autofree char *shard = g_build_filename (f->folder, "group1-shard2of2.bin", NULL);
  g_assert_cmpint (g_remove (shard), ==, 0);
  assert_load_fails (f->model_json, NS_ERROR_WEIGHTS, "group1-shard2of2.bin");
}

static void
test_truncated_shard (Fixture *f, gconstpointer data)
{
  g_autofree char *shard = g_build_filename (f->folder, "group1-shard2of2.bin", NULL);
  g_autofree char *bytes = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (shard, &bytes, &length, NULL));
  g_assert_true (g_file_set_contents (shard, bytes, length - 4, NULL));
  assert_load_fails (f->model_json, NS_ERROR_WEIGHTS, NULL);
  g_assert_true (g_file_set_contents (shard, bytes, 0, NULL));
  assert_load_fails (f->model_json, NS_ERROR_WEIGHTS, NULL);
}

static void
test_nan_weight (Fixture *f, gconstpointer data)
{
  f->weights.conv2b.kernel[100] = NAN;   /* in the straddling tensor */
  g_free (mini_net_write (&f->weights, f->folder, DEFECT_NONE));
  assert_load_fails (f->model_json, NS_ERROR_WEIGHTS, "conv2b/kernel");
}

static void
test_kernel_shape (Fixture *f, gconstpointer data)
{
  g_free (mini_net_write (&f->weights, f->folder, DEFECT_KERNEL_SHAPE));
  assert_load_fails (f->model_json, NS_ERROR_WEIGHTS, "conv2a");
}

static void
test_bad_json (Fixture *f, gconstpointer data)
{
  g_assert_true (g_file_set_contents (f->model_json, "{\"modelTopology\": [1, 2", -1, NULL));
  assert_load_fails (f->model_json, NS_ERROR_MODEL, NULL);
  g_assert_true (g_file_set_contents (f->model_json, "[1, 2, 3]", -1, NULL));
  assert_load_fails (f->model_json, NS_ERROR_MODEL, NULL);
}

/* An empty file parses to no JSON root at all. */
static void
test_empty_json (Fixture *f, gconstpointer data)
{
  g_assert_true (g_file_set_contents (f->model_json, "", -1, NULL));
  assert_load_fails (f->model_json, NS_ERROR_MODEL, NULL);
  GError *error = NULL;
  g_assert_null (ns_model_load (f->model_json, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_MODEL);
  g_error_free (error);
}

static void
test_missing_model (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (g_remove (f->model_json), ==, 0);
  assert_load_fails (f->model_json, NS_ERROR_WEIGHTS, "model.json");
}

/* A valid model that is neither ResNet-50 nor VGG-19 has no recipe. */
static void
test_no_recipe (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  NsModel *model = ns_model_load (f->folder, &error);
  g_assert_null (model);
  g_assert_error (error, NS_ERROR, NS_ERROR_MODEL);
  g_error_free (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_SCENE(path, func) g_test_add_vtable (path, sizeof (Scene), NULL, (GTestFixtureFunc) scene_set_up, \
                                                 (GTestFixtureFunc) func, (GTestFixtureFunc) scene_tear_down)
  ADD ("/network/forward-matches-reference", test_forward);
  ADD ("/network/pruned-to-outputs", test_pruned);
  ADD ("/network/input-gradient", test_input_gradient);
  ADD_SCENE ("/network/objective-gradient", test_objective_gradient);
  ADD_SCENE ("/network/margin-gradient", test_margin_gradient);
  ADD_SCENE ("/network/pixel-term", test_pixel_term);
  ADD_SCENE ("/network/styles/blend-targets", test_blend_targets);
  ADD_SCENE ("/network/styles/one-zero", test_blend_one_zero);
  ADD_SCENE ("/network/styles/gradient", test_blend_gradient);
  ADD_SCENE ("/network/styles/errors", test_blend_errors);
  ADD_SCENE ("/network/regions/all-ones", test_region_all_ones);
  ADD_SCENE ("/network/regions/gradient", test_region_gradient);
  ADD_SCENE ("/network/regions/tiles", test_region_tiles);
  ADD_SCENE ("/network/regions/shared", test_region_shared);
  ADD_SCENE ("/network/regions/empty", test_region_empty);
  g_test_add_func ("/network/regions/coverage", test_region_coverage);
  ADD_SCENE ("/network/errors/not-finite-loss", test_not_finite_loss);
  ADD ("/network/errors/unsupported-layer", test_unsupported_layer);
  ADD ("/network/errors/missing-shard", test_missing_shard);
  ADD ("/network/errors/truncated-shard", test_truncated_shard);
  ADD ("/network/errors/nan-weight", test_nan_weight);
  ADD ("/network/errors/kernel-shape", test_kernel_shape);
  ADD ("/network/errors/not-json", test_bad_json);
  ADD ("/network/errors/missing-model-json", test_missing_model);
  ADD ("/network/errors/no-recipe", test_no_recipe);
  ADD ("/network/errors/empty-json", test_empty_json);
#undef ADD
#undef ADD_SCENE
  return g_test_run ();
}
