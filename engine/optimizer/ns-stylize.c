/* ns-stylize.c: a run's optimised stages (ns-stages.h), in the order they
 * run:
 *   checks        the parameters and images (check_inputs)
 *   planning      stages and memory (plan_run, ns-memory-plan.h)
 *   preparation   the images after the colour mode (prepare, ns-colors.h)
 *   stages        one stage's begin, optimisation and end (run_stage)
 *   statistics    what the stages report (record_stats)
 * A photo's brushwork stage and the public entry points are in
 * ns-painting.c. Every image-sized buffer is allocated with g_try_* and a
 * failure is reported as NS_ERROR_MEMORY (docs/architecture.md, "Memory"). */
#include "ns-stages.h"
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
no_memory (int width, int height, GError **error)
{
  g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
  return FALSE;
}

/* ---- checks ------------------------------------------------------------------------ */

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

/* The styles' check (ns_styles_validate()), and the aspect of the one
 * whose pass is largest. */
static gboolean
check_styles (const NsStyle *styles, int n_styles, double *aspect, GError **error)
{
  if (!ns_styles_validate (styles, n_styles, error))
    return FALSE;
  double squarest = 0;
  for (int r = 0; r < n_styles; r++)
    {
      double a = (double) styles[r].image->width / styles[r].image->height;
      if (styles[r].blend > 0 && MIN (a, 1 / a) > squarest)
        squarest = MIN (a, 1 / a), *aspect = a;
    }
  return TRUE;
}

static gboolean
check_inputs (const NsParams *params, const NsImage *content, const NsStyle *styles, int n_styles,
              const NsImage *warm_start, double *style_aspect, GError **error)
{
  return ns_params_validate (params, error) && check_image (content, _("the content image is empty"), error)
         && check_styles (styles, n_styles, style_aspect, error)
         && (!warm_start || check_image (warm_start, _("the warm start image is empty"), error));
}

/* ---- planning ----------------------------------------------------------------------- */

/* The stages and their memory; refused if the result is too small or the
 * plan's peak exceeds the caller's memory limit. */
static gboolean
plan_run (const NsModel *model, const NsParams *params, const NsImage *content, const NsStyle *styles,
          int n_styles, double style_aspect, NsRunPlan *plan, GError **error)
{
  double style_pixels = 0;   /* the brushwork stage's styles, at their own size */
  for (int r = 0; r < n_styles; r++)
    if (styles[r].blend > 0)
      style_pixels += (double) styles[r].image->width * styles[r].image->height;
  ns_run_plan (model, params, content->width, content->height, style_aspect, style_pixels, plan);
  const NsSchedulePlan *s = &plan->schedule;
  int final = s->n_stages - 1;
  if (MIN (s->width[final], s->height[final]) < NS_MIN_SIDE)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("a %dx%d result is too small: both sides must be at "
                   "least %d pixels"), s->width[final], s->height[final], NS_MIN_SIDE);
      return FALSE;
    }
  if (params->memory_limit_mb > 0 && plan->peak_mb > params->memory_limit_mb)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("this size needs about %.0f MB of memory, more than the "
                   "%.0f MB available: choose a smaller size"), plan->peak_mb, params->memory_limit_mb);
      return FALSE;
    }
  return TRUE;
}

/* The last stage that is optimised (the last of all unless it is a brushwork stage). */
static int
last_optimised (const NsSchedulePlan *s)
{
  return s->iterations[s->n_stages - 1] > 0 ? s->n_stages - 1 : s->n_stages - 2;
}

/* ---- preparation: the images the optimiser works against ---------------------------- */

/* After the colour mode (ns-colors.h): the content, the styles and the
 * warm start, either the caller's or the copies this holds (the styles'
 * recoloured images with the caller's blends, regions and areas). */
typedef struct
{
  const NsImage *content, *warm_start;
  const NsStyle *styles;
  int            n_styles;
  NsImage       *own_content, *own_warm_start;
  NsStyleSet    *own_styles;
} Prepared;

static void
prepared_clear (Prepared *p)
{
  ns_image_free (p->own_content);
  ns_image_free (p->own_warm_start);
  ns_style_set_free (p->own_styles);
}

static gboolean
prepare (const NsParams *params, const NsImage *content, const NsStyle *styles, int n_styles,
         const NsImage *warm_start, Prepared *p, GError **error)
{
  *p = (Prepared) { .content = content, .warm_start = warm_start, .styles = styles, .n_styles = n_styles };
  if (params->preserve_colors == NS_COLORS_STYLE)
    return TRUE;   /* the images as they are: no copies */
  const NsImage *originals[NS_MAX_STYLES];
  NsImage *images[NS_MAX_STYLES] = { NULL };
  for (int r = 0; r < n_styles; r++)
    originals[r] = styles[r].image;
  if (!ns_colors_prepare (params->preserve_colors, content, originals, n_styles, &p->own_content, images, error))
    return FALSE;
  p->content = p->own_content;
  p->own_styles = ns_style_set_new ();
  for (int r = 0; r < n_styles; r++)   /* the masks stay the caller's */
    ns_style_set_add (p->own_styles, &(NsStyle) { images[r], styles[r].blend, styles[r].region, styles[r].area },
                      NS_STYLE_TAKE_IMAGE, NULL);
  p->styles = ns_style_set_styles (p->own_styles);
  /* A warm start in colour (the preview's last frame) goes grey too. */
  if (!warm_start || params->preserve_colors != NS_COLORS_LUMINANCE)
    return TRUE;
  if (!ns_colors_prepare (params->preserve_colors, warm_start, NULL, 0, &p->own_warm_start, NULL, error))
    return FALSE;
  p->warm_start = p->own_warm_start;
  return TRUE;
}

/* ---- the run ------------------------------------------------------------------------ */

typedef struct
{
  const NsModel   *model;
  const NsParams  *params;
  const NsRunPlan *plan;
  const NsImage   *original;    /* the caller's content: the finish takes its colours from it */
  const NsFollow  *follow;      /* NULL, or the earlier run this one continues */
  Prepared         inputs;
  NsProgressFunc   progress;
  gpointer         user_data;
  NsProgress       state;
  GArray          *durations;   /* seconds per iteration */
  gint64           start_time, last_time;
  int              done_before;
  int              evaluations;
  double           loss_initial, loss_final;
  double          *x;           /* the pixels of the stage last begun, RGB doubles */
  /* the current stage */
  NsObjective     *objective;
  NsFinish        *finish;      /* this stage's colours and regions */
  NsImage         *current;
} Run;

static void
run_init (Run *run, const NsModel *model, const NsParams *params, const NsRunPlan *plan, const NsImage *content,
          NsProgressFunc progress, gpointer user_data)
{
  *run = (Run) { .model = model, .params = params, .plan = plan, .original = content, .progress = progress,
                 .user_data = user_data };
  run->durations = g_array_new (FALSE, FALSE, sizeof (double));
  run->start_time = g_get_monotonic_time ();
  run->state.n_stages = plan->schedule.n_stages;
  for (int k = 0; k < plan->schedule.n_stages; k++)
    run->state.iterations += plan->schedule.iterations[k];
}

static void
run_clear (Run *run)
{
  g_free (run->x);
  prepared_clear (&run->inputs);
  g_array_unref (run->durations);
}

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

/* ---- one stage ---------------------------------------------------------------------- */

/* The first stage's starting point: warm start, content, noise or a blend. */
static gboolean
initial_image (const Run *run, int w, int h, double *x)
{
  const NsParams *p = run->params;
  const NsImage *warm = run->inputs.warm_start;
  g_autoptr (NsImage) start = ns_image_resize (warm ? warm : run->inputs.content, w, h);
  if (!start)
    return FALSE;
  double noise = warm ? 0 : p->init == NS_INIT_NOISE ? 1 : p->init == NS_INIT_BLEND ? p->init_noise_ratio : 0;
  GRand *rand = g_rand_new_with_seed (p->seed);
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    {
      double r = noise > 0 ? g_rand_double (rand) : 0;
      x[i] = (1 - noise) * start->pixels[i] + noise * r;
    }
  g_rand_free (rand);
  return TRUE;
}

/* A later stage's start: the previous stage's result brought up to this
 * size (ns-upsample.h). */
static gboolean
upsampled_start (const Run *run, int k, double *next)
{
  const NsSchedulePlan *s = &run->plan->schedule;
  int w = s->width[k], h = s->height[k];
  g_autoptr (NsImage) up = ns_upsample_change (run->inputs.content, run->x, s->width[k - 1], s->height[k - 1], w, h);
  if (!up)
    return FALSE;
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    next[i] = up->pixels[i];
  return TRUE;
}

/* A following run's start: its picture as given, at this size. */
static gboolean
followed_start (const NsFollow *follow, int w, int h, double *x)
{
  g_autoptr (NsImage) start = ns_image_resize (follow->start, w, h);
  for (gsize i = 0; start && i < (gsize) w * h * 3; i++)
    x[i] = start->pixels[i];
  return start != NULL;
}

static void
stage_end (Run *run)
{
  g_clear_pointer (&run->current, ns_image_free);
  g_clear_pointer (&run->objective, ns_objective_free);
  g_clear_pointer (&run->finish, ns_finish_free);
}

/* Stage k's objective, finish, current image and starting pixels (run->x);
 * FALSE with error set and nothing of the stage held. */
static gboolean
stage_begin (Run *run, int k, GError **error)
{
  int w = run->plan->schedule.width[k], h = run->plan->schedule.height[k];
  const NsMemoryPlan *memory = &run->plan->memory[k];   /* tiles and L-BFGS history that fit */
  const NsRecipe *recipe = run->model->recipe;
  const NsParams *params = run->params;
  const Prepared *in = &run->inputs;
  const NsFollow *follow = run->follow;
  NsObjectiveSetup setup = {
    in->content, in->styles, in->n_styles, params->style_scale,
    recipe->content_weight * params->content_weight, recipe->style_weight * params->style_weight,
    recipe->tv_weight * params->tv_weight, memory->tile, memory->halo, params->threads, memory->margin,
    follow ? follow->target : NULL, follow ? follow->mask : NULL, follow ? follow->weight : 0,
  };
  run->objective = ns_objective_create (run->model, &setup, w, h, error);
  run->finish = run->objective ? ns_finish_new (params->preserve_colors, run->original, in->styles, in->n_styles,
                                                w, h, error)
                               : NULL;
  run->current = run->finish ? ns_image_new (w, h) : NULL;
  double *next = run->current ? g_try_new (double, (gsize) w * h * 3) : NULL;
  if (next && (follow ? followed_start (follow, w, h, next)
               : k == 0 ? initial_image (run, w, h, next) : upsampled_start (run, k, next)))
    {
      g_free (run->x);
      run->x = next;
      return TRUE;
    }
  g_free (next);
  if (run->finish)
    no_memory (w, h, error);
  stage_end (run);
  return FALSE;
}

/* The loss at x (the pixels, or the content at this size if x is NULL),
 * for the statistics; the objective keeps its terms. */
static gboolean
stats_loss (Run *run, int w, int h, const double *x, double *loss, GError **error)
{
  gsize n = (gsize) w * h * 3;
  g_autofree double *content = x ? NULL : g_try_new (double, n);
  g_autofree double *grad = g_try_new (double, n);
  g_autoptr (NsImage) resized = content ? ns_image_resize (run->inputs.content, w, h) : NULL;
  if (!grad || (!x && !resized))
    return no_memory (w, h, error);
  for (gsize i = 0; !x && i < n; i++)
    content[i] = resized->pixels[i];
  *loss = ns_objective_evaluate (run->objective, x ? x : content, grad);
  return TRUE;
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
  if (result == NS_OPTIMIZER_NO_MEMORY)
    return no_memory (w, h, error);   /* the optimiser's vectors and history, image-sized */
  /* NS_OPTIMIZER_FAILED: no step could lower the loss (e.g. a zero style
   * weight from the content): the best image so far stands. */
  return TRUE;
}

/* Stage k from begin to end. With stats (the last optimised stage), the
 * content's loss before and the result's terms after; with result (the
 * final stage), the finished picture. */
static gboolean
run_stage (Run *run, int k, NsStats *stats, NsImage **result, GError **error)
{
  int w = run->plan->schedule.width[k], h = run->plan->schedule.height[k];
  gsize n = (gsize) w * h * 3;
  if (!stage_begin (run, k, error))
    return FALSE;
  /* The content image's loss at the last optimised size: the reference for the loss ratio. */
  gboolean ok = !stats || stats_loss (run, w, h, NULL, &run->loss_initial, error);
  if (ok)
    {
      run->state.stage = k;
      run->state.width = w, run->state.height = h;
      run->last_time = g_get_monotonic_time ();
      NsOptimizerParams op = { run->plan->schedule.iterations[k], run->plan->memory[k].history };
      int done = 0;
      NsOptimizerResult r = ns_optimize (run->x, n, &op, objective_cb, iteration_cb, run, &run->loss_final, &done);
      run->done_before += done;
      ok = check_stage_end (run, r, w, h, error);
    }
  if (ok && result)
    {
      *result = g_steal_pointer (&run->current);
      for (gsize i = 0; i < n; i++)
        (*result)->pixels[i] = (float) CLAMP (run->x[i], 0.0, 1.0);
      ns_finish_apply (run->finish, *result);
    }
  /* Evaluate once more so that the reported terms belong to the result (to the
   * last optimised stage's, before a brushwork stage). */
  if (ok && stats && (ok = stats_loss (run, w, h, run->x, &run->loss_final, error)))
    {
      stats->content_loss = run->objective->content_loss;
      stats->style_loss = run->objective->style_loss;
      stats->tv_loss = run->objective->tv_loss;
    }
  if (!ok && result)
    g_clear_pointer (result, ns_image_free);
  stage_end (run);
  return ok;
}

/* ---- statistics --------------------------------------------------------------------- */

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

/* The rest of the statistics (the loss terms are set by the last optimised stage). */
static void
record_stats (Run *run, NsStats *stats)
{
  stats->iterations = run->done_before;
  stats->seconds = (g_get_monotonic_time () - run->start_time) / 1e6;
  stats->seconds_per_iteration = median (run->durations);
  stats->loss_initial = run->loss_initial;
  stats->loss_final = run->loss_final;
  stats->peak_rss_mb = ns_peak_rss_mb ();
  stats->evaluations = run->evaluations;
}

/* ---- the stages, as ns-stages.h gives them ---------------------------------------------- */

static void
run_close (Run *run, NsStages *out)
{
  out->start_time = run->start_time;
  out->state = run->state;
  out->state.current = NULL;
  run_clear (run);
}

/* A following run: its one stage, the last optimised, with the iterations it asks for. */
static void
follow_plan (const NsFollow *follow, NsSchedulePlan *s)
{
  int last = last_optimised (s);
  for (int k = 0; k < last; k++)
    s->iterations[k] = 0;
  s->iterations[last] = MAX (1, follow->iterations);
}

gboolean
ns_stages_run (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
               const NsParams *params, const NsImage *warm_start, NsProgressFunc progress, gpointer user_data,
               NsStats *stats, NsStages *out, GError **error)
{
  return ns_stages_follow (model, content, styles, n_styles, params, warm_start, NULL, FALSE, progress, user_data,
                           stats, out, error);
}

gboolean
ns_stages_follow (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                  const NsParams *params, const NsImage *warm_start, const NsFollow *follow, gboolean follow_on,
                  NsProgressFunc progress, gpointer user_data, NsStats *stats, NsStages *out, GError **error)
{
  *out = (NsStages) { .params = *params };
  double style_aspect = 1;
  if (!check_inputs (params, content, styles, n_styles, warm_start, &style_aspect, error)
      || (follow && !check_image (follow->start, _("the warm start image is empty"), error))
      || !plan_run (model, params, content, styles, n_styles, style_aspect, &out->plan, error))
    return FALSE;
  if (follow)
    follow_plan (follow, &out->plan.schedule);
  Run run;
  run_init (&run, model, &out->params, &out->plan, content, progress, user_data);
  run.follow = follow;
  const NsSchedulePlan *s = &out->plan.schedule;
  int last = last_optimised (s), final = s->n_stages - 1;
  gboolean ok = prepare (params, content, styles, n_styles, warm_start, &run.inputs, error);
  for (int k = follow ? last : 0; k <= last && ok; k++)
    ok = run_stage (&run, k, k == last ? stats : NULL, k == final ? &out->picture : NULL, error);
  if (ok && follow_on && !(out->optimised = ns_image_new (s->width[last], s->height[last])))
    ok = no_memory (s->width[last], s->height[last], error);
  for (gsize i = 0; ok && follow_on && i < (gsize) s->width[last] * s->height[last] * 3; i++)
    out->optimised->pixels[i] = (float) CLAMP (run.x[i], 0.0, 1.0);
  if (ok && last < final && !(out->picture = ns_image_new (s->width[last], s->height[last])))
    ok = no_memory (s->width[last], s->height[last], error);
  if (ok && last < final)
    for (gsize i = 0; i < (gsize) out->picture->width * out->picture->height * 3; i++)
      out->picture->pixels[i] = (float) CLAMP (run.x[i], 0.0, 1.0);
  if (ok && stats)
    record_stats (&run, stats);
  /* The styles as prepared stay for the brushwork stage. */
  out->styles = run.inputs.styles, out->n_styles = run.inputs.n_styles;
  out->own_styles = g_steal_pointer (&run.inputs.own_styles);
  run_close (&run, out);
  if (!ok)
    ns_stages_clear (out);
  return ok;
}

void
ns_stages_clear (NsStages *stages)
{
  g_clear_pointer (&stages->picture, ns_image_free);
  g_clear_pointer (&stages->optimised, ns_image_free);
  g_clear_pointer (&stages->own_styles, ns_style_set_free);
}
