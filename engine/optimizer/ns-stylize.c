/* ns-stylize.c: the public entry point: checks, the run plan (stages and
 * memory, ns-memory-plan.h), initialisation, the coarse-to-fine loop of
 * L-BFGS runs, progress and statistics. */
#include "ns-model.h"
#include "ns-objective.h"
#include "ns-optimizer.h"
#include "ns-memory-plan.h"
#include "ns-memory.h"
#include "ns-finish.h"
#include "ns-colors.h"
#include "ns-upsample.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

static gboolean
check_image (const NsImage *image, const char *empty_message, GError **error)
{
  if (!image || image->width <= 0 || image->height <= 0 || !image->pixels)
    {
      g_set_error_literal (error, NS_ERROR, NS_ERROR_IMAGE, empty_message);
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

/* A stage's start: the previous stage's result brought up to this size
 * (ns-upsample.h). */
static gboolean
upsample_stage (const NsImage *content, const double *previous, int pw, int ph, double *next, int w, int h)
{
  g_autoptr (NsImage) up = ns_upsample_change (content, previous, pw, ph, w, h);
  if (!up)
    return FALSE;
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    next[i] = up->pixels[i];
  return TRUE;
}

/* The detail stage (iterations 0, ns-schedule.h): the last optimised
 * stage's result brought up to the final size, finished. */
static NsImage *
detail_stage (const NsParams *params, const NsImage *original, const NsImage *content, const NsStyle *styles,
              int n_styles, const double *x, int pw, int ph, int w, int h, GError **error)
{
  g_autoptr (NsImage) result = ns_upsample_change (content, x, pw, ph, w, h);
  g_autoptr (NsFinish) finish = result ? ns_finish_new (params->preserve_colors, original, styles, n_styles,
                                                        w, h, error) : NULL;
  if (!finish)
    {
      if (error && !*error)
        g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), w, h);
      return NULL;
    }
  ns_finish_apply (finish, result);
  return g_steal_pointer (&result);
}

typedef struct
{
  const NsParams *params;
  NsObjective    *objective;
  NsFinish       *finish;      /* this stage's colours and regions */
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
  return ns_objective_evaluate (run->objective, x, grad);   /* NaN if it failed; the optimiser stops */
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
  ns_finish_apply (run->finish, run->current);
  s->current = run->current;
  return run->progress (s, run->user_data);
}

/* The images the optimiser works against, after the colour mode
 * (ns-colors.h): the content, the styles (their blends, regions and areas
 * kept) and the warm start. */
typedef struct
{
  NsImage *content, *warm_start, *images[NS_MAX_STYLES];
  NsStyle  styles[NS_MAX_STYLES];
} Prepared;

static void
prepared_clear (Prepared *p)
{
  ns_image_free (p->content);
  ns_image_free (p->warm_start);
  for (int r = 0; r < NS_MAX_STYLES; r++)
    ns_image_free (p->images[r]);
}

static gboolean
prepare (const NsParams *params, const NsImage *content, const NsStyle *styles, int n_styles,
         const NsImage *warm_start, Prepared *p, GError **error)
{
  for (int r = 0; r < n_styles; r++)
    p->styles[r] = styles[r];
  if (params->preserve_colors == NS_COLORS_STYLE)
    return TRUE;   /* the images as they are: no copies */
  const NsImage *originals[NS_MAX_STYLES];
  for (int r = 0; r < n_styles; r++)
    originals[r] = styles[r].image;
  if (!ns_colors_prepare (params->preserve_colors, content, originals, n_styles, &p->content, p->images, error))
    return FALSE;
  for (int r = 0; r < n_styles; r++)
    p->styles[r].image = p->images[r];
  /* A warm start in colour (the preview's last frame) goes grey too. */
  return !warm_start || params->preserve_colors != NS_COLORS_LUMINANCE
         || ns_colors_prepare (params->preserve_colors, warm_start, NULL, 0, &p->warm_start, NULL, error);
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

/* A stage's objective, finish and current image (FALSE with error set,
 * nothing held), and their end. */
static void
stage_end (Run *run)
{
  g_clear_pointer (&run->current, ns_image_free);
  g_clear_pointer (&run->objective, ns_objective_free);
  g_clear_pointer (&run->finish, ns_finish_free);
}

static gboolean
stage_begin (Run *run, const NsModel *model, const NsObjectiveSetup *setup, const NsImage *original, int w, int h,
             GError **error)
{
  run->objective = ns_objective_create (model, setup, w, h, error);
  run->finish = run->objective ? ns_finish_new (run->params->preserve_colors, original, setup->styles,
                                                setup->n_styles, w, h, error)
                               : NULL;
  run->current = run->finish ? ns_image_new (w, h) : NULL;
  if (run->current)
    return TRUE;
  if (run->finish)
    g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), w, h);
  stage_end (run);
  return FALSE;
}

/* The styles' check, and the aspect of the one whose pass is largest. */
static gboolean
check_styles (const NsStyle *styles, int n_styles, double *aspect, GError **error)
{
  if (n_styles < 1 || n_styles > NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("give 1 to %d style images, not %d"), NS_MAX_STYLES, n_styles);
      return FALSE;
    }
  double total = 0, squarest = 0;
  for (int r = 0; r < n_styles; r++)
    {
      if (!check_image (styles[r].image, _("the style image is empty"), error))
        return FALSE;
      if (!isfinite (styles[r].blend) || styles[r].blend < 0)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("style blend weights must be numbers of 0 or more, "
                       "not %g"), styles[r].blend);
          return FALSE;
        }
      total += styles[r].blend;
      double a = (double) styles[r].image->width / styles[r].image->height;
      if (styles[r].blend > 0 && MIN (a, 1 / a) > squarest)
        squarest = MIN (a, 1 / a), *aspect = a;
    }
  if (!(total > 0))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the style blend weights must not all be 0"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_memory (const NsRunPlan *plan, const NsParams *params, GError **error)
{
  if (params->memory_limit_mb <= 0 || plan->peak_mb <= params->memory_limit_mb)
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("this size needs about %.0f MB of memory, more than the "
               "%.0f MB available: choose a smaller size"), plan->peak_mb, params->memory_limit_mb);
  return FALSE;
}

/* Why the optimiser ended a stage, as an error (FALSE) or not. */
static gboolean
check_stage_end (Run *run, NsOptimizerResult result, int w, int h, GError **error)
{
  if (run->objective->error)
    {
      g_propagate_error (error, g_steal_pointer (&run->objective->error));
      return FALSE;
    }
  if (result == NS_OPTIMIZER_STOPPED)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_CANCELLED, _("cancelled"));
      return FALSE;
    }
  if (result == NS_OPTIMIZER_NOT_FINITE)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("the loss at %dx%d is not a finite number: the network "
                   "weights are probably corrupt. %s"), w, h, ns_weights_fetch_hint ());
      return FALSE;
    }
  /* NS_OPTIMIZER_FAILED: no step could lower the loss (e.g. a zero style
   * weight from the content): the best image so far stands. */
  return TRUE;
}

NsImage *
ns_stylize (const NsModel *model, const NsImage *content, const NsImage *style, const NsParams *params,
            const NsImage *warm_start, NsProgressFunc progress, gpointer user_data, NsStats *stats,
            GError **error)
{
  NsStyle one = { .image = style, .blend = 1.0 };
  return ns_stylize_blend (model, content, &one, 1, params, warm_start, progress, user_data, stats, error);
}

NsImage *
ns_stylize_blend (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                  const NsParams *params, const NsImage *warm_start, NsProgressFunc progress, gpointer user_data,
                  NsStats *stats, GError **error)
{
  double style_aspect = 1;
  if (!ns_params_validate (params, error) || !check_image (content, _("the content image is empty"), error)
      || !check_styles (styles, n_styles, &style_aspect, error)
      || (warm_start && !check_image (warm_start, _("the warm start image is empty"), error)))
    return NULL;

  const NsRecipe *recipe = model->recipe;
  NsRunPlan run_plan;
  ns_run_plan (model, params, content->width, content->height, style_aspect, &run_plan);
  const NsSchedulePlan *plan = &run_plan.schedule;
  int final = plan->n_stages - 1;
  int last = plan->iterations[final] > 0 ? final : final - 1;   /* the last optimised stage */
  if (MIN (plan->width[final], plan->height[final]) < NS_MIN_SIDE)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("a %dx%d result is too small: both sides must be at "
                   "least %d pixels"), plan->width[final], plan->height[final], NS_MIN_SIDE);
      return NULL;
    }
  Prepared prepared = { 0 };
  if (!check_memory (&run_plan, params, error)
      || !prepare (params, content, styles, n_styles, warm_start, &prepared, error))
    {
      prepared_clear (&prepared);
      return NULL;
    }
  const NsImage *original = content;   /* the finish takes the content's colours from it */
  if (prepared.content)
    content = prepared.content;
  styles = prepared.styles;
  if (prepared.warm_start)
    warm_start = prepared.warm_start;

  Run run = { 0 };
  run.params = params;
  run.progress = progress;
  run.user_data = user_data;
  run.durations = g_array_new (FALSE, FALSE, sizeof (double));
  run.start_time = g_get_monotonic_time ();
  run.state.n_stages = plan->n_stages;
  for (int k = 0; k < plan->n_stages; k++)
    run.state.iterations += plan->iterations[k];

  double *x = NULL;
  NsImage *result = NULL;
  double loss_initial = 0, loss_final = 0;
  gboolean ok = TRUE;
  for (int k = 0; k <= last && ok; k++)
    {
      int w = plan->width[k], h = plan->height[k];
      gsize n = (gsize) w * h * 3;
      const NsMemoryPlan *memory = &run_plan.memory[k];   /* tiles and L-BFGS history that fit */
      NsObjectiveSetup setup = {
        content, styles, n_styles, params->style_scale,
        recipe->content_weight * params->content_weight, recipe->style_weight * params->style_weight,
        recipe->tv_weight * params->tv_weight, memory->tile, memory->halo, params->threads, memory->margin,
      };
      if (!stage_begin (&run, model, &setup, original, w, h, error))
        {
          ok = FALSE;
          break;
        }
      double *next = g_try_malloc (n * sizeof (double));
      if (next && k == 0)
        initial_image (params, content, warm_start, w, h, next);
      if (!next || (k > 0 && !upsample_stage (content, x, plan->width[k - 1], plan->height[k - 1], next, w, h)))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), w, h);
          stage_end (&run);
          g_free (next);
          ok = FALSE;
          break;
        }
      g_free (x);
      x = next;
      if (k == last && stats)
        {
          /* The content image's loss at the last optimised size: the reference for the loss ratio. */
          g_autofree double *c = g_new (double, n), *g = g_new (double, n);
          g_autoptr (NsImage) resized = ns_image_resize (content, w, h);
          for (gsize i = 0; i < n; i++)
            c[i] = resized->pixels[i];
          loss_initial = ns_objective_evaluate (run.objective, c, g);
        }
      run.state.stage = k;
      run.state.width = w, run.state.height = h;
      run.last_time = g_get_monotonic_time ();
      NsOptimizerParams op = { plan->iterations[k], memory->history };
      int done = 0;
      NsOptimizerResult r = ns_optimize (x, n, &op, objective_cb, iteration_cb, &run, &loss_final, &done);
      run.done_before += done;
      ok = check_stage_end (&run, r, w, h, error);
      if (ok && k == final)
        {
          result = run.current;
          run.current = NULL;
          for (gsize i = 0; i < n; i++)
            result->pixels[i] = (float) CLAMP (x[i], 0.0, 1.0);
          ns_finish_apply (run.finish, result);
        }
      if (ok && k == last && stats)
        {
          /* Evaluate once more so that the reported terms belong to the result (to the
           * last optimised stage's, before a detail stage). */
          g_autofree double *g = g_new (double, n);
          loss_final = ns_objective_evaluate (run.objective, x, g);
          stats->content_loss = run.objective->content_loss;
          stats->style_loss = run.objective->style_loss;
          stats->tv_loss = run.objective->tv_loss;
        }
      stage_end (&run);
    }
  if (ok && last < final)
    result = detail_stage (params, original, content, styles, n_styles, x, plan->width[last],
                           plan->height[last], plan->width[final], plan->height[final], error);
  g_free (x);
  prepared_clear (&prepared);
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
