/* test-brushwork.c: the brushwork stage of a photo (engine/texture/) and the
 * filters it stands on (engine/image/ns-filter.h), without the network:
 *   - blur, halving and the windowed enlargement against plain loops and
 *     against ns_image_resize();
 *   - PatchMatch against an exhaustive search, on a translated crop (the
 *     true matches) and on random pictures (the best matches), its valid
 *     centres and its determinism;
 *   - the brushwork: any window painted alone equals that part of the whole
 *     picture, bit for bit, with 1 or 3 threads; its texture comes from the
 *     style (stripes give stripes of their direction), from the style's
 *     area only, and only where the style's region is; its coarse picture
 *     is the sketch's. */
#include "ns-brushwork.h"
#include "ns-patch-match.h"
#include "ns-filter.h"

#include <math.h>
#include <string.h>

static float
noise (guint32 *state)
{
  *state = *state * 1664525u + 1013904223u;
  return (*state >> 8) / (float) (1 << 24);
}

static float *
random_plane (int w, int h, int c, guint32 seed)
{
  float *v = g_new (float, (gsize) w * h * c);
  for (gsize i = 0; i < (gsize) w * h * c; i++)
    v[i] = noise (&seed);
  return v;
}

/* ---- filters ------------------------------------------------------------------------ */

static void
test_reflect (void)
{
  int expected[] = { 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1 };
  for (int i = -2; i < 10; i++)
    g_assert_cmpint (ns_reflect (i, 5), ==, expected[i + 2]);
  g_assert_cmpint (ns_reflect (-7, 1), ==, 0);
}

static void
blur_against_loops (int w, int h, int c, double sigma)
{
  g_autofree float *plane = random_plane (w, h, c, 7), *scratch = g_new (float, ns_filter_blur_scratch (w, h, c, sigma));
  g_autofree double *expected = g_new0 (double, (gsize) w * h * c);
  int r = (int) ceil (3 * sigma);
  double total = 0;
  for (int k = -r; k <= r; k++)
    total += exp (-k * k / (2 * sigma * sigma));
  /* The 2-D Gaussian as a plain double sum over the reflected neighbourhood. */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++)
          {
            double wgt = exp (-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (total * total);
            for (int ch = 0; ch < c; ch++)
              expected[((gsize) y * w + x) * c + ch]
                += wgt * plane[((gsize) ns_reflect (y + dy, h) * w + ns_reflect (x + dx, w)) * c + ch];
          }
  ns_filter_blur (plane, w, h, c, sigma, scratch);
  for (gsize i = 0; i < (gsize) w * h * c; i++)
    g_assert_cmpfloat_with_epsilon (plane[i], expected[i], 1e-5);
}

/* Against the 2-D sum, on planes larger and smaller than the kernel (whose
 * rows past the bottom mirror rows already overwritten). */
static void
test_blur (void)
{
  blur_against_loops (23, 17, 3, 1.7);
  blur_against_loops (9, 4, 2, 2.5);
  blur_against_loops (40, 30, 1, 5.0);
}

static void
test_halve (void)
{
  int w = 7, h = 5;
  g_autofree float *in = random_plane (w, h, 2, 3), *out = g_new (float, 4 * 3 * 2);
  ns_filter_halve (in, w, h, 2, out);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 4; x++)
      for (int c = 0; c < 2; c++)
        {
          int x1 = MIN (2 * x + 1, w - 1), y1 = MIN (2 * y + 1, h - 1);
          double mean = (in[((2 * y) * w + 2 * x) * 2 + c] + in[((2 * y) * w + x1) * 2 + c]
                         + in[(y1 * w + 2 * x) * 2 + c] + in[(y1 * w + x1) * 2 + c]) / 4;
          g_assert_cmpfloat_with_epsilon (out[(y * 4 + x) * 2 + c], mean, 1e-6);
        }
}

/* The whole window is ns_image_resize()'s enlargement; an inner window is
 * that part of it; a window past the edge holds the mirror image. */
static void
test_enlarge (void)
{
  g_autoptr (NsImage) small = ns_image_new (13, 9);
  g_autofree float *v = random_plane (13, 9, 3, 11);
  memcpy (small->pixels, v, 13 * 9 * 3 * sizeof (float));
  int W = 50, H = 31;
  g_autoptr (NsImage) whole = ns_image_resize (small, W, H);
  g_autofree float *out = g_new (float, (gsize) W * H * 3);
  ns_filter_enlarge (small->pixels, 13, 9, 3, W, H, (NsWindow) { 0, 0, W, H }, out);
  for (gsize i = 0; i < (gsize) W * H * 3; i++)
    g_assert_cmpfloat_with_epsilon (out[i], whole->pixels[i], 1e-5);
  NsWindow win = { -6, 20, 12, 37 };   /* past the left and bottom edges */
  int ww = win.x1 - win.x0, wh = win.y1 - win.y0;
  g_autofree float *part = g_new (float, (gsize) ww * wh * 3);
  ns_filter_enlarge (small->pixels, 13, 9, 3, W, H, win, part);
  for (int y = 0; y < wh; y++)
    for (int x = 0; x < ww; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat_with_epsilon (part[((gsize) y * ww + x) * 3 + c],
                                        out[((gsize) ns_reflect (win.y0 + y, H) * W + ns_reflect (win.x0 + x, W)) * 3 + c],
                                        1e-6);
}

/* ---- PatchMatch --------------------------------------------------------------------- */

static double
patch_distance (const NsFeatureMap *t, const NsFeatureMap *s, int x, int y, NsMatch m, int patch)
{
  int r = patch / 2, c = t->channels;
  double sum = 0;
  for (int dy = -r; dy <= r; dy++)
    for (int dx = -r; dx <= r; dx++)
      for (int ch = 0; ch < c; ch++)
        {
          double a = t->values[((gsize) ns_reflect (y + dy, t->height) * t->width + ns_reflect (x + dx, t->width)) * c + ch];
          double b = s->values[((gsize) (m.y + dy) * s->width + m.x + dx) * c + ch];
          sum += (a - b) * (a - b);
        }
  return sum;
}

/* The target is a crop of the source (smooth noise, as the blurred pictures
 * the brushwork matches): every patch whose crop lies away from the
 * target's edge (where reflection makes it differ) has an exact match, its
 * own position; PatchMatch must find nearly all of them. */
static void
test_patch_match_crop (void)
{
  int sw = 80, sh = 60, tw = 30, th = 24, ox = 23, oy = 17, patch = 5;
  g_autofree float *src = random_plane (sw, sh, 3, 5), *tgt = g_new (float, tw * th * 3);
  g_autofree float *scratch = g_new (float, ns_filter_blur_scratch (sw, sh, 3, 1.5));
  ns_filter_blur (src, sw, sh, 3, 1.5, scratch);
  for (int y = 0; y < th; y++)
    memcpy (tgt + (gsize) y * tw * 3, src + ((gsize) (y + oy) * sw + ox) * 3, tw * 3 * sizeof (float));
  NsFeatureMap s = { sw, sh, 3, src }, t = { tw, th, 3, tgt };
  g_autofree NsMatch *field = g_new (NsMatch, tw * th);
  g_assert_true (ns_patch_match (&t, &s, NULL, patch, 5, 1, field));
  int inner = 0, exact = 0;
  for (int y = 2; y < th - 2; y++)
    for (int x = 2; x < tw - 2; x++, inner++)
      exact += field[y * tw + x].x == x + ox && field[y * tw + x].y == y + oy;
  g_test_message ("%d of %d inner patches found their exact match", exact, inner);
  g_assert_cmpint (exact, >=, inner * 95 / 100);
}

/* Random pictures: the field's distances against the exhaustive search's
 * best, position by position. The search keeps a neighbour's shifted match
 * up to 15% worse than the best it knows (coherence, ns-patch-match.c), so
 * the field may be that much worse and a little more (a randomised search);
 * random matches are several times the best. */
static void
test_patch_match_search (void)
{
  int sw = 40, sh = 32, tw = 20, th = 16, patch = 5, r = patch / 2;
  g_autofree float *src = random_plane (sw, sh, 2, 8), *tgt = random_plane (tw, th, 2, 9);
  /* smooth them a little so that distances differ gradually */
  g_autofree float *scratch = g_new (float, ns_filter_blur_scratch (sw, sh, 2, 1.0));
  ns_filter_blur (src, sw, sh, 2, 1.0, scratch);
  ns_filter_blur (tgt, tw, th, 2, 1.0, scratch);
  NsFeatureMap s = { sw, sh, 2, src }, t = { tw, th, 2, tgt };
  g_autofree NsMatch *field = g_new (NsMatch, tw * th), *again = g_new (NsMatch, tw * th);
  g_assert_true (ns_patch_match (&t, &s, NULL, patch, 6, 42, field));
  g_assert_true (ns_patch_match (&t, &s, NULL, patch, 6, 42, again));
  g_assert_cmpmem (field, tw * th * sizeof (NsMatch), again, tw * th * sizeof (NsMatch));
  double found = 0, best_total = 0, random_total = 0;
  guint32 state = 99;
  for (int y = 0; y < th; y++)
    for (int x = 0; x < tw; x++)
      {
        NsMatch m = field[y * tw + x];
        g_assert_true (m.x >= r && m.x < sw - r && m.y >= r && m.y < sh - r);
        double best = G_MAXDOUBLE;
        for (int my = r; my < sh - r; my++)
          for (int mx = r; mx < sw - r; mx++)
            best = MIN (best, patch_distance (&t, &s, x, y, (NsMatch) { mx, my }, patch));
        found += patch_distance (&t, &s, x, y, m, patch);
        best_total += best;
        NsMatch any = { r + (int) (noise (&state) * (sw - 2 * r)), r + (int) (noise (&state) * (sh - 2 * r)) };
        random_total += patch_distance (&t, &s, x, y, any, patch);
      }
  g_test_message ("mean distance: found %.4f, best %.4f, random %.4f", found / (tw * th), best_total / (tw * th),
                  random_total / (tw * th));
  g_assert_cmpfloat (found, <=, 1.15 * 1.3 * best_total);
  g_assert_cmpfloat (random_total, >, 2 * best_total);
}

/* Only valid centres are used, even where the invalid ones match better. */
static void
test_patch_match_valid (void)
{
  int sw = 40, sh = 30, tw = 12, th = 10;
  g_autofree float *src = random_plane (sw, sh, 1, 2), *tgt = g_new (float, tw * th);
  for (int y = 0; y < th; y++)   /* a crop of the left half: its exact matches are invalid */
    memcpy (tgt + y * tw, src + (y + 5) * sw + 4, tw * sizeof (float));
  g_autofree guint8 *valid = g_new0 (guint8, sw * sh);
  for (int y = 0; y < sh; y++)
    for (int x = sw / 2; x < sw; x++)
      valid[y * sw + x] = 1;
  NsFeatureMap s = { sw, sh, 1, src }, t = { tw, th, 1, tgt };
  g_autofree NsMatch *field = g_new (NsMatch, tw * th);
  g_assert_true (ns_patch_match (&t, &s, valid, 3, 4, 3, field));
  for (int i = 0; i < tw * th; i++)
    g_assert_cmpint (field[i].x, >=, sw / 2);
  g_autofree guint8 *none = g_new0 (guint8, sw * sh);
  g_assert_false (ns_patch_match (&t, &s, none, 3, 4, 3, field));
}

/* ---- the brushwork ------------------------------------------------------------------ */

/* Stripes of period 6 px: vertical (varying along x) or horizontal. */
static void
stripes (NsImage *image, int x0, int x1, gboolean vertical)
{
  for (int y = 0; y < image->height; y++)
    for (int x = x0; x < x1; x++)
      for (int c = 0; c < 3; c++)
        image->pixels[((gsize) y * image->width + x) * 3 + c] = 0.5f + 0.3f * sinf (2 * G_PI * (vertical ? x : y) / 6);
}

static NsImage *
flat (int w, int h, float v)
{
  NsImage *image = ns_image_new (w, h);
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    image->pixels[i] = v;
  return image;
}

static NsImage *
paint (const NsImage *sketch, int w, int h, const NsStyle *styles, int n, int threads, NsWindow window)
{
  GError *error = NULL;
  g_autoptr (NsBrushwork) b = ns_brushwork_new (sketch, w, h, styles, n, 1.0, 7, threads, &error);
  g_assert_no_error (error);
  NsImage *out = ns_image_new (window.x1 - window.x0, window.y1 - window.y0);
  g_assert_true (ns_brushwork_paint (b, window, out, NULL, NULL, &error));
  g_assert_no_error (error);
  return out;
}

/* Mean |d/dx| and |d/dy| of the luminance over a part of a picture. */
static void
gradients (const NsImage *image, int x0, int x1, double *gx, double *gy)
{
  *gx = *gy = 0;
  int n = 0;
  for (int y = 0; y < image->height - 1; y++)
    for (int x = x0; x < x1 - 1; x++, n++)
      {
        const float *p = image->pixels + ((gsize) y * image->width + x) * 3;
        *gx += fabs (p[3] - p[0]);
        *gy += fabs (p[image->width * 3] - p[0]);
      }
  *gx /= n, *gy /= n;
}

/* A window painted alone is that part of the whole picture, bit for bit,
 * whatever the threads: each tile depends only on its own window. */
static void
test_brushwork_windows (void)
{
  int W = 1100, H = 700;
  g_autoptr (NsImage) sketch = ns_image_new (220, 140);
  g_autofree float *v = random_plane (220, 140, 3, 21);
  memcpy (sketch->pixels, v, 220 * 140 * 3 * sizeof (float));
  g_autoptr (NsImage) style = ns_image_new (300, 200);
  g_autofree float *sv = random_plane (300, 200, 3, 22);
  memcpy (style->pixels, sv, 300 * 200 * 3 * sizeof (float));
  NsStyle one = { .image = style, .blend = 1 };
  g_autoptr (NsImage) whole = paint (sketch, W, H, &one, 1, 1, (NsWindow) { 0, 0, W, H });
  NsWindow win = { 480, 300, 1050, 640 };   /* across four tiles */
  for (int threads = 1; threads <= 3; threads += 2)
    {
      g_autoptr (NsImage) part = paint (sketch, W, H, &one, 1, threads, win);
      for (int y = win.y0; y < win.y1; y++)
        g_assert_cmpmem (part->pixels + (gsize) (y - win.y0) * part->width * 3, part->width * 3 * sizeof (float),
                         whole->pixels + ((gsize) y * W + win.x0) * 3, part->width * 3 * sizeof (float));
    }
}

/* On a flat sketch the texture is the style's: vertical stripes give
 * variation along x, not y, and the coarse picture stays the sketch's grey. */
static void
test_brushwork_from_style (void)
{
  g_autoptr (NsImage) sketch = flat (100, 80, 0.5f);
  g_autoptr (NsImage) style = ns_image_new (240, 240);
  stripes (style, 0, 240, TRUE);
  NsStyle one = { .image = style, .blend = 1 };
  g_autoptr (NsImage) out = paint (sketch, 600, 480, &one, 1, 2, (NsWindow) { 0, 0, 600, 480 });
  double gx, gy, mean = 0;
  gradients (out, 0, 600, &gx, &gy);
  for (gsize i = 0; i < (gsize) 600 * 480 * 3; i++)
    mean += out->pixels[i];
  mean /= 600 * 480 * 3;
  g_test_message ("mean |d/dx| %.4f, |d/dy| %.4f, mean %.4f", gx, gy, mean);
  g_assert_cmpfloat (gx, >, 0.05);
  g_assert_cmpfloat (gy, <, 0.2 * gx);
  g_assert_cmpfloat (fabs (mean - 0.5), <, 0.02);
}

/* The style's area: vertical stripes left, horizontal right, the area the
 * right half: only horizontal texture comes across. */
static void
test_brushwork_area (void)
{
  g_autoptr (NsImage) sketch = flat (100, 80, 0.5f);
  g_autoptr (NsImage) style = ns_image_new (240, 240);
  stripes (style, 0, 120, TRUE);
  stripes (style, 120, 240, FALSE);
  g_autoptr (NsMask) area = ns_mask_new (240, 240);
  for (int y = 0; y < 240; y++)
    for (int x = 130; x < 240; x++)
      area->values[y * 240 + x] = 1;
  NsStyle one = { .image = style, .blend = 1, .area = area };
  g_autoptr (NsImage) out = paint (sketch, 600, 480, &one, 1, 2, (NsWindow) { 0, 0, 600, 480 });
  double gx, gy;
  gradients (out, 0, 600, &gx, &gy);
  g_test_message ("mean |d/dx| %.4f, |d/dy| %.4f", gx, gy);
  g_assert_cmpfloat (gy, >, 0.05);
  g_assert_cmpfloat (gx, <, 0.2 * gy);
}

/* A style with a region lays its brushwork there only: the left half is
 * textured, the right half is the sketch as it was (enlarged and blurred). */
static void
test_brushwork_region (void)
{
  g_autoptr (NsImage) sketch = flat (100, 80, 0.4f);
  g_autoptr (NsImage) style = ns_image_new (240, 240);
  stripes (style, 0, 240, TRUE);
  g_autoptr (NsMask) region = ns_mask_new (100, 80);
  for (int y = 0; y < 80; y++)
    for (int x = 0; x < 50; x++)
      region->values[y * 100 + x] = 1;
  NsStyle one = { .image = style, .blend = 1, .region = region };
  g_autoptr (NsImage) out = paint (sketch, 600, 480, &one, 1, 2, (NsWindow) { 0, 0, 600, 480 });
  double left_x, left_y, right_x, right_y;
  gradients (out, 0, 280, &left_x, &left_y);
  gradients (out, 320, 600, &right_x, &right_y);
  g_test_message ("left |d/dx| %.4f, right %.5f", left_x, right_x);
  g_assert_cmpfloat (left_x, >, 0.05);
  g_assert_cmpfloat (right_x, <, 1e-4);
  for (int y = 0; y < 480; y++)
    for (int x = 320; x < 600; x++)
      g_assert_cmpfloat_with_epsilon (out->pixels[((gsize) y * 600 + x) * 3], 0.4f, 1e-5);
}

/* The coarse picture is the sketch's: the result averaged over 20x20 blocks
 * is the sketch enlarged, averaged the same way, within the texture's
 * small mean. */
static void
test_brushwork_keeps_sketch (void)
{
  g_autoptr (NsImage) sketch = ns_image_new (60, 40);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 60; x++)
      for (int c = 0; c < 3; c++)
        sketch->pixels[(y * 60 + x) * 3 + c] = 0.2f + 0.6f * (x / 59.0f) * (c == 1 ? y / 39.0f : 1.0f);
  g_autoptr (NsImage) style = ns_image_new (200, 200);
  g_autofree float *sv = random_plane (200, 200, 3, 5);
  for (gsize i = 0; i < 200 * 200 * 3; i++)   /* a texture of +-0.1: no clipping on the sketch's 0.2-0.8 */
    style->pixels[i] = 0.4f + 0.2f * sv[i];
  NsStyle one = { .image = style, .blend = 1 };
  g_autoptr (NsImage) out = paint (sketch, 600, 400, &one, 1, 2, (NsWindow) { 0, 0, 600, 400 });
  g_autoptr (NsImage) up = ns_image_resize (sketch, 600, 400);
  double worst = 0;
  for (int by = 1; by < 19; by++)
    for (int bx = 1; bx < 29; bx++)
      for (int c = 0; c < 3; c++)
        {
          double a = 0, b = 0;
          for (int y = by * 20; y < by * 20 + 20; y++)
            for (int x = bx * 20; x < bx * 20 + 20; x++)
              a += out->pixels[((gsize) y * 600 + x) * 3 + c], b += up->pixels[((gsize) y * 600 + x) * 3 + c];
          worst = MAX (worst, fabs (a - b) / 400);
        }
  g_test_message ("largest block mean difference %.4f", worst);
  g_assert_cmpfloat (worst, <, 0.03);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filter/reflect", test_reflect);
  g_test_add_func ("/filter/blur", test_blur);
  g_test_add_func ("/filter/halve", test_halve);
  g_test_add_func ("/filter/enlarge", test_enlarge);
  g_test_add_func ("/patch-match/crop", test_patch_match_crop);
  g_test_add_func ("/patch-match/search", test_patch_match_search);
  g_test_add_func ("/patch-match/valid", test_patch_match_valid);
  g_test_add_func ("/brushwork/windows", test_brushwork_windows);
  g_test_add_func ("/brushwork/from-style", test_brushwork_from_style);
  g_test_add_func ("/brushwork/area", test_brushwork_area);
  g_test_add_func ("/brushwork/region", test_brushwork_region);
  g_test_add_func ("/brushwork/keeps-sketch", test_brushwork_keeps_sketch);
  return g_test_run ();
}
