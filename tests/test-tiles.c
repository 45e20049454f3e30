/* test-tiles.c: tiled evaluation of the style-transfer objective.
 *   - tile plans: the cores cover every pixel exactly once, windows hold
 *     their core plus the halo (or reach the border), edges are aligned and
 *     there are at most two window sizes per axis;
 *   - on the real ResNet-50 weights: the tiled loss and gradient match the
 *     untiled ones within the halo-truncation bounds measured in
 *     docs/tiling.md, and with no halo they do not (the check is sensitive);
 *   - the memory plan keeps a 3840x2160 stage under 4 GB, and a photo run
 *     (its detail stage) within issue 13's bounds.
 * The model tests skip only when the weights are absent (test-model.h); the
 * photographs come from the set-up (test-images.h). */
#include "ns-objective.h"
#include "ns-memory-plan.h"
#include "test-images.h"
#include "test-model.h"

#include <math.h>
#include <string.h>

static void
check_plan (int width, int height, int tile, int halo)
{
  g_autoptr (NsTilePlan) plan = ns_tile_plan_new (width, height, tile, halo);
  g_autofree guint8 *covered = g_new0 (guint8, (gsize) width * height);
  int widths[8], heights[8], n_widths = 0, n_heights = 0;
  for (int t = 0; t < plan->n_tiles; t++)
    {
      NsRect c = plan->tiles[t].core, w = plan->tiles[t].window;
      g_assert_cmpint (w.x0, <=, c.x0);
      g_assert_cmpint (w.y0, <=, c.y0);
      g_assert_cmpint (c.x1, <=, w.x1);
      g_assert_cmpint (c.y1, <=, w.y1);
      g_assert_cmpint (w.x0, >=, 0);
      g_assert_cmpint (w.y0, >=, 0);
      g_assert_cmpint (w.x1, <=, width);
      g_assert_cmpint (w.y1, <=, height);
      /* The halo is there unless the window reaches the border. */
      g_assert_true (w.x0 == 0 || c.x0 - w.x0 >= halo);
      g_assert_true (w.y0 == 0 || c.y0 - w.y0 >= halo);
      g_assert_true (w.x1 == width || w.x1 - c.x1 >= halo);
      g_assert_true (w.y1 == height || w.y1 - c.y1 >= halo);
      /* Feature grids line up: window starts and interior core edges aligned. */
      g_assert_cmpint (w.x0 % NS_TILE_ALIGN, ==, 0);
      g_assert_cmpint (w.y0 % NS_TILE_ALIGN, ==, 0);
      g_assert_cmpint (c.x0 % NS_TILE_ALIGN, ==, 0);
      g_assert_cmpint (c.y0 % NS_TILE_ALIGN, ==, 0);
      g_assert_true (c.x1 == width || c.x1 % NS_TILE_ALIGN == 0);
      g_assert_true (c.y1 == height || c.y1 % NS_TILE_ALIGN == 0);
      for (int y = c.y0; y < c.y1; y++)
        for (int x = c.x0; x < c.x1; x++)
          covered[(gsize) y * width + x]++;
      int ww = w.x1 - w.x0, wh = w.y1 - w.y0, k;
      for (k = 0; k < n_widths && widths[k] != ww; k++);
      if (k == n_widths)
        widths[n_widths++] = ww;
      for (k = 0; k < n_heights && heights[k] != wh; k++);
      if (k == n_heights)
        heights[n_heights++] = wh;
      /* Equal window sizes are adjacent in the plan. */
      if (t > 0)
        {
          NsRect p = plan->tiles[t - 1].window;
          g_assert_true (p.x1 - p.x0 <= ww);
        }
    }
  for (gsize i = 0; i < (gsize) width * height; i++)
    g_assert_cmpint (covered[i], ==, 1);
  g_assert_cmpint (n_widths, <=, 2);
  g_assert_cmpint (n_heights, <=, 2);
  if (tile <= 0)
    g_assert_cmpint (plan->n_tiles, ==, 1);
  else if (width > tile + 2 * halo + NS_TILE_ALIGN - 1)
    g_assert_cmpint (plan->n_tiles, >, 1);
}

static void
test_plan (void)
{
  const int sizes[][4] = {
    { 256, 192, 64, 64 }, { 256, 192, 64, 32 }, { 256, 192, 32, 96 }, { 3840, 2160, 416, 96 },
    { 1000, 777, 128, 64 }, { 1001, 33, 64, 0 }, { 97, 95, 32, 32 }, { 640, 480, 0, 0 }, { 2715, 1527, 352, 128 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_plan (sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3]);
}

static NsModel *model;
static char *skip_reason;   /* why model is NULL: the weights are missing */

/* FALSE, the test skipped, without the weights. */
static gboolean
have_model (void)
{
  if (!model)
    g_test_skip (skip_reason);
  return model != NULL;
}

typedef struct
{
  const NsModel *model;
  NsImage       *content, *style;
  double        *x;
  int            width, height;
} Fixture;

static gboolean
setup (Fixture *f, int width, int height)
{
  memset (f, 0, sizeof *f);
  if (!have_model ())
    return FALSE;
  f->model = model;
  f->content = test_image_load (TEST_CONTENT_IMAGE);
  f->style = test_image_load (TEST_STYLE_IMAGE);
  /* The content with some noise, as during an optimisation. */
  f->width = width, f->height = height;
  g_autoptr (NsImage) resized = ns_image_resize (f->content, width, height);
  GRand *rng = g_rand_new_with_seed (7);
  gsize n = (gsize) width * height * 3;
  f->x = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    f->x[i] = CLAMP (resized->pixels[i] + 0.1 * (g_rand_double (rng) - 0.5), 0, 1);
  g_rand_free (rng);
  return TRUE;
}

static void
teardown (Fixture *f)
{
  ns_image_free (f->content);
  ns_image_free (f->style);
  g_free (f->x);
}

typedef struct
{
  double loss, content, style, tv;
  double *grad;
  int     n_tiles;
} Evaluation;

static void
evaluate (Fixture *f, int tile, int halo, Evaluation *e)
{
  g_autoptr (GError) error = NULL;
  NsObjective *o = ns_objective_new_tiled (f->model, f->content, f->style, f->width, f->height, 1, 1e6, 1, tile,
                                           halo, 0, &error);
  g_assert_no_error (error);
  e->grad = g_new (double, (gsize) f->width * f->height * 3);
  e->loss = ns_objective_evaluate (o, f->x, e->grad);
  e->content = o->content_loss, e->style = o->style_loss, e->tv = o->tv_loss;
  e->n_tiles = o->plan->n_tiles;
  ns_objective_free (o);
}

static double
relative (double got, double want)
{
  return fabs (got - want) / fabs (want);
}

static double
relative_l2 (const double *got, const double *want, gsize n)
{
  double d = 0, w = 0;
  for (gsize i = 0; i < n; i++)
    d += (got[i] - want[i]) * (got[i] - want[i]), w += want[i] * want[i];
  return sqrt (d / w);
}

/* Tiled evaluation with this tile and halo against the untiled one. */
static void
compare (Fixture *f, const Evaluation *whole, int tile, int halo, double *loss_error, double *grad_error)
{
  Evaluation e;
  evaluate (f, tile, halo, &e);
  g_assert_cmpint (e.n_tiles, >, 1);
  *loss_error = relative (e.loss, whole->loss);
  *grad_error = relative_l2 (e.grad, whole->grad, (gsize) f->width * f->height * 3);
  g_test_message ("%dx%d, tile %d, halo %d, %d tiles: loss rel. error %.2e (content %.2e, style %.2e), "
                  "gradient rel. L2 error %.2e", f->width, f->height, tile, halo, e.n_tiles, *loss_error,
                  relative (e.content, whole->content), relative (e.style, whole->style), *grad_error);
  /* TV is computed on the whole image either way. */
  g_assert_cmpfloat (e.tv, ==, whole->tv);
  g_free (e.grad);
}

static void
test_tiled_objective (void)
{
  Fixture f;
  if (!setup (&f, 256, 192))
    return;
  Evaluation whole;
  evaluate (&f, 0, 0, &whole);
  g_assert_cmpint (whole.n_tiles, ==, 1);
  double loss_error, grad_error;

  /* Bounds: what dog.jpg and scream.jpg measure (in the comments), with the
   * margins the first bounds had over the tubingen/starry_night measurements
   * of docs/tiling.md. These pictures truncate less than those, so the
   * bounds are tighter than the document's numbers. */
  compare (&f, &whole, 64, 64, &loss_error, &grad_error);   /* 1.6e-6, 4.2e-4 */
  g_assert_cmpfloat (loss_error, <, 2e-4);
  g_assert_cmpfloat (grad_error, <, 1.5e-3);

  /* A thin halo with both axes split: worse, but no gross misplacement. */
  compare (&f, &whole, 64, 32, &loss_error, &grad_error);   /* 8.5e-6, 3.8e-3 */
  g_assert_cmpfloat (loss_error, <, 2e-5);
  g_assert_cmpfloat (grad_error, <, 8e-3);

  /* The default halo. */
  compare (&f, &whole, 32, NS_TILE_HALO, &loss_error, &grad_error);   /* 3.1e-7, 1.2e-4 */
  g_assert_cmpfloat (loss_error, <, 1e-4);
  g_assert_cmpfloat (grad_error, <, 8e-4);

  /* Without a halo tiles miss their neighbours: the comparison must see it. */
  compare (&f, &whole, 64, 0, &loss_error, &grad_error);   /* 1.5e-3, 0.11 */
  g_assert_cmpfloat (grad_error, >, 0.03);
  g_free (whole.grad);
  teardown (&f);
}

static void
test_memory_plan (void)
{
  if (!have_model ())
    return;
  NsMemoryPlan small, large, tight;
  ns_memory_plan (model, 512, 384, 512, 384, NS_DEFAULT_MEMORY_MB, 2, &small);
  g_assert_cmpint (small.tile, ==, 0);
  g_assert_cmpint (small.history, ==, 8);
  g_assert_cmpfloat (small.peak_mb, <, 1000);

  ns_memory_plan (model, 3840, 2160, 3840, 2160, NS_DEFAULT_MEMORY_MB, 2, &large);
  g_test_message ("3840x2160: tile %d, halo %d, history %d, predicted peak %.0f MB", large.tile, large.halo,
                  large.history, large.peak_mb);
  g_assert_cmpint (large.tile, >=, 64);
  g_assert_cmpint (large.tile % NS_TILE_ALIGN, ==, 0);
  g_assert_cmpint (large.history, >=, 2);
  g_assert_cmpfloat (large.peak_mb, <=, NS_DEFAULT_MEMORY_MB);

  /* A smaller budget gives smaller tiles or a shorter history. */
  ns_memory_plan (model, 3840, 2160, 3840, 2160, 3500, 2, &tight);
  g_assert_cmpfloat (tight.peak_mb, <=, 3500);
  g_assert_true (tight.tile < large.tile || tight.history < large.history);
}

/* A photo at its own size (the detail stage, ns-schedule.h): the plan's
 * peak holds at least the three images of the photo's size that must
 * exist (the caller's content, the run's copy, the result) and stays
 * within issue 13's bounds: 1.5 GB at 1920x1080, 2.5 GB at 4000x3000. */
static void
test_photo_plan (void)
{
  if (!have_model ())
    return;
  static const int sizes[][2] = { { 1920, 1080 }, { 4000, 3000 }, { 3000, 4000 } };
  static const double bounds_mb[] = { 1536, 2560, 2560 };
  for (int i = 0; i < 3; i++)
    {
      int w = sizes[i][0], h = sizes[i][1];
      NsParams params;
      ns_params_init (&params);
      params.threads = 2;
      NsRunPlan plan;
      ns_run_plan (model, &params, w, h, (double) w / h, 0, &plan);
      int last = plan.schedule.n_stages - 1;
      double images_mb = 3.0 * w * h * 3 * sizeof (float) / NS_BYTES_PER_MB;
      g_test_message ("%dx%d: %d stages, the detail stage %.0f MB, the run's peak %.0f MB", w, h,
                      plan.schedule.n_stages, plan.memory[last].peak_mb, plan.peak_mb);
      g_assert_cmpint (plan.schedule.width[last], ==, w);
      g_assert_cmpint (plan.schedule.iterations[last], ==, 0);
      g_assert_cmpfloat (plan.memory[last].peak_mb, >=, images_mb);
      g_assert_cmpfloat (plan.peak_mb, >=, plan.memory[last].peak_mb);
      g_assert_cmpfloat (plan.peak_mb, <=, bounds_mb[i]);
      for (int k = 0; k < last; k++)
        g_assert_cmpint (plan.memory[k].tile, ==, 0);   /* 512 px stages fit whole */
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  model = test_model_load (&skip_reason);
  g_test_add_func ("/tiles/plan", test_plan);
  g_test_add_func ("/tiles/memory-plan", test_memory_plan);
  g_test_add_func ("/tiles/photo-plan", test_photo_plan);
  g_test_add_func ("/tiles/objective", test_tiled_objective);
  int status = g_test_run ();
  ns_model_free (model);
  g_free (skip_reason);
  return status;
}
