/* ns-preview.c: the live preview controller (see ns-preview.h).
 *
 * Threads: the owner thread (the GTK main loop in the dialog) calls the API
 * and receives frames; one worker thread runs the jobs. A generation counter
 * tells the worker's progress callback when its job has been superseded;
 * everything else they share is under one mutex. */
#include "ns-preview.h"
#include "ns-painting-cache.h"

#include <string.h>

struct _NsPreview
{
  const NsModel      *model;
  GMainContext       *context;
  NsPreviewFrameFunc  on_frame;
  NsPreviewErrorFunc  on_error;
  gpointer            user_data;
  GThread            *worker;
  gint                generation;      /* atomic: the job that should be running */
  gint                painting_epoch;  /* atomic: bumped when a painting being made is no longer wanted */

  /* owner thread only */
  GSource  *debounce;
  guint     debounce_ms;
  NsParams  requested;
  gboolean  requested_warm;
  gint64    requested_at;              /* monotonic µs of the last restart */
  NsParams  part_params;               /* of the last ns_preview_show_part() */
  gboolean  have_part_params;

  /* under lock */
  GMutex    lock;
  GCond     wake;
  gboolean  quit;
  gboolean  pending;                   /* a job waits for the worker */
  NsParams  pending_params;
  gboolean  pending_warm;
  guint     pending_generation;
  gint64    pending_requested_at;
  gboolean  pending_part;              /* the pending job is a part of the final picture */
  int       pending_rect[4];
  NsImage  *full_content;              /* new full inputs, until a part job takes them */
  NsStyleSet *full_styles;
  guint     full_serial;
  gboolean  busy;                      /* the worker runs a job */
  NsImage  *content;
  NsStyleSet *styles;                  /* NULL until set */
  guint     images_serial;             /* bumped by every new content */
  NsImage  *last;                      /* latest iterate of any job */
  guint     last_serial;               /* images_serial that last belongs to */
  int       frame_every;
  NsImage  *frame_image;               /* next frame for the owner, if any */
  NsImage  *frame_original;            /* a part frame's original */
  NsPreviewFrame frame;
  GError   *frame_error;
  GSource  *frame_source;              /* idle that hands the frame over */

  /* worker thread only */
  NsImage    *work_content;            /* the full inputs a part job works on */
  NsStyleSet *work_styles;
  guint       work_serial;
  NsPaintingCache *cache;
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
  int        rect[4];                  /* a part job's x, y, width, height */
  guint      painting_epoch;
} Job;

static gboolean
deliver_frame (gpointer data)
{
  NsPreview *preview = data;

  g_mutex_lock (&preview->lock);
  NsImage *image = g_steal_pointer (&preview->frame_image);
  NsImage *original = g_steal_pointer (&preview->frame_original);
  NsPreviewFrame frame = preview->frame;
  GError *error = g_steal_pointer (&preview->frame_error);
  g_clear_pointer (&preview->frame_source, g_source_unref);
  g_mutex_unlock (&preview->lock);

  /* Frames of a superseded job are stale by the time they get here. */
  gboolean current = frame.generation == (guint) g_atomic_int_get (&preview->generation);
  if ((image != NULL || frame.part) && current && preview->on_frame != NULL)
    {
      frame.image = image;
      frame.original = original;
      preview->on_frame (&frame, preview->user_data);
    }
  if (error != NULL && current && preview->on_error != NULL)
    preview->on_error (error, preview->user_data);

  ns_image_free (image);
  ns_image_free (original);
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

/* Worker thread: replaces the frame slot with frame and the images, which
 * it takes (an older undelivered frame is simply dropped, so a slow main
 * loop never queues up work). */
static void
post (Job *job, NsImage *image, NsImage *original, NsPreviewFrame frame)
{
  NsPreview *preview = job->preview;

  frame.generation = job->generation;
  frame.seconds = (g_get_monotonic_time () - job->requested_at) / 1e6;
  frame.warm = job->warm;
  g_mutex_lock (&preview->lock);
  ns_image_free (preview->frame_image);
  ns_image_free (preview->frame_original);
  preview->frame_image = image;
  preview->frame_original = original;
  preview->frame = frame;
  schedule_delivery_locked (preview);
  g_mutex_unlock (&preview->lock);
}

static void
post_frame (Job *job, const NsImage *image, int iteration, int iterations, double loss, gboolean finished)
{
  post (job, ns_image_copy (image), NULL,
        (NsPreviewFrame) { .iteration = iteration, .iterations = iterations, .loss = loss, .finished = finished });
}

/* Worker thread: an error for the owner (not a cancel). */
static void
post_error (Job *job, GError *error)
{
  NsPreview *preview = job->preview;
  g_mutex_lock (&preview->lock);
  g_clear_error (&preview->frame_error);
  preview->frame_error = error;
  preview->frame.generation = job->generation;
  schedule_delivery_locked (preview);
  g_mutex_unlock (&preview->lock);
}

/* Keeps a copy of image as the picture a restart continues from, unless
 * the job's inputs have been replaced meanwhile. */
static void
keep_last (Job *job, const NsImage *image)
{
  NsPreview *preview = job->preview;
  NsImage *copy = ns_image_copy (image);
  g_mutex_lock (&preview->lock);
  if (preview->images_serial == job->serial)
    {
      ns_image_free (preview->last);
      preview->last = g_steal_pointer (&copy);
      preview->last_serial = job->serial;
    }
  g_mutex_unlock (&preview->lock);
  ns_image_free (copy);
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
  keep_last (job, progress->current);

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
      keep_last (job, result);
      post_frame (job, result, stats.iterations, params->iterations, stats.loss_final, TRUE);
    }
  else if (!g_error_matches (error, NS_ERROR, NS_ERROR_CANCELLED))
    post_error (job, g_steal_pointer (&error));
}

/* ---- the 100% view: a part of the final picture ---------------------------- */

/* While the whole picture is optimised for a part: stops only when that
 * painting is no longer wanted; meanwhile newer requests for parts of it
 * take over its progress frames. */
static gboolean
on_painting_progress (const NsProgress *progress, gpointer user_data)
{
  Job *job = user_data;
  NsPreview *preview = job->preview;

  if ((guint) g_atomic_int_get (&preview->painting_epoch) != job->painting_epoch)
    return FALSE;
  job->generation = (guint) g_atomic_int_get (&preview->generation);
  if (progress->current != NULL && progress->iteration % job->frame_every == 0)
    post (job, NULL, NULL, (NsPreviewFrame) { .part = TRUE, .iteration = progress->iteration,
                                              .iterations = progress->iterations });
  return TRUE;
}

static gboolean
on_render_progress (const NsProgress *progress, gpointer user_data)
{
  Job *job = user_data;
  if ((guint) g_atomic_int_get (&job->preview->generation) != job->generation)
    return FALSE;
  post (job, NULL, NULL, (NsPreviewFrame) { .part = TRUE, .tiles = progress->tiles,
                                            .tiles_done = progress->tiles_done });
  return TRUE;
}

/* A newer request for a part of the same painting, made while it was
 * being made, is the part to render. */
static void
take_newer_part (NsPreview *preview, Job *job)
{
  g_mutex_lock (&preview->lock);
  if (preview->pending && preview->pending_part
      && (guint) g_atomic_int_get (&preview->painting_epoch) == job->painting_epoch)
    {
      memcpy (job->rect, preview->pending_rect, sizeof job->rect);
      job->generation = preview->pending_generation;
      job->requested_at = preview->pending_requested_at;
      preview->pending = FALSE;
    }
  g_mutex_unlock (&preview->lock);
}

/* rect of image, which it must lie in. */
static NsImage *
crop (const NsImage *image, const int rect[4])
{
  NsImage *part = image != NULL ? ns_image_new (rect[2], rect[3]) : NULL;
  for (int y = 0; part != NULL && y < rect[3]; y++)
    memcpy (part->pixels + (gsize) y * rect[2] * 3,
            image->pixels + ((gsize) (rect[1] + y) * image->width + rect[0]) * 3, sizeof (float) * rect[2] * 3);
  return part;
}

static void
run_part_job (NsPreview *preview, Job *job, const NsParams *params)
{
  g_autoptr (GError) error = NULL;
  NsPainting *painting = ns_painting_cache_get (preview->cache, preview->model, preview->work_content,
                                                ns_style_set_styles (preview->work_styles),
                                                ns_style_set_count (preview->work_styles), params,
                                                preview->work_serial, on_painting_progress, job, &error);
  if (painting != NULL)
    take_newer_part (preview, job);

  int width = 0, height = 0, *r = job->rect;
  if (painting != NULL)
    ns_painting_size (painting, &width, &height);
  r[0] = CLAMP (r[0], 0, MAX (width - 1, 0));
  r[1] = CLAMP (r[1], 0, MAX (height - 1, 0));
  r[2] = CLAMP (r[2], 1, width - r[0]);
  r[3] = CLAMP (r[3], 1, height - r[1]);
  NsImage *image = painting != NULL ? ns_painting_render (painting, r[0], r[1], r[2], r[3], on_render_progress,
                                                          job, &error)
                                    : NULL;
  if (image != NULL)
    post (job, image, crop (ns_painting_cache_original (preview->cache), r),
          (NsPreviewFrame) { .part = TRUE, .finished = TRUE, .x = r[0], .y = r[1], .iterations = params->iterations });
  else if (!g_error_matches (error, NS_ERROR, NS_ERROR_CANCELLED))
    post_error (job, g_steal_pointer (&error));
}

/* Lock held: the part job's inputs become the newest full inputs. */
static gboolean
take_full_inputs_locked (NsPreview *preview)
{
  if (preview->full_content != NULL)
    {
      ns_painting_cache_clear (preview->cache);   /* before the masks it points to go */
      g_clear_pointer (&preview->work_content, ns_image_free);
      g_clear_pointer (&preview->work_styles, ns_style_set_free);
      preview->work_content = g_steal_pointer (&preview->full_content);
      preview->work_styles = g_steal_pointer (&preview->full_styles);
      preview->work_serial = preview->full_serial;
    }
  return preview->work_content != NULL && preview->work_styles != NULL;
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
        .painting_epoch = (guint) g_atomic_int_get (&preview->painting_epoch),
      };
      memcpy (job.rect, preview->pending_rect, sizeof job.rect);
      preview->pending = FALSE;
      if (preview->pending_part)
        {
          gboolean ready = take_full_inputs_locked (preview)
                           && job.generation == (guint) g_atomic_int_get (&preview->generation);
          preview->busy = ready;
          g_mutex_unlock (&preview->lock);
          if (ready)
            run_part_job (preview, &job, &params);
          g_mutex_lock (&preview->lock);
          preview->busy = FALSE;
          continue;
        }
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
  preview->cache = ns_painting_cache_new ();
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
  ns_image_free (preview->frame_original);
  g_clear_error (&preview->frame_error);
  ns_painting_cache_free (preview->cache);   /* before the styles its painting points to */
  ns_image_free (preview->work_content);
  ns_style_set_free (preview->work_styles);
  ns_image_free (preview->full_content);
  ns_style_set_free (preview->full_styles);
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

gboolean
ns_preview_set_full_inputs (NsPreview *preview, const NsImage *content, const NsStyle *styles, int n_styles)
{
  NsImage *content_copy = ns_image_copy (content);
  NsStyleSet *styles_copy = content_copy != NULL ? ns_style_set_copy (styles, n_styles, NULL) : NULL;
  g_atomic_int_inc (&preview->painting_epoch);
  g_mutex_lock (&preview->lock);
  ns_image_free (preview->full_content);
  ns_style_set_free (preview->full_styles);
  preview->full_content = styles_copy != NULL ? content_copy : NULL;
  preview->full_styles = styles_copy;
  preview->full_serial++;
  g_mutex_unlock (&preview->lock);
  if (styles_copy == NULL)
    ns_image_free (content_copy);
  return styles_copy != NULL;
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
  preview->pending_part = FALSE;
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
  g_atomic_int_inc (&preview->painting_epoch);

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

guint
ns_preview_show_part (NsPreview *preview, const NsParams *params, int x, int y, int width, int height)
{
  guint generation = (guint) g_atomic_int_add (&preview->generation, 1) + 1;
  if (!preview->have_part_params || !ns_painting_params_equal (&preview->part_params, params))
    g_atomic_int_inc (&preview->painting_epoch);
  preview->part_params = *params;
  preview->have_part_params = TRUE;

  stop_debounce (preview);
  g_mutex_lock (&preview->lock);
  preview->pending = TRUE;
  preview->pending_part = TRUE;
  preview->pending_params = *params;
  preview->pending_generation = generation;
  preview->pending_requested_at = g_get_monotonic_time ();
  preview->pending_rect[0] = x;
  preview->pending_rect[1] = y;
  preview->pending_rect[2] = width;
  preview->pending_rect[3] = height;
  g_cond_signal (&preview->wake);
  g_mutex_unlock (&preview->lock);
  return generation;
}

void
ns_preview_cancel (NsPreview *preview)
{
  g_atomic_int_inc (&preview->generation);
  g_atomic_int_inc (&preview->painting_epoch);
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
  out->schedule = NS_SCHEDULE_MULTISCALE;
  out->iterations = NS_PREVIEW_ITERATIONS;
  out->memory_limit_mb = 0;
}
