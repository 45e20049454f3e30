/* bench-frames.c: issue 19's targets for an animation (ns_frames_next), on
 * sequences made here from photographs, whose motion is known exactly:
 *
 *   pan     the camera moves right by 1% of the width per frame
 *   zoom    into the centre, 2% per frame
 *   object  a disc of a second photo moves over the first, which stays
 *
 * For each: the frames styled as a sequence (--temporal-weight) and, as
 * the reference, each frame styled on its own (temporal weight 0, the
 * same settings). Printed per frame t >= 1, for both:
 *
 *   steadiness  mean |S_t - S_{t-1} carried along the true motion| over
 *               the pixels both frames show (RGB 0..1; the disc's pixels
 *               that it uncovers do not count)
 *   style       the style loss of the last optimised stage
 *   seconds     the frame's time; the first frame's is the reference
 *   rss         the process' resident memory after the frame, MB
 *   content     the content frames' own steadiness by the same measure
 *               (its bilinear resampling of the frame before blurs fine
 *               detail: a photo's sharp texture scores higher than a
 *               painting's strokes)
 *   evaluations of the loss and gradient in the frame
 *
 * and the ratios issue 19 sets targets for (steadiness <= 0.3x, style
 * within 1.2x, later frames <= 0.4x the first's time, memory flat).
 *
 *   bench-frames --background A.jpg --object B.jpg --style S.jpg [--size 512] [--frames 6]
 *                [--motion pan|zoom|object|all] [--save DIR] [--no-independent] [--follow-share X]
 */
#include "bench-common.h"
#include "image-file.h"
#include "ns-frames.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef enum { PAN, ZOOM, OBJECT } Motion;
static const char *motion_names[] = { "pan", "zoom", "object" };

typedef struct
{
  const NsImage *background, *object;
  Motion         motion;
  int            width, height;
} Sequence;

/* source at (x, y) in its own pixels, bilinear, clamped. */
static void
sample (const NsImage *source, double x, double y, float *rgb)
{
  x = CLAMP (x, 0, source->width - 1.001), y = CLAMP (y, 0, source->height - 1.001);
  int x0 = (int) x, y0 = (int) y;
  double fx = x - x0, fy = y - y0;
  for (int c = 0; c < 3; c++)
    {
#define AT(xx, yy) source->pixels[((gsize) (yy) * source->width + (xx)) * 3 + c]
      double top = AT (x0, y0) + fx * (AT (x0 + 1, y0) - AT (x0, y0));
      double bottom = AT (x0, y0 + 1) + fx * (AT (x0 + 1, y0 + 1) - AT (x0, y0 + 1));
#undef AT
      rgb[c] = (float) (top + fy * (bottom - top));
    }
}

/* The disc of frame t: its centre and radius, frame pixels. */
static void
disc (const Sequence *s, int t, double *cx, double *cy, double *r)
{
  *cx = s->width * (0.3 + 0.015 * t), *cy = s->height * (0.5 + 0.005 * t), *r = 0.22 * s->height;
}

static gboolean
in_disc (const Sequence *s, int t, double x, double y)
{
  double cx, cy, r;
  disc (s, t, &cx, &cy, &r);
  return (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r;
}

/* Where the point at (x, y) of frame t is in frame t - 1; FALSE if that
 * frame does not show it. */
static gboolean
before (const Sequence *s, int t, double x, double y, double *px, double *py)
{
  switch (s->motion)
    {
    case PAN:
      *px = x + 0.01 * s->width, *py = y;
      break;
    case ZOOM:
      *px = s->width / 2.0 + (x - s->width / 2.0) / 1.02, *py = s->height / 2.0 + (y - s->height / 2.0) / 1.02;
      break;
    case OBJECT:
      {
        gboolean on = in_disc (s, t, x, y);
        double cx0, cy0, cx1, cy1, r;
        disc (s, t - 1, &cx0, &cy0, &r);
        disc (s, t, &cx1, &cy1, &r);
        *px = on ? x - (cx1 - cx0) : x, *py = on ? y - (cy1 - cy0) : y;
        if (!on && in_disc (s, t - 1, x, y))
          return FALSE;   /* the disc covered it */
        break;
      }
    }
  return *px >= 0 && *py >= 0 && *px <= s->width - 1 && *py <= s->height - 1;
}

/* Frame t: the background seen through the camera, the disc over it. */
static NsImage *
frame (const Sequence *s, int t)
{
  NsImage *f = ns_image_new (s->width, s->height);
  const NsImage *bg = s->background;
  /* the background's pixels per frame pixel: its short side covers 1.25 frames' */
  double k = MIN ((double) bg->width / s->width, (double) bg->height / s->height) / 1.25;
  double zoom = s->motion == ZOOM ? pow (1.02, t) : 1, shift = s->motion == PAN ? 0.01 * s->width * t : 0;
  for (int y = 0; y < s->height; y++)
    for (int x = 0; x < s->width; x++)
      {
        float *rgb = f->pixels + ((gsize) y * s->width + x) * 3;
        double fx = s->width / 2.0 + (x + shift - s->width / 2.0) / zoom - 0.1 * s->width;
        double fy = s->height / 2.0 + (y - s->height / 2.0) / zoom;
        sample (bg, bg->width / 2.0 + (fx - s->width / 2.0) * k, bg->height / 2.0 + (fy - s->height / 2.0) * k, rgb);
        double cx, cy, r;
        disc (s, t, &cx, &cy, &r);
        if (s->motion == OBJECT && in_disc (s, t, x, y))
          {
            double ko = MIN (s->object->width, s->object->height) / (2.2 * r);
            sample (s->object, s->object->width / 2.0 + (x - cx) * ko, s->object->height / 2.0 + (y - cy) * ko, rgb);
          }
      }
  return f;
}

/* Mean |S_t - S_{t-1}| along the true motion, over what both show. */
static double
steadiness (const Sequence *s, int t, const NsImage *now, const NsImage *prev)
{
  double sum = 0;
  gsize count = 0;
  for (int y = 0; y < s->height; y++)
    for (int x = 0; x < s->width; x++)
      {
        double px = 0, py = 0;
        float rgb[3];
        if (!before (s, t, x, y, &px, &py))
          continue;
        sample (prev, px, py, rgb);
        for (int c = 0; c < 3; c++)
          sum += fabs (now->pixels[((gsize) y * s->width + x) * 3 + c] - rgb[c]);
        count += 3;
      }
  return count ? sum / count : NAN;
}

static double
rss_mb (void)
{
  g_autofree char *text = NULL;
  long pages = 0, resident = 0;
  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%ld %ld", &pages, &resident);
  return resident * 4096.0 / NS_BYTES_PER_MB;
}

typedef struct
{
  double steadiness, style, seconds, rss;
  double content;       /* the content frames' own steadiness, by the same measure */
  int    evaluations;   /* of the loss and gradient (line searches included) */
} FrameFigures;

static void
save (const char *folder, const char *what, Motion m, int t, const NsImage *image)
{
  if (!folder)
    return;
  g_autofree char *png = NULL, *name = g_strdup_printf ("%s-%s-%02d.png", motion_names[m], what, t);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  gsize size = 0;
  g_autoptr (GError) error = NULL;
  if (!image_file_encode_png (image, &png, &size, &error) || !g_file_set_contents (path, png, size, &error))
    bench_fail ("%s", error->message);
}

/* The sequence through ns_frames_next at temporal weight w. */
static double follow_share = NS_FRAMES_FOLLOW_SHARE;

static void
run_sequence (const NsModel *model, const Sequence *s, const NsStyle *style, const NsParams *base, double w,
              int n, const char *folder, FrameFigures *out)
{
  NsParams params = *base;
  params.temporal_weight = w;
  g_autoptr (GError) error = NULL;
  g_autoptr (NsFrames) frames = ns_frames_new (model, style, 1, &params, &error);
  g_autoptr (NsImage) prev = NULL, prev_content = NULL;
  if (!frames)
    bench_fail ("%s", error->message);
  ns_frames_set_follow_share (frames, follow_share);
  for (int t = 0; t < n; t++)
    {
      g_autoptr (NsImage) content = frame (s, t);
      NsStats stats = { 0 };
      double start = bench_now ();
      NsImage *result = ns_frames_next (frames, content, NULL, NULL, &stats, &error);
      if (!result)
        bench_fail ("%s", error->message);
      out[t] = (FrameFigures) { t > 0 ? steadiness (s, t, result, prev) : NAN, stats.style_loss,
                                bench_now () - start, rss_mb (), t > 0 ? steadiness (s, t, content, prev_content) : NAN,
                                stats.evaluations };
      save (folder, w > 0 ? "steady" : "independent", s->motion, t, result);
      if (w > 0)
        save (folder, "content", s->motion, t, content);
      g_clear_pointer (&prev, ns_image_free);
      g_clear_pointer (&prev_content, ns_image_free);
      prev = result;
      prev_content = g_steal_pointer (&content);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *background = NULL, *object = NULL, *style_path = NULL, *weights = NULL, *motion = NULL;
  g_autofree char *folder = NULL;
  int size = 512, n = 6, iterations = 150;
  double temporal = 1;
  gboolean no_independent = FALSE;
  const GOptionEntry entries[] = {
    { "background", 0, 0, G_OPTION_ARG_FILENAME, &background, "the photo the camera looks at", "FILE" },
    { "object", 0, 0, G_OPTION_ARG_FILENAME, &object, "the photo the moving disc shows", "FILE" },
    { "style", 0, 0, G_OPTION_ARG_FILENAME, &style_path, "the style image", "FILE" },
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "frame width (default 512)", "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &n, "frames per sequence (default 6)", "N" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "the first frame's (default 150)", "N" },
    { "temporal-weight", 0, 0, G_OPTION_ARG_DOUBLE, &temporal, "default 1", "X" },
    { "follow-share", 0, 0, G_OPTION_ARG_DOUBLE, &follow_share, "a later frame's share of the first frame's last "
      "stage's iterations (default the engine's)", "X" },
    { "motion", 0, 0, G_OPTION_ARG_STRING, &motion, "pan, zoom, object or all (default)", "KIND" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &folder, "write every frame's content and results here", "DIR" },
    { "no-independent", 0, 0, G_OPTION_ARG_NONE, &no_independent, "only the sequence (speed, memory)", NULL },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &weights, "model.json", "PATH" },
    { NULL },
  };
  bench_parse_options (&argc, &argv, "- issue 19's animation targets", entries);
  if (!background || !object || !style_path || n < 2)
    bench_fail ("--background, --object and --style are needed, and 2 frames or more");
  g_autoptr (GError) error = NULL;
  g_autoptr (NsImage) bg = image_file_load (background, &error);
  g_autoptr (NsImage) ob = bg ? image_file_load (object, &error) : NULL;
  g_autoptr (NsImage) style_image = ob ? image_file_load (style_path, &error) : NULL;
  if (!style_image)
    bench_fail ("%s", error->message);
  g_autoptr (NsModel) model = bench_load_model (weights);
  NsStyle style = { .image = style_image, .blend = 1 };
  NsParams params;
  ns_params_init (&params);
  params.iterations = iterations;
  printf ("size %dx%d, %d frames, %d iterations, temporal weight %g, later frames %g of the last stage's "
          "iterations\n", size, size * 3 / 4, n, iterations, temporal, follow_share);
  for (int m = PAN; m <= OBJECT; m++)
    {
      if (motion && strcmp (motion, "all") != 0 && strcmp (motion, motion_names[m]) != 0)
        continue;
      Sequence s = { bg, ob, m, size, size * 3 / 4 };
      g_autofree FrameFigures *steady = g_new0 (FrameFigures, n), *alone = g_new0 (FrameFigures, n);
      run_sequence (model, &s, &style, &params, temporal, n, folder, steady);
      if (!no_independent)
        run_sequence (model, &s, &style, &params, 0, n, folder, alone);
      printf ("%s\n  frame  steadiness (alone, ratio; content)    style loss (alone, ratio)      seconds (/first)  "
              "evaluations  rss MB\n", motion_names[m]);
      double worst_steady = 0, worst_style = 0, worst_time = 0;
      for (int t = 0; t < n; t++)
        {
          FrameFigures *a = &steady[t], *b = &alone[t];
          double rs = a->steadiness / b->steadiness, ry = a->style / b->style, rt = a->seconds / steady[0].seconds;
          printf ("  %5d  %.4f (%.4f, %.2fx; %.4f)     %.3e (%.3e, %.2fx)     %6.1f (%.2fx)   %5d   %6.0f\n", t,
                  a->steadiness, b->steadiness, rs, a->content, a->style, b->style, ry, a->seconds, rt,
                  a->evaluations, a->rss);
          if (t > 0)
            worst_steady = MAX (worst_steady, rs), worst_style = MAX (worst_style, ry), worst_time = MAX (worst_time, rt);
        }
      printf ("  worst of frames 1..%d: steadiness %.2fx (target <= 0.3), style %.2fx (<= 1.2), time %.2fx (<= 0.4); "
              "rss %.0f MB after frame 1, %.0f after frame %d\n", n - 1, worst_steady, worst_style, worst_time,
              steady[1].rss, steady[n - 1].rss, n - 1);
      fflush (stdout);
    }
  return 0;
}
