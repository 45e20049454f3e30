/* ns-preview.c: the live preview controller (see ns-preview.h).
 *
 * Threads: the owner thread (the GTK main loop in the dialog) calls the API
 * and receives frames; one worker thread runs the jobs. A generation counter
 * tells the worker's progress callback when its job has been superseded;
 * everything else they share is under one mutex. */
#include "ns-preview.h"

struct _NsPreview
{
  const NsModel      *model;
  GMainContext       *context;
  NsPreviewFrameFunc  on_frame;
  NsPreviewErrorFunc  on_error;
  gpointer            user_data;
  GThread            *worker;
  gint                generation;      /* atomic: the job that should be running */

  /* owner thread only */
  GSource  *debounce;
  guint     debounce_ms;
  NsParams  requested;
  gboolean  requested_warm;
  gint64    requested_at;              /* monotonic µs of the last restart */

  /* under lock */
  GMutex    lock;
  GCond     wake;
  gboolean  quit;
  gboolean  pending;                   /* a job waits for the worker */
  NsParams  pending_params;
  gboolean  pending_warm;
  guint     pending_generation;
  gint64    pending_requested_at;
  gboolean  busy;                      /* the worker runs a job */
  NsImage  *content;
  NsStyleSet *styles;                  /* NULL until set */
  guint     images_serial;             /* bumped by every new content */
  NsImage  *last;                      /* latest iterate of any job */
  guint     last_serial;               /* images_serial that last belongs to */
  int       frame_every;
  NsImage  *frame_image;               /* next frame for the owner, if any */
  NsPreviewFrame frame;
  GError   *frame_error;
  GSource  *frame_source;              /* idle that hands the frame over */
};

/* What the worker knows about the job it runs. */
typedef struct
{
  NsPreview *preview;
  guint      generation;
  gint64     requested_at;
  gboolean   warm;
  int        frame_every;
  guint      serial;
} Job;

static gboolean
deliver_frame (gpointer data)
{
  NsPreview *preview = data;

  g_mutex_lock (&preview->lock);
  NsImage *image = g_steal_pointer (&preview->frame_image);
  NsPreviewFrame frame = preview->frame;
  GError *error = g_steal_pointer (&preview->frame_error);
  g_clear_pointer (&preview->frame_source, g_source_unref);
  g_mutex_unlock (&preview->lock);

  /* Frames of a superseded job are stale by the time they get here. */
  gboolean current = frame.generation == (guint) g_atomic_int_get (&preview->generation);
  if (image != NULL && current && preview->on_frame != NULL)
    {
      frame.image = image;
      preview->on_frame (&frame, preview->user_data);
    }
  if (error != NULL && current && preview->on_error != NULL)
    preview->on_error (error, preview->user_data);

  ns_image_free (image);
  g_clear_error (&error);
  return G_SOURCE_REMOVE;
}

/* Worker thread, lock held: makes sure an idle will pick up the slot. */
static void
schedule_delivery_locked (NsPreview *preview)
{
  if (preview->frame_source != NULL)
    return;
  preview->frame_source = g_idle_source_new ();
  g_source_set_priority (preview->frame_source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (preview->frame_source, deliver_frame, preview, NULL);
  g_source_attach (preview->frame_source, preview->context);
}

/* Worker thread: replaces the frame slot (an older undelivered frame is
 * simply dropped, so a slow main loop never queues up work). */
static void
post_frame (Job *job, const NsImage *image, int iteration, int iterations,
            double loss, gboolean finished)
{
  NsPreview *preview = job->preview;
  NsImage *copy = ns_image_copy (image);

  g_mutex_lock (&preview->lock);
  ns_image_free (preview->frame_image);
  preview->frame_image = copy;
  preview->frame = (NsPreviewFrame) {
    .generation = job->generation,
    .iteration = iteration,
    .iterations = iterations,
    .loss = loss,
    .seconds = (g_get_monotonic_time () - job->requested_at) / 1e6,
    .warm = job->warm,
    .finished = finished,
  };
  schedule_delivery_locked (preview);
  g_mutex_unlock (&preview->lock);
}

static gboolean
on_progress (const NsProgress *progress, gpointer user_data)
{
  Job *job = user_data;
  NsPreview *preview = job->preview;

  if ((guint) g_atomic_int_get (&preview->generation) != job->generation)
    return FALSE;
  if (progress->current == NULL)
    return TRUE;

  /* Keep every iterate: a restart continues from the newest one. */
  NsImage *copy = ns_image_copy (progress->current);
  g_mutex_lock (&preview->lock);
  if (preview->images_serial == job->serial)
    {
      ns_image_free (preview->last);
      preview->last = g_steal_pointer (&copy);
      preview->last_serial = job->serial;
    }
  g_mutex_unlock (&preview->lock);
  ns_image_free (copy);

  int done = progress->iteration;
  if (done <= 1 || done % job->frame_every == 0 || done >= progress->iterations)
    post_frame (job, progress->current, done, progress->iterations, progress->loss, FALSE);
  return TRUE;
}

static void
run_job (NsPreview *preview, Job *job, const NsParams *params,
         NsImage *content, const NsStyleSet *styles, NsImage *warm_start)
{
  g_autoptr (GError) error = NULL;
  NsStats stats = { 0 };
  g_autoptr (NsImage) result = ns_stylize_blend (preview->model, content, ns_style_set_styles (styles),
                                                 ns_style_set_count (styles), params, warm_start,
                                                 on_progress, job, &stats, &error);
  if (result != NULL)
    {
      g_mutex_lock (&preview->lock);
      if (preview->images_serial == job->serial)
        {
          ns_image_free (preview->last);
          preview->last = ns_image_copy (result);
          preview->last_serial = job->serial;
        }
      g_mutex_unlock (&preview->lock);
      post_frame (job, result, stats.iterations, params->iterations, stats.loss_final, TRUE);
    }
  else if (!g_error_matches (error, NS_ERROR, NS_ERROR_CANCELLED))
    {
      g_mutex_lock (&preview->lock);
      g_clear_error (&preview->frame_error);
      preview->frame_error = g_steal_pointer (&error);
      preview->frame.generation = job->generation;
      schedule_delivery_locked (preview);
      g_mutex_unlock (&preview->lock);
    }
}

static gpointer
worker_main (gpointer data)
{
  NsPreview *preview = data;

  g_mutex_lock (&preview->lock);
  for (;;)
    {
      while (!preview->pending && !preview->quit)
        g_cond_wait (&preview->wake, &preview->lock);
      if (preview->quit)
        break;

      NsParams params = preview->pending_params;
      Job job = {
        .preview = preview,
        .generation = preview->pending_generation,
        .requested_at = preview->pending_requested_at,
        .frame_every = preview->frame_every,
        .serial = preview->images_serial,
      };
      preview->pending = FALSE;
      if (preview->content == NULL || preview->styles == NULL || ns_style_set_count (preview->styles) == 0
          || job.generation != (guint) g_atomic_int_get (&preview->generation))
        continue;

      g_autoptr (NsImage) content = ns_image_copy (preview->content);
      g_autoptr (NsStyleSet) styles = ns_style_set_copy (ns_style_set_styles (preview->styles),
                                                         ns_style_set_count (preview->styles), NULL);
      g_autoptr (NsImage) warm_start = NULL;
      if (preview->pending_warm && preview->last != NULL && preview->last_serial == job.serial)
        warm_start = ns_image_copy (preview->last);
      job.warm = warm_start != NULL;
      preview->busy = TRUE;
      g_mutex_unlock (&preview->lock);

      if (content != NULL && styles != NULL)
        run_job (preview, &job, &params, content, styles, warm_start);
      g_clear_pointer (&styles, ns_style_set_free);

      g_mutex_lock (&preview->lock);
      preview->busy = FALSE;
    }
  g_mutex_unlock (&preview->lock);
  return NULL;
}

NsPreview *
ns_preview_new (const NsModel *model, GMainContext *context,
                NsPreviewFrameFunc on_frame, NsPreviewErrorFunc on_error, gpointer user_data)
{
  NsPreview *preview = g_new0 (NsPreview, 1);

  preview->model = model;
  preview->context = context != NULL ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  preview->on_frame = on_frame;
  preview->on_error = on_error;
  preview->user_data = user_data;
  preview->debounce_ms = 250;
  preview->frame_every = 2;
  g_mutex_init (&preview->lock);
  g_cond_init (&preview->wake);
  preview->worker = g_thread_new ("ns-preview", worker_main, preview);
  return preview;
}

void
ns_preview_free (NsPreview *preview)
{
  if (preview == NULL)
    return;

  ns_preview_cancel (preview);
  g_mutex_lock (&preview->lock);
  preview->quit = TRUE;
  g_cond_signal (&preview->wake);
  g_mutex_unlock (&preview->lock);
  g_thread_join (preview->worker);

  /* The worker is gone and we own the context: no delivery can race this. */
  if (preview->frame_source != NULL)
    {
      g_source_destroy (preview->frame_source);
      g_source_unref (preview->frame_source);
    }
  ns_image_free (preview->frame_image);
  g_clear_error (&preview->frame_error);
  ns_image_free (preview->content);
  ns_style_set_free (preview->styles);
  ns_image_free (preview->last);
  g_mutex_clear (&preview->lock);
  g_cond_clear (&preview->wake);
  g_main_context_unref (preview->context);
  g_free (preview);
}

void
ns_preview_set_content (NsPreview *preview, const NsImage *content)
{
  g_mutex_lock (&preview->lock);
  ns_image_free (preview->content);
  preview->content = ns_image_copy (content);
  preview->images_serial++;
  g_clear_pointer (&preview->last, ns_image_free);
  g_mutex_unlock (&preview->lock);
}

gboolean
ns_preview_set_styles (NsPreview *preview, const NsStyle *styles, int n_styles)
{
  NsStyleSet *copy = ns_style_set_copy (styles, n_styles, NULL);
  g_mutex_lock (&preview->lock);
  ns_style_set_free (preview->styles);
  preview->styles = copy;
  g_mutex_unlock (&preview->lock);
  return copy != NULL;
}

void
ns_preview_set_images (NsPreview *preview, const NsImage *content, const NsImage *style)
{
  ns_preview_set_content (preview, content);
  ns_preview_set_style (preview, style);
}

void
ns_preview_set_style (NsPreview *preview, const NsImage *style)
{
  NsStyle one = { .image = style, .blend = 1.0 };
  ns_preview_set_styles (preview, &one, 1);
}

void
ns_preview_set_debounce (NsPreview *preview, guint milliseconds)
{
  preview->debounce_ms = milliseconds;
}

void
ns_preview_set_frame_every (NsPreview *preview, int iterations)
{
  g_mutex_lock (&preview->lock);
  preview->frame_every = MAX (1, iterations);
  g_mutex_unlock (&preview->lock);
}

static void
submit_requested (NsPreview *preview)
{
  g_mutex_lock (&preview->lock);
  /* A superseded job that never started may have asked for a cold start. */
  preview->pending_warm = preview->requested_warm && (!preview->pending || preview->pending_warm);
  preview->pending = TRUE;
  preview->pending_params = preview->requested;
  preview->pending_generation = (guint) g_atomic_int_get (&preview->generation);
  preview->pending_requested_at = preview->requested_at;
  g_cond_signal (&preview->wake);
  g_mutex_unlock (&preview->lock);
}

static gboolean
on_debounce_elapsed (gpointer data)
{
  NsPreview *preview = data;

  g_clear_pointer (&preview->debounce, g_source_unref);
  submit_requested (preview);
  return G_SOURCE_REMOVE;
}

static void
stop_debounce (NsPreview *preview)
{
  if (preview->debounce == NULL)
    return;
  g_source_destroy (preview->debounce);
  g_clear_pointer (&preview->debounce, g_source_unref);
}

guint
ns_preview_restart (NsPreview *preview, const NsParams *params, gboolean warm)
{
  guint generation = (guint) g_atomic_int_add (&preview->generation, 1) + 1;

  /* A restart during the debounce keeps the older request's warm wish:
   * dropping the warm start (new seed, new init) must not be undone. */
  gboolean waiting = preview->debounce != NULL;
  preview->requested = *params;
  preview->requested_warm = waiting ? (preview->requested_warm && warm) : warm;
  preview->requested_at = g_get_monotonic_time ();

  stop_debounce (preview);
  if (preview->debounce_ms == 0)
    {
      submit_requested (preview);
      return generation;
    }
  preview->debounce = g_timeout_source_new (preview->debounce_ms);
  g_source_set_callback (preview->debounce, on_debounce_elapsed, preview, NULL);
  g_source_attach (preview->debounce, preview->context);
  return generation;
}

void
ns_preview_cancel (NsPreview *preview)
{
  g_atomic_int_inc (&preview->generation);
  stop_debounce (preview);
  g_mutex_lock (&preview->lock);
  preview->pending = FALSE;
  g_mutex_unlock (&preview->lock);
}

gboolean
ns_preview_is_busy (NsPreview *preview)
{
  g_mutex_lock (&preview->lock);
  gboolean busy = preview->pending || preview->busy || preview->debounce != NULL;
  g_mutex_unlock (&preview->lock);
  return busy;
}

void
ns_preview_params (const NsParams *chosen, int preview_size, NsParams *out)
{
  *out = *chosen;
  out->size = preview_size;
  out->schedule = NS_SCHEDULE_SINGLE;
  out->iterations = NS_PREVIEW_ITERATIONS;
  out->memory_limit_mb = 0;
}
