/* test-vgg19.c: the VGG-19 path, on a Keras VGG-19 tfjs model with synthetic
 * weights of the real shapes (tests/make-synthetic-vgg19.py):
 *   - ns_model_load() picks the "vgg19" recipe and keeps its layers;
 *   - the engine's activations of block1_conv1, block3_conv1 and block5_conv1
 *     match the independent PyTorch reading (tests/test-torch-reference.py);
 *   - the style-transfer objective and its gradient through the whole
 *     network match a float64 PyTorch evaluation (tests/torch-objective.py);
 *   - the load measures the machine's SGEMM rate, and ns_estimate() scales
 *     the network's share of its time by it.
 *
 * usage: test-vgg19 PYTHON MAKE_SYNTHETIC_VGG19 TEST_TORCH_REFERENCE TORCH_OBJECTIVE DUMP_TOOL */
#include "ns-objective.h"

#include <cblas.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

typedef struct
{
  const char *python, *generator, *torch_reference, *torch_objective, *dump_tool;
  char       *folder;       /* the synthetic model */
  char       *model_json;
} Setup;

/* Runs argv; returns its exit status, with stdout and stderr in *output. */
static int
run (const char *const *argv, char **output)
{
  GError *error = NULL;
  int status;
  g_autofree char *out = NULL, *err = NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  *output = g_strconcat (out, err, NULL);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static void
remove_folder (const char *folder)
{
  GDir *dir = g_dir_open (folder, 0, NULL);
  for (const char *name; dir && (name = g_dir_read_name (dir));)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_remove (path);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (folder);
}

static void
test_recipe (gconstpointer data)
{
  const Setup *s = data;
  GError *error = NULL;
  g_autoptr (NsModel) model = ns_model_load (s->folder, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ns_model_name (model), ==, "vgg19");
  const NsRecipe *recipe = model->recipe;
  g_assert_cmpint (recipe->n_style, ==, 5);
  g_assert_cmpint (recipe->n_content, ==, 1);
  for (int i = 0; i < recipe->n_style; i++)
    {
      /* conv1 of every block, with its ReLU (the Gatys layers) */
      g_autofree char *expected = g_strdup_printf ("block%d_conv1", i + 1);
      const NsNode *node = &model->net->nodes[model->style_nodes[i]];
      g_assert_cmpstr (node->name, ==, expected);
      g_assert_true (node->op == &ns_op_conv);
      g_assert_true (node->relu);
    }
  g_assert_cmpstr (model->net->nodes[model->content_nodes[0]].name, ==, "block4_conv2");
  /* input, 13 convolutions up to block5_conv1 and 4 poolings: nothing beyond */
  g_assert_cmpint (model->net->n_nodes, ==, 18);
}

/* Loading measures nothing and leaves OpenBLAS' thread count alone; the
 * first estimate measures the SGEMM rate. Twice that rate: the network's
 * time halves, the serial per-pixel work stays, so a 512 px run takes
 * between half and all of the time; a failed probe (rate 0) gives the
 * calibration machine's rate. */
static void
test_estimate_speed (gconstpointer data)
{
  const Setup *s = data;
  GError *error = NULL;
  openblas_set_num_threads (2);
  int blas_threads = openblas_get_num_threads ();
  g_autoptr (NsModel) model = ns_model_load (s->folder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (openblas_get_num_threads (), ==, blas_threads);
  g_assert_cmpuint (model->gemm_measured, ==, 0);
  NsParams params;
  ns_params_init (&params);
  params.size = 512;
  params.threads = 1;
  NsEstimate measured, faster, unmeasured;
  ns_estimate (model, 1024, 768, &params, &measured);
  g_assert_cmpuint (model->gemm_measured, !=, 0);
  g_assert_cmpfloat (model->gemm_gflops, >, 0.1);   /* even a slow core does more */
  g_assert_cmpfloat (model->gemm_gflops, <, 1e5);
  g_assert_cmpint (openblas_get_num_threads (), ==, 1);   /* as neural-style.h says */
  model->gemm_gflops *= 2;
  ns_estimate (model, 1024, 768, &params, &faster);
  g_assert_cmpfloat (faster.seconds, <, 0.9 * measured.seconds);
  g_assert_cmpfloat (faster.seconds, >, 0.5 * measured.seconds);
  g_assert_cmpfloat (faster.peak_mb, ==, measured.peak_mb);
  /* 99 GFLOP/s per thread = 95.2 measured (the engine's 1.04x) */
  model->gemm_gflops = 99.0 / 1.04;
  ns_estimate (model, 1024, 768, &params, &measured);
  model->gemm_gflops = 0;
  ns_estimate (model, 1024, 768, &params, &unmeasured);
  g_assert_cmpfloat (fabs (unmeasured.seconds / measured.seconds - 1), <, 1e-9);
}

/* A smooth colour pattern with some texture, saved as PNG for both sides. */
static char *
write_test_png (const char *folder)
{
  const int w = 64, h = 48;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        pixels[y * stride + x * 3 + c] = (guchar) (127.5 + 120 * sin (0.21 * x * (c + 1) + 0.13 * y * (3 - c)));
  char *path = g_build_filename (folder, "pattern.png", NULL);
  GError *error = NULL;
  if (!gdk_pixbuf_save (pixbuf, path, "png", &error, NULL))
    g_error ("%s", error->message);
  return path;
}

static void
test_torch_reference (gconstpointer data)
{
  const Setup *s = data;
  g_autofree char *png = write_test_png (s->folder);
  const char *argv[] = { s->python, s->torch_reference, s->dump_tool, s->model_json, png,
                         "--layers", "block1_conv1,block3_conv1,block5_conv1", "--size", "64x48", NULL };
  g_autofree char *output = NULL;
  int status = run (argv, &output);
  g_test_message ("%s", output);
  g_remove (png);
  if (status == 77)
    g_test_skip (output);
  else if (status != 0)
    g_test_fail_printf ("the torch reference comparison failed:\n%s", output);
}

static void
write_doubles (const char *folder, const char *name, const double *values, gsize n)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  GError *error = NULL;
  if (!g_file_set_contents (path, (const char *) values, n * sizeof (double), &error))
    g_error ("%s", error->message);
}

static void
append_names (GString *json, const char *member, const NsTap *taps, int n)
{
  g_string_append_printf (json, "\"%s\": [", member);
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpfloat (taps[i].weight, ==, 1.0);   /* torch-objective.py weighs layers equally */
      g_string_append_printf (json, "%s\"%s\"", i ? ", " : "", taps[i].name);
    }
  g_string_append (json, "], ");
}

/* The objective with the vgg19 recipe (Gram style on five layers, content on
 * block4_conv2, TV) through all 13 convolutions, on a small random image,
 * against a float64 PyTorch evaluation (tests/torch-objective.py): loss
 * terms, the whole gradient against autograd, and a few coordinates against
 * central differences of the float64 objective.
 *
 * Difference quotients of the engine's own float32 objective cannot reach
 * 1e-3 here: rounding moves the loss by ~1e-7 of itself, a single pixel moves
 * it by ~1e-4 of itself per unit, and this deep random-weight network changes
 * ReLU pattern within a fraction of a grey level, so no step is both above
 * the rounding and below the kinks. In float64 a step of 1e-6 is both. */
static void
test_objective_gradient (gconstpointer data)
{
  const Setup *s = data;
  GError *error = NULL;
  g_autoptr (NsModel) model = ns_model_load (s->folder, &error);
  g_assert_no_error (error);
  const int w = 32, h = 24;
  gsize n = (gsize) w * h * 3;
  GRand *rng = g_rand_new_with_seed (19);
  g_autoptr (NsImage) content = ns_image_new (w, h);
  g_autoptr (NsImage) style = ns_image_new (w, h);
  g_autofree double *x = g_new (double, n), *grad = g_new (double, n);
  g_autofree double *content64 = g_new (double, n), *style64 = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      content->pixels[i] = (float) g_rand_double (rng);
      style->pixels[i] = (float) (0.5 + 0.45 * sin (0.3 * i));
      content64[i] = content->pixels[i], style64[i] = style->pixels[i];
      x[i] = (float) g_rand_double_range (rng, 0.05, 0.95);   /* float-exact: both sides see the same */
    }
  /* The same size as the working size: neither image is resampled. */
  NsObjective *o = ns_objective_new (model, content, style, w, h, 1, 1, 1, 0, &error);
  g_assert_no_error (error);
  ns_objective_evaluate (o, x, grad);
  g_assert_cmpfloat (o->content_loss, >, 0);
  g_assert_cmpfloat (o->style_loss, >, 0);
  o->content_weight /= o->content_loss;   /* each term 1 at x, a third of the gradient */
  o->style_weight /= o->style_loss;
  o->tv_weight /= o->tv_loss;
  ns_objective_evaluate (o, x, grad);

  const NsRecipe *recipe = model->recipe;
  GString *json = g_string_new ("{");
  g_string_append_printf (json, "\"width\": %d, \"height\": %d, ", w, h);
  append_names (json, "style_layers", recipe->style, recipe->n_style);
  append_names (json, "content_layers", recipe->content, recipe->n_content);
  g_string_append_printf (json, "\"content_weight\": %.17g, \"style_weight\": %.17g, \"tv_weight\": %.17g, "
                          "\"tv_epsilon\": %.17g, \"engine_content\": %.17g, \"engine_style\": %.17g, "
                          "\"engine_tv\": %.17g, \"coords\": [", o->content_weight, o->style_weight, o->tv_weight,
                          recipe->tv_epsilon, o->content_loss, o->style_loss, o->tv_loss);
  for (int k = 0; k < 8; k++)
    g_string_append_printf (json, "%s%d", k ? ", " : "", g_rand_int_range (rng, 0, (int) n));
  g_string_append (json, "]}");
  g_autofree char *params = g_build_filename (s->folder, "params.json", NULL);
  g_assert_true (g_file_set_contents (params, json->str, -1, NULL));
  g_string_free (json, TRUE);
  write_doubles (s->folder, "x.f64", x, n);
  write_doubles (s->folder, "grad.f64", grad, n);
  write_doubles (s->folder, "content.f64", content64, n);
  write_doubles (s->folder, "style.f64", style64, n);

  const char *argv[] = { s->python, s->torch_objective, s->model_json, s->folder, NULL };
  g_autofree char *output = NULL;
  int status = run (argv, &output);
  g_test_message ("%s", output);
  if (status == 77)
    g_test_skip (output);
  else if (status != 0)
    g_test_fail_printf ("the engine's objective differs from the float64 torch reference:\n%s", output);
  ns_objective_free (o);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 6)
    g_error ("usage: test-vgg19 PYTHON MAKE_SYNTHETIC_VGG19 TEST_TORCH_REFERENCE TORCH_OBJECTIVE DUMP_TOOL");
  Setup s = { argv[1], argv[2], argv[3], argv[4], argv[5], NULL, NULL };
  GError *error = NULL;
  s.folder = g_dir_make_tmp ("ns-test-vgg19-XXXXXX", &error);
  g_assert_no_error (error);
  s.model_json = g_build_filename (s.folder, "model.json", NULL);
  const char *generate[] = { s.python, s.generator, s.folder, NULL };
  g_autofree char *output = NULL;
  if (run (generate, &output) != 0)
    g_error ("%s failed:\n%s", s.generator, output);

  g_test_add_data_func ("/vgg19/recipe", &s, test_recipe);
  g_test_add_data_func ("/vgg19/torch-reference", &s, test_torch_reference);
  g_test_add_data_func ("/vgg19/objective-gradient", &s, test_objective_gradient);
  g_test_add_data_func ("/vgg19/estimate-speed", &s, test_estimate_speed);
  int status = g_test_run ();
  remove_folder (s.folder);
  g_free (s.folder);
  g_free (s.model_json);
  return status;
}
