/* ns-stylize.c: the public entry point: parameters, initialisation, the
 * coarse-to-fine loop of L-BFGS runs, progress and statistics. */
#include "ns-model.h"
#include "ns-objective.h"
#include "ns-optimizer.h"
#include "ns-schedule.h"
#include "ns-memory.h"

#include <cblas.h>
#include <math.h>
#include <string.h>


void
ns_params_init (NsParams *p)
{
  memset (p, 0, sizeof *p);
  p->content_weight = 1.0;
  p->style_weight = 1.0;
  p->tv_weight = 1.0;
  p->iterations = 300;
  p->size = 0;
  p->init = NS_INIT_CONTENT;
  p->init_noise_ratio = 0.5;
  p->seed = 0;
  p->threads = 0;
  p->schedule = NS_SCHEDULE_MULTISCALE;
}

static gboolean
check_weight (const char *name, double value, GError **error)
{
  if (!isfinite (value) || value < 0 || value > NS_MAX_RELATIVE_WEIGHT)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "%s must be a number from 0 to %g (1 = balanced "
                   "default), not %g", name, NS_MAX_RELATIVE_WEIGHT, value);
      return FALSE;
    }
  return TRUE;
}

gboolean
ns_params_validate (const NsParams *p, GError **error)
{
  if (!check_weight ("content weight", p->content_weight, error)
      || !check_weight ("style weight", p->style_weight, error)
      || !check_weight ("tv weight", p->tv_weight, error))
    return FALSE;
  if (p->content_weight == 0 && p->style_weight == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "content weight and style weight cannot both be 0");
      return FALSE;
    }
  if (p->iterations < 1 || p->iterations > NS_MAX_ITERATIONS)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "iterations must be from 1 to %d, not %d",
                   NS_MAX_ITERATIONS, p->iterations);
      return FALSE;
    }
  if (p->size < 0 || p->size > NS_MAX_SIZE)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "size must be from 0 (the image's own size) to %d "
                   "pixels, not %d", NS_MAX_SIZE, p->size);
      return FALSE;
    }
  if (p->init < NS_INIT_CONTENT || p->init > NS_INIT_BLEND || !(p->init_noise_ratio >= 0 && p->init_noise_ratio <= 1))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "initialisation must be content, noise or blend with a "
                   "noise ratio from 0 to 1");
      return FALSE;
    }
  if (p->threads < 0 || p->threads > 1024 || (p->schedule != NS_SCHEDULE_MULTISCALE && p->schedule != NS_SCHEDULE_SINGLE))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "threads must be from 0 (all cores) to 1024 and the "
                   "schedule multiscale or single");
      return FALSE;
    }
  if (!isfinite (p->memory_limit_mb) || p->memory_limit_mb < 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "the memory limit must be a positive number of MB");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_image (const char *what, const NsImage *image, GError **error)
{
  if (!image || image->width <= 0 || image->height <= 0 || !image->pixels)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "the %s image is empty", what);
      return FALSE;
    }
  return TRUE;
}

/* The first stage's starting point: warm start, content, noise or a blend. */
static void
initial_image (const NsParams *p, const NsImage *content, const NsImage *warm, int w, int h, double *x)
{
  gsize n = (gsize) w * h * 3;
  g_autoptr (NsImage) start = ns_image_resize (warm ? warm : content, w, h);
  double noise = warm ? 0 : p->init == NS_INIT_NOISE ? 1 : p->init == NS_INIT_BLEND ? p->init_noise_ratio : 0;
  GRand *rand = g_rand_new_with_seed (p->seed);
  for (gsize i = 0; i < n; i++)
    {
      double r = noise > 0 ? g_rand_double (rand) : 0;
      x[i] = (1 - noise) * start->pixels[i] + noise * r;
    }
  g_rand_free (rand);
}

/* A stage's start: the content at this size plus the upsampled change the
 * previous stage made to its own content. Upsampling the previous result
 * itself would blur away the content's fine detail, which the finer stage
 * then spends its (few) iterations restoring. */
static void
upsample_stage (const NsImage *content, const double *previous, int pw, int ph, double *next, int w, int h)
{
  g_autoptr (NsImage) change = ns_image_resize (content, pw, ph);
  for (gsize i = 0; i < (gsize) pw * ph * 3; i++)
    change->pixels[i] = (float) previous[i] - change->pixels[i];
  g_autoptr (NsImage) up = ns_image_resize (change, w, h);
  g_autoptr (NsImage) detail = ns_image_resize (content, w, h);
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    next[i] = CLAMP (detail->pixels[i] + up->pixels[i], 0.0f, 1.0f);
}

typedef struct
{
  const NsParams *params;
  NsObjective    *objective;
  NsProgressFunc  progress;
  gpointer        user_data;
  NsProgress      state;
  NsImage        *current;
  GArray         *durations;   /* seconds per iteration */
  gint64          start_time, last_time;
  int             done_before;
  int             evaluations;
} Run;

static double
objective_cb (const double *x, double *grad, gsize n, gpointer data)
{
  Run *run = data;
  run->evaluations++;
  return ns_objective_evaluate (run->objective, x, grad);
}

static gboolean
iteration_cb (const double *x, double fx, int iteration, gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();
  double seconds = (now - run->last_time) / 1e6;
  g_array_append_val (run->durations, seconds);
  run->last_time = now;

  NsProgress *s = &run->state;
  s->iteration = run->done_before + iteration;
  s->loss = fx;
  s->content_loss = run->objective->content_loss;
  s->style_loss = run->objective->style_loss;
  s->tv_loss = run->objective->tv_loss;
  s->seconds = (now - run->start_time) / 1e6;
  if (!run->progress)
    return TRUE;
  gsize n = (gsize) s->width * s->height * 3;
  for (gsize i = 0; i < n; i++)
    run->current->pixels[i] = (float) CLAMP (x[i], 0.0, 1.0);
  s->current = run->current;
  return run->progress (s, run->user_data);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  double *v = (double *) values->data;
  return values->len % 2 ? v[values->len / 2] : 0.5 * (v[values->len / 2 - 1] + v[values->len / 2]);
}

static gboolean
check_memory (const NsModel *model, const NsImage *content, const NsParams *params, GError **error)
{
  if (params->memory_limit_mb <= 0)
    return TRUE;
  NsEstimate estimate;
  ns_estimate (model, content->width, content->height, params, &estimate);
  if (estimate.peak_mb <= params->memory_limit_mb)
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "this size needs about %.0f MB of memory, more than the "
               "%.0f MB available: choose a smaller size", estimate.peak_mb, params->memory_limit_mb);
  return FALSE;
}

NsImage *
ns_stylize (const NsModel *model, const NsImage *content, const NsImage *style, const NsParams *params,
            const NsImage *warm_start, NsProgressFunc progress, gpointer user_data, NsStats *stats,
            GError **error)
{
  if (!ns_params_validate (params, error) || !check_image ("content", content, error)
      || !check_image ("style", style, error) || (warm_start && !check_image ("warm start", warm_start, error))
      || !check_memory (model, content, params, error))
    return NULL;

  const NsRecipe *recipe = model->recipe;
  NsSchedulePlan plan;
  ns_schedule_plan (recipe, params, content->width, content->height, &plan);
  int last = plan.n_stages - 1;
  if (MIN (plan.width[last], plan.height[last]) < NS_MIN_SIDE)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "a %dx%d result is too small: both sides must be at "
                   "least %d pixels", plan.width[last], plan.height[last], NS_MIN_SIDE);
      return NULL;
    }

  Run run = { 0 };
  run.params = params;
  run.progress = progress;
  run.user_data = user_data;
  run.durations = g_array_new (FALSE, FALSE, sizeof (double));
  run.start_time = g_get_monotonic_time ();
  run.state.n_stages = plan.n_stages;
  for (int k = 0; k < plan.n_stages; k++)
    run.state.iterations += plan.iterations[k];

  double *x = NULL;
  NsImage *result = NULL;
  double loss_initial = 0, loss_final = 0;
  gboolean ok = TRUE;
  for (int k = 0; k < plan.n_stages && ok; k++)
    {
      int w = plan.width[k], h = plan.height[k];
      gsize n = (gsize) w * h * 3;
      NsMemoryPlan memory;   /* tiles and L-BFGS history that fit the memory budget */
      ns_memory_plan (model, w, h, params->memory_limit_mb, params->threads, &memory);
      run.objective = ns_objective_new_tiled (model, content, style, w, h,
                                              recipe->content_weight * params->content_weight,
                                              recipe->style_weight * params->style_weight,
                                              recipe->tv_weight * params->tv_weight, memory.tile, memory.halo,
                                              params->threads, error);
      double *next = run.objective ? g_try_malloc (n * sizeof (double)) : NULL;
      run.current = next ? ns_image_new (w, h) : NULL;
      if (!run.current)
        {
          if (run.objective && error && !*error)
            g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for a %dx%d image", w, h);
          ns_objective_free (run.objective);
          g_free (next);
          ok = FALSE;
          break;
        }
      if (k == 0)
        initial_image (params, content, warm_start, w, h, next);
      else
        {
          upsample_stage (content, x, plan.width[k - 1], plan.height[k - 1], next, w, h);
        }
      g_free (x);
      x = next;
      if (k == plan.n_stages - 1 && stats)
        {
          /* The content image's loss at full size: the reference for the loss ratio. */
          g_autofree double *c = g_new (double, n), *g = g_new (double, n);
          g_autoptr (NsImage) resized = ns_image_resize (content, w, h);
          for (gsize i = 0; i < n; i++)
            c[i] = resized->pixels[i];
          loss_initial = ns_objective_evaluate (run.objective, c, g);
        }
      run.state.stage = k;
      run.state.width = w, run.state.height = h;
      run.last_time = g_get_monotonic_time ();
      NsOptimizerParams op = { plan.iterations[k], memory.history };
      int done = 0;
      NsOptimizerResult r = ns_optimize (x, n, &op, objective_cb, iteration_cb, &run, &loss_final, &done);
      run.done_before += done;
      if (r == NS_OPTIMIZER_STOPPED)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_CANCELLED, "cancelled");
          ok = FALSE;
        }
      else if (r == NS_OPTIMIZER_FAILED)
        g_warning ("L-BFGS could not make progress at %dx%d; keeping the best image so far", w, h);
      if (ok && k == plan.n_stages - 1)
        {
          result = run.current;
          run.current = NULL;
          for (gsize i = 0; i < n; i++)
            result->pixels[i] = (float) CLAMP (x[i], 0.0, 1.0);
          if (stats)
            {
              /* Evaluate once more so that the reported terms belong to the result. */
              g_autofree double *g = g_new (double, n);
              loss_final = ns_objective_evaluate (run.objective, x, g);
              stats->content_loss = run.objective->content_loss;
              stats->style_loss = run.objective->style_loss;
              stats->tv_loss = run.objective->tv_loss;
            }
        }
      ns_image_free (run.current);
      ns_objective_free (run.objective);
    }
  g_free (x);
  if (stats && result)
    {
      stats->iterations = run.done_before;
      stats->seconds = (g_get_monotonic_time () - run.start_time) / 1e6;
      stats->seconds_per_iteration = median (run.durations);
      stats->loss_initial = loss_initial;
      stats->loss_final = loss_final;
      stats->peak_rss_mb = ns_peak_rss_mb ();
      stats->evaluations = run.evaluations;
    }
  g_array_unref (run.durations);
  return result;
}
