/* test-preview.c: the dialog's live preview controller (ui/ns-preview.c)
 * with the real network, without a display.
 *
 * Needs the ResNet-50 weights ($NEURAL_STYLE_WEIGHTS or the default path);
 * skips only when they are absent (test-model.h). The photographs come from
 * the set-up (test-images.h). */
#include "ns-preview.h"
#include "test-images.h"
#include "test-model.h"

#include <math.h>
#include <stdlib.h>

static NsModel *model;
static char *skip_reason;   /* why model is NULL: the weights are missing */
static NsImage *content, *style;

typedef struct
{
  guint    generation;
  int      iteration;
  double   loss;
  gboolean warm, finished;
  gint64   arrived;           /* monotonic µs */
  double   mean_change;       /* mean |frame - content| */
  int      width;             /* a cold job's coarse stages are smaller than the content */
} Frame;

typedef struct
{
  GArray    *frames;
  GMainLoop *loop;
  guint      want_generation;
  int        want_iteration;  /* stop waiting at a frame this far, or finished */
} Recorder;

static double
mean_abs_difference (const NsImage *a, const NsImage *b)
{
  gsize n = (gsize) a->width * a->height * 3;
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    sum += fabs (a->pixels[i] - b->pixels[i]);
  return sum / n;
}

static void
on_frame (const NsPreviewFrame *frame, gpointer data)
{
  Recorder *r = data;
  /* The content's shape at any stage; the last stage is the content's size. */
  g_assert_cmpint (frame->image->width, <=, content->width);
  g_assert_cmpint (abs (frame->image->height - frame->image->width * content->height / content->width), <=, 1);
  g_autoptr (NsImage) seen = ns_image_resize (frame->image, content->width, content->height);
  Frame f = { frame->generation, frame->iteration, frame->loss, frame->warm, frame->finished,
              g_get_monotonic_time (), mean_abs_difference (seen, content), frame->image->width };
  g_array_append_val (r->frames, f);
  if (frame->generation == r->want_generation && (frame->iteration >= r->want_iteration || frame->finished))
    g_main_loop_quit (r->loop);
}

static void
on_error (const GError *error, gpointer data)
{
  g_error ("preview job failed: %s", error->message);
}

static gboolean
on_timeout (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until generation reaches iteration (or finishes), at
 * most seconds; returns that frame or NULL on timeout. */
static const Frame *
wait_for (Recorder *r, guint generation, int iteration, double seconds)
{
  r->want_generation = generation;
  r->want_iteration = iteration;
  guint timeout = g_timeout_add ((guint) (seconds * 1000), on_timeout, r->loop);
  guint before = r->frames->len;
  g_main_loop_run (r->loop);
  for (guint i = r->frames->len; i > before; i--)
    {
      const Frame *f = &g_array_index (r->frames, Frame, i - 1);
      if (f->generation == generation && (f->iteration >= iteration || f->finished))
        {
          g_source_remove (timeout);
          return f;
        }
    }
  return NULL;
}

static const Frame *
first_frame_of (Recorder *r, guint generation)
{
  for (guint i = 0; i < r->frames->len; i++)
    if (g_array_index (r->frames, Frame, i).generation == generation)
      return &g_array_index (r->frames, Frame, i);
  return NULL;
}

static const Frame *
last_frame_of (Recorder *r, guint generation)
{
  for (guint i = r->frames->len; i > 0; i--)
    if (g_array_index (r->frames, Frame, i - 1).generation == generation)
      return &g_array_index (r->frames, Frame, i - 1);
  return NULL;
}

static void
recorder_init (Recorder *r)
{
  r->frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  r->loop = g_main_loop_new (NULL, FALSE);
}

static void
recorder_clear (Recorder *r)
{
  g_array_free (r->frames, TRUE);
  g_main_loop_unref (r->loop);
}

/* A preview of content and style whose every frame r records. */
static NsPreview *
recording_preview (Recorder *r)
{
  recorder_init (r);
  NsPreview *preview = ns_preview_new (model, NULL, on_frame, on_error, r);
  ns_preview_set_frame_every (preview, 1);
  ns_preview_set_images (preview, content, style);
  return preview;
}

static void
preview_params (double style_weight, NsParams *params)
{
  NsParams chosen;
  ns_params_init (&chosen);
  chosen.style_weight = style_weight;
  ns_preview_params (&chosen, NS_PREVIEW_SIZE, params);
}

/* A weight change continues from the picture on screen: the first frame of
 * the new job is about as good as the last one before it, far better than a
 * fresh start with the same settings, and the loss then keeps falling. */
static void
test_warm_restart (void)
{
  if (model == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  Recorder r;
  g_autoptr (NsPreview) preview = recording_preview (&r);

  NsParams before, after;
  preview_params (1.0, &before);
  preview_params (1.5, &after);

  guint cold = ns_preview_restart (preview, &before, FALSE);
  const Frame *reached = wait_for (&r, cold, 8, 120);
  g_assert_nonnull (reached);
  g_assert_false (reached->warm);
  g_assert_cmpfloat (reached->mean_change, >, 0.01);   /* it is painting, not showing the content */
  double loss_before = reached->loss;
  double cold_first = first_frame_of (&r, cold)->loss;

  gint64 changed = g_get_monotonic_time ();
  guint warm = ns_preview_restart (preview, &after, TRUE);
  /* A copy: later frames grow r.frames and move its elements. */
  const Frame *first_seen = wait_for (&r, warm, 1, 60);
  g_assert_nonnull (first_seen);
  const Frame first_frame = *first_seen, *first = &first_frame;
  /* Coarse to fine: losses compare within a stage, here the first. */
  g_assert_cmpint (first->width, ==, reached->width);
  double latency = (first->arrived - changed) / 1e6;
  g_test_message ("slider change to first refreshed frame: %.2f s (debounce 250 ms included)", latency);
  g_printerr ("# slider change -> first refreshed preview frame: %.2f s at %dx%d\n",
              latency, content->width, content->height);
  g_assert_true (first->warm);
  g_assert_cmpfloat (latency, <, 10.0);
  /* Only the style term's weight grew by 1.5, so the continued picture
   * costs at most 1.5 times what it did, and one more step only lowers that. */
  g_assert_cmpfloat (first->loss, <=, 1.5 * loss_before * 1.001);

  /* No frame of the superseded job may arrive after the change. */
  for (guint i = 0; i < r.frames->len; i++)
    {
      const Frame *f = &g_array_index (r.frames, Frame, i);
      g_assert_false (f->generation == cold && f->arrived > changed);
    }

  const Frame *later = wait_for (&r, warm, 10, 120);
  g_assert_nonnull (later);
  double previous = INFINITY;
  for (guint i = 0; i < r.frames->len; i++)
    {
      const Frame *f = &g_array_index (r.frames, Frame, i);
      if (f->generation != warm || f->width != first->width)
        continue;
      g_assert_cmpfloat (f->loss, <=, previous * (1 + 1e-6));
      previous = f->loss;
    }
  g_assert_cmpint (later->width, ==, first->width);
  g_assert_cmpfloat (later->loss, <, first->loss);

  /* The same settings from scratch start far higher. */
  guint fresh = ns_preview_restart (preview, &after, FALSE);
  const Frame *fresh_first = wait_for (&r, fresh, 1, 60);
  g_assert_nonnull (fresh_first);
  g_assert_false (fresh_first->warm);
  g_assert_cmpint (fresh_first->width, ==, first->width);
  g_test_message ("first-frame loss: cold %.3g (style 1.0), %.3g (style 1.5); warm %.3g; before change %.3g",
                  cold_first, fresh_first->loss, first->loss, loss_before);
  g_assert_cmpfloat (first->loss, <, 0.5 * fresh_first->loss);
  recorder_clear (&r);
}

/* Several changes within the debounce window start one job, for the last
 * settings, no earlier than the debounce delay after the last change. */
static void
test_debounce (void)
{
  if (model == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  Recorder r;
  recorder_init (&r);
  g_autoptr (NsPreview) preview = ns_preview_new (model, NULL, on_frame, on_error, &r);
  ns_preview_set_images (preview, content, style);
  ns_preview_set_debounce (preview, 300);

  NsParams params;
  guint generation = 0;
  gint64 last_change = 0;
  for (int i = 0; i < 5; i++)
    {
      preview_params (1.0 + 0.1 * i, &params);
      generation = ns_preview_restart (preview, &params, TRUE);
      last_change = g_get_monotonic_time ();
      g_usleep (50000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  const Frame *first = wait_for (&r, generation, 1, 60);
  g_assert_nonnull (first);
  g_assert_cmpint (first->arrived - last_change, >=, 300000);
  for (guint i = 0; i < r.frames->len; i++)
    g_assert_cmpuint (g_array_index (r.frames, Frame, i).generation, ==, generation);
  /* No earlier frame existed, so there was nothing to continue from. */
  g_assert_false (first->warm);
  recorder_clear (&r);
}

/* A job runs to its end with a final frame; cancel stops everything. */
static void
test_finish_and_cancel (void)
{
  if (model == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  Recorder r;
  recorder_init (&r);
  g_autoptr (NsPreview) preview = ns_preview_new (model, NULL, on_frame, on_error, &r);
  ns_preview_set_images (preview, content, style);
  ns_preview_set_debounce (preview, 0);

  NsParams params;
  preview_params (1.0, &params);
  params.iterations = 3;
  guint generation = ns_preview_restart (preview, &params, FALSE);
  /* Three iterations at 480 px: minutes under the sanitizers on a busy machine. */
  const Frame *last = wait_for (&r, generation, 1000, 600);
  g_assert_nonnull (last);
  g_assert_true (last->finished);
  g_assert_cmpint (last->iteration, ==, 3);

  params.iterations = 1000;
  generation = ns_preview_restart (preview, &params, TRUE);
  g_assert_nonnull (wait_for (&r, generation, 1, 60));
  ns_preview_cancel (preview);
  guint frames = r.frames->len;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (ns_preview_is_busy (preview) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_false (ns_preview_is_busy (preview));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (r.frames->len, ==, frames);
  g_assert_true (last_frame_of (&r, generation) != NULL);
  recorder_clear (&r);
}

/* The latest frame of a job, kept for a closer look. */
typedef struct
{
  GMainLoop *loop;
  NsImage   *image;
  gboolean   finished;
} LastFrame;

static void
on_last_frame (const NsPreviewFrame *frame, gpointer data)
{
  LastFrame *last = data;
  ns_image_free (last->image);
  last->image = ns_image_copy (frame->image);
  if (frame->finished)
    {
      last->finished = TRUE;
      g_main_loop_quit (last->loop);
    }
}

/* Mean |a - b| over columns [x0, x1), in luma or in chroma (Cb, Cr). */
static double
half_difference (const NsImage *a, const NsImage *b, int x0, int x1, gboolean chroma)
{
  double sum = 0;
  int n = 0;
  for (int y = 0; y < a->height; y++)
    for (int x = x0; x < x1; x++, n++)
      {
        const float *p = &a->pixels[(y * a->width + x) * 3], *q = &b->pixels[(y * b->width + x) * 3];
        double d[3] = { p[0] - q[0], p[1] - q[1], p[2] - q[2] };
        if (chroma)
          sum += fabs (-0.1687 * d[0] - 0.3313 * d[1] + 0.5 * d[2]) + fabs (0.5 * d[0] - 0.4187 * d[1] - 0.0813 * d[2]);
        else
          sum += fabs (0.299 * d[0] + 0.587 * d[1] + 0.114 * d[2]);
      }
  return sum / MAX (n, 1);
}

/* The preview runs the styles as the final run will: a style confined to the
 * left half changes only that half, and "keep the picture's colours"
 * changes its lightness, not its colours. */
static void
test_styles_regions_colours (void)
{
  if (model == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  LastFrame last = { g_main_loop_new (NULL, FALSE), NULL, FALSE };
  g_autoptr (NsPreview) preview = ns_preview_new (model, NULL, on_last_frame, on_error, &last);
  g_autoptr (NsMask) left = ns_mask_new (content->width, content->height);
  int half = content->width / 2;
  for (int y = 0; y < left->height; y++)
    for (int x = 0; x < half; x++)
      left->values[y * left->width + x] = 1.0f;
  NsStyle styles[] = { { style, 1.0, left, NULL } };
  ns_preview_set_content (preview, content);
  g_assert_true (ns_preview_set_styles (preview, styles, 1));

  NsParams chosen, params;
  ns_params_init (&chosen);
  chosen.preserve_colors = NS_COLORS_LUMINANCE;
  ns_preview_params (&chosen, NS_PREVIEW_SIZE, &params);
  g_assert_cmpint (params.preserve_colors, ==, NS_COLORS_LUMINANCE);
  ns_preview_set_debounce (preview, 0);
  ns_preview_restart (preview, &params, FALSE);
  guint timeout = g_timeout_add_seconds (300, on_timeout, last.loop);
  g_main_loop_run (last.loop);
  g_assert_true (last.finished);
  g_source_remove (timeout);

  /* A margin of 16 px each side of the border, where soft edges may reach. */
  double inside = half_difference (last.image, content, 0, half - 16, FALSE);
  double outside = half_difference (last.image, content, half + 16, content->width, FALSE);
  double colours = half_difference (last.image, content, 0, half - 16, TRUE);
  g_test_message ("mean change: luma inside %.4f, outside %.4f; chroma inside %.4f", inside, outside, colours);
  g_assert_cmpfloat (inside, >, 0.02);
  g_assert_cmpfloat (outside, <, 0.2 * inside);
  g_assert_cmpfloat (colours, <, 0.25 * inside);
  ns_image_free (last.image);
  g_main_loop_unref (last.loop);
}

/* The dialog's cold start goes coarse to fine: its first frame is a
 * small stage's, which comes far sooner than one at the preview size; the
 * job ends at the preview size. */
static void
test_first_frame (void)
{
  if (model == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  Recorder r;
  g_autoptr (NsPreview) preview = recording_preview (&r);
  ns_preview_set_debounce (preview, 0);

  NsParams chosen, params;
  ns_params_init (&chosen);
  ns_preview_params (&chosen, NS_PREVIEW_SIZE, &params);
  params.iterations = 10;
  gint64 asked = g_get_monotonic_time ();
  guint generation = ns_preview_restart (preview, &params, FALSE);
  const Frame *first = wait_for (&r, generation, 1, 120);
  g_assert_nonnull (first);
  double seconds = (first->arrived - asked) / 1e6;
  g_printerr ("# first preview frame of a cold start at %dx%d: %.2f s (a %d px wide stage)\n", content->width,
              content->height, seconds, first->width);
  g_assert_false (first->warm);
  g_assert_cmpint (first->width, <, content->width / 2);
  const Frame *last = wait_for (&r, generation, 1000, 300);
  g_assert_nonnull (last);
  g_assert_true (last->finished);
  g_assert_cmpint (last->width, ==, content->width);
  recorder_clear (&r);
}

/* What the 100% view receives: its progress and parts. */
typedef struct
{
  GMainLoop *loop;
  guint      want_generation;
  NsImage   *part, *original;
  int        x, y;
  int        optimised;        /* progress frames of the whole picture's optimisation */
  int        last_iteration;
  gboolean   iterations_restarted;
  GMainLoop *on_first_progress;   /* quit at the first progress frame, if set */
} PartRecorder;

static void
on_part_frame (const NsPreviewFrame *frame, gpointer data)
{
  PartRecorder *r = data;
  g_assert_true (frame->part);
  if (frame->image == NULL && frame->tiles == 0)
    {
      r->iterations_restarted |= frame->iteration <= r->last_iteration;
      r->last_iteration = frame->iteration;
      r->optimised++;
      if (r->on_first_progress != NULL)
        {
          GMainLoop *loop = g_steal_pointer (&r->on_first_progress);
          g_main_loop_quit (loop);
          g_main_loop_unref (loop);
        }
      return;
    }
  if (frame->image == NULL || frame->generation != r->want_generation)
    return;
  g_clear_pointer (&r->part, ns_image_free);
  g_clear_pointer (&r->original, ns_image_free);
  r->part = ns_image_copy (frame->image);
  r->original = ns_image_copy (frame->original);
  r->x = frame->x;
  r->y = frame->y;
  g_main_loop_quit (r->loop);
}

static void
wait_for_part (PartRecorder *r, guint generation)
{
  r->want_generation = generation;
  guint timeout = g_timeout_add_seconds (300, on_timeout, r->loop);
  g_clear_pointer (&r->part, ns_image_free);
  g_main_loop_run (r->loop);
  g_assert_nonnull (r->part);
  g_source_remove (timeout);
}

/* Largest |a - the part of whole at (x, y)|. */
static double
max_difference_at (const NsImage *a, const NsImage *whole, int x, int y)
{
  double worst = 0;
  for (int row = 0; row < a->height; row++)
    for (int i = 0; i < a->width * 3; i++)
      worst = MAX (worst, fabs (a->pixels[row * a->width * 3 + i]
                                - whole->pixels[((y + row) * whole->width + x) * 3 + i]));
  return worst;
}

/* The 100% view shows the very pixels OK makes: a part of the picture
 * ns_stylize_blend() gives, from a painting made once; a new part of it (a
 * pan) costs no optimisation, a request during the optimisation does not
 * restart it, and a part reaching past the picture is clipped to it. */
static void
test_part (void)
{
  if (model == NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  /* Above the engine's optimised size, so the brushwork stage makes it. */
  g_autoptr (NsImage) photo = test_image_load (TEST_CONTENT_IMAGE);
  g_autoptr (NsImage) full = ns_image_resize (photo, 640, 640 * photo->height / photo->width);
  g_autoptr (NsImage) painting_style = test_image_load (TEST_STYLE_IMAGE);
  NsStyle styles[] = { { painting_style, 1.0, NULL, NULL } };
  NsParams params;
  ns_params_init (&params);
  params.iterations = 3;

  g_autoptr (GError) error = NULL;
  g_autoptr (NsImage) reference = ns_stylize_blend (model, full, styles, 1, &params, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  PartRecorder r = { .loop = g_main_loop_new (NULL, FALSE) };
  g_autoptr (NsPreview) preview = ns_preview_new (model, NULL, on_part_frame, on_error, &r);
  ns_preview_set_frame_every (preview, 1);
  g_assert_true (ns_preview_set_full_inputs (preview, full, styles, 1));

  /* A pan while the whole picture is being optimised: the optimisation goes on. */
  r.on_first_progress = g_main_loop_new (NULL, FALSE);
  GMainLoop *first_progress = g_main_loop_ref (r.on_first_progress);
  ns_preview_show_part (preview, &params, 10, 10, 100, 100);
  g_main_loop_run (first_progress);
  g_main_loop_unref (first_progress);
  gint64 asked = g_get_monotonic_time ();
  guint generation = ns_preview_show_part (preview, &params, 100, 50, 200, 150);
  wait_for_part (&r, generation);
  g_printerr ("# 100%% view: painting and a 200x150 part in %.1f s\n", (g_get_monotonic_time () - asked) / 1e6);
  g_assert_false (r.iterations_restarted);
  g_assert_cmpint (r.x, ==, 100);
  g_assert_cmpint (r.y, ==, 50);
  g_assert_cmpint (r.part->width, ==, 200);
  g_assert_cmpint (r.part->height, ==, 150);
  g_assert_cmpfloat (max_difference_at (r.part, reference, 100, 50), ==, 0.0);
  g_assert_cmpfloat (max_difference_at (r.original, full, 100, 50), ==, 0.0);

  int optimised = r.optimised;
  asked = g_get_monotonic_time ();
  generation = ns_preview_show_part (preview, &params, full->width - 100, full->height - 60, 300, 300);
  wait_for_part (&r, generation);
  g_printerr ("# 100%% view: a pan, %dx%d part in %.2f s\n", r.part->width, r.part->height,
              (g_get_monotonic_time () - asked) / 1e6);
  g_assert_cmpint (r.optimised, ==, optimised);
  g_assert_cmpint (r.part->width, ==, 100);
  g_assert_cmpint (r.part->height, ==, 60);
  g_assert_cmpfloat (max_difference_at (r.part, reference, r.x, r.y), ==, 0.0);

  g_clear_pointer (&r.part, ns_image_free);
  g_clear_pointer (&r.original, ns_image_free);
  g_main_loop_unref (r.loop);
}

/* A test photograph scaled as the dialog scales the drawable for its preview. */
static NsImage *
load_at_preview_size (const char *name)
{
  g_autoptr (NsImage) image = test_image_load (name);
  double scale = (double) NS_PREVIEW_SIZE / MAX (image->width, image->height);
  return ns_image_resize (image, MAX (1, lround (image->width * scale)), MAX (1, lround (image->height * scale)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  model = test_model_load (&skip_reason);
  if (model)
    {
      content = load_at_preview_size (TEST_CONTENT_IMAGE);
      style = load_at_preview_size (TEST_STYLE_IMAGE);
    }

  g_test_add_func ("/preview/warm-restart", test_warm_restart);
  g_test_add_func ("/preview/debounce", test_debounce);
  g_test_add_func ("/preview/finish-and-cancel", test_finish_and_cancel);
  g_test_add_func ("/preview/styles-regions-colours", test_styles_regions_colours);
  g_test_add_func ("/preview/first-frame", test_first_frame);
  g_test_add_func ("/preview/part", test_part);
  int status = g_test_run ();

  ns_image_free (content);
  ns_image_free (style);
  ns_model_free (model);
  g_free (skip_reason);
  return status;
}
