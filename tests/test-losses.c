/* test-losses.c: the Gatys losses against hand-computed values, against naive
 * double-precision reference loops, and their gradients against central
 * finite differences of those references. */
#include "ns-losses.h"
#include "ns-gram.h"

#include <math.h>

#define FD_STEP 1e-4

/* ---- double-precision references (naive loops, straight from the docs) ---- */

static double
ref_style (const double *f, int n, int c, const double *target, double weight)
{
  double sum = 0.0;
  for (int i = 0; i < c; i++)
    for (int j = 0; j < c; j++)
      {
        double g = 0.0;
        for (int p = 0; p < n; p++)
          g += f[p * c + i] * f[p * c + j];
        g /= (double) n * c;
        sum += (g - target[i * c + j]) * (g - target[i * c + j]);
      }
  return weight * sum / ((double) c * c);
}

static double
ref_content (const double *f, int count, const double *target, double weight)
{
  double sum = 0.0;
  for (int i = 0; i < count; i++)
    sum += (f[i] - target[i]) * (f[i] - target[i]);
  return weight * sum / count;
}

static double
ref_tv (const double *img, int w, int h, int c, double eps, double weight)
{
  double sum = 0.0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double sq = eps;
        for (int k = 0; k < c; k++)
          {
            double v = img[(y * w + x) * c + k];
            double dx = x + 1 < w ? img[(y * w + x + 1) * c + k] - v : 0.0;
            double dy = y + 1 < h ? img[((y + 1) * w + x) * c + k] - v : 0.0;
            sq += dx * dx + dy * dy;
          }
        sum += sqrt (sq);
      }
  return weight * sum / (w * h);
}

/* ---- helpers ---- */

static double *
random_values (GRand *rand, int count, double lo, double hi)
{
  double *v = g_new (double, count);
  for (int i = 0; i < count; i++)
    v[i] = g_rand_double_range (rand, lo, hi);
  return v;
}

static float *
to_float (const double *v, int count)
{
  float *f = g_new (float, count);
  for (int i = 0; i < count; i++)
    f[i] = (float) v[i];
  return f;
}

typedef double (*RefLoss) (const double *x, gpointer data);

/* ||analytic - fd|| / ||fd||, with fd the central differences of ref at x. */
static double
gradient_error (const float *analytic, double *x, int count, RefLoss ref, gpointer data)
{
  double diff = 0.0, norm = 0.0;
  for (int i = 0; i < count; i++)
    {
      double saved = x[i];
      x[i] = saved + FD_STEP;
      double up = ref (x, data);
      x[i] = saved - FD_STEP;
      double down = ref (x, data);
      x[i] = saved;
      double fd = (up - down) / (2 * FD_STEP);
      diff += (analytic[i] - fd) * (analytic[i] - fd);
      norm += fd * fd;
    }
  g_assert_cmpfloat (norm, >, 0.0);
  return sqrt (diff / norm);
}

/* ---- hand-computed cases ---- */

/* 2x2 positions, 2 channels: channel 0 = (1,3,5,7), channel 1 = (2,4,6,8).
 * F^T F = [[84, 100], [100, 120]], normalised by n c = 8. */
static void
test_gram_hand (void)
{
  const float f[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  float       gram[4] = { 0 };

  ns_gram_accumulate (f, 4, 2, 1.0f / 8, gram, 1);
  g_assert_cmpfloat_with_epsilon (gram[0], 10.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (gram[1], 12.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (gram[2], 12.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (gram[3], 15.0, 1e-6);
}

/* g - s = (0.5, 0.5, -0.5, 0): mean of squares 0.75 / 4, times weight 2;
 * dgram = 2 * 2 (g - s) / 4 = g - s. */
static void
test_style_hand (void)
{
  const float g[] = { 10.5, 12.5, 12.5, 15 };
  const float s[] = { 10, 12, 13, 15 };
  const float expected[] = { 0.5, 0.5, -0.5, 0 };
  float       dgram[4];

  g_assert_cmpfloat_with_epsilon (ns_style_loss (g, s, 2, 2.0, dgram), 0.375, 1e-12);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (dgram[i], expected[i], 1e-6);
}

/* f - p = (0, 2, 0, -1): mean of squares 5/4, times 0.5; the gradient
 * 0.5 * 2 (f - p) / 4 is added to what grad held. */
static void
test_content_hand (void)
{
  const float f[] = { 1, 2, 3, 4 };
  const float p[] = { 1, 0, 3, 5 };
  float       grad[] = { 1, 1, 1, 1 };
  const float expected[] = { 1, 1.5, 1, 0.75 };

  g_assert_cmpfloat_with_epsilon (ns_content_loss (f, p, 4, 0.5, grad), 0.625, 1e-12);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (grad[i], expected[i], 1e-6);
}

/* Grey 2x2 image [[0, 1], [2, 4]], eps 1:
 *   (0,0): dx 1, dy 2 -> sqrt 6     (1,0): dx 0, dy 3 -> sqrt 10
 *   (0,1): dx 2, dy 0 -> sqrt 5     (1,1): 0, 0       -> 1
 * The pixel of value 4 is only a neighbour: right of (0,1), below (1,0), so
 * its gradient is (2/sqrt 5 + 3/sqrt 10) / 4. The pixel of value 0 only has
 * its own term: -(1 + 2) / sqrt 6 / 4. */
static void
test_tv_hand (void)
{
  const float img[] = { 0, 1, 2, 4 };
  float       grad[4] = { 0 };
  double      loss = ns_tv_loss (img, 2, 2, 1, 1.0, 3.0, grad);

  g_assert_cmpfloat_with_epsilon (loss, 3.0 * (sqrt (6) + sqrt (10) + sqrt (5) + 1) / 4, 1e-9);
  g_assert_cmpfloat_with_epsilon (grad[3], 3.0 * (2 / sqrt (5) + 3 / sqrt (10)) / 4, 1e-6);
  g_assert_cmpfloat_with_epsilon (grad[0], 3.0 * -3 / sqrt (6) / 4, 1e-6);
}

/* ---- against the references ---- */

static void
test_gram_tiles (void)
{
  GRand  *rand = g_rand_new_with_seed (1);
  int     n = 37, c = 5, split = 16;
  double *fd = random_values (rand, n * c, -1, 1);
  float  *f = to_float (fd, n * c);
  float   whole[25] = { 0 }, tiled[25] = { 0 };
  float   scale = 1.0f / (n * c);

  ns_gram_accumulate (f, n, c, scale, whole, 1);
  ns_gram_accumulate (f, split, c, scale, tiled, 1);
  ns_gram_accumulate (f + split * c, n - split, c, scale, tiled, 1);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < c; j++)
      {
        double g = 0.0;
        for (int p = 0; p < n; p++)
          g += fd[p * c + i] * fd[p * c + j];
        g /= n * c;
        g_assert_cmpfloat_with_epsilon (whole[i * c + j], g, 1e-6);
        g_assert_cmpfloat_with_epsilon (tiled[i * c + j], whole[i * c + j], 1e-6);
      }
  g_free (fd);
  g_free (f);
  g_rand_free (rand);
}

/* Many channels (the mirror and the symmetrisation work in 32 x 32 tiles,
 * here 3 per side, the last one partial), against float64 loops: the Gram,
 * exactly symmetric (the backward relies on it), and the backward
 * grad += scale F (D + D^T) for a symmetric D, as the style loss makes it.
 * data: positions, threads, channels: the Gram split by rows into partial
 * sums (up to 512 channels) or into column blocks; the backward by rows or,
 * with few positions, by columns. */
static void
test_gram_many_channels (gconstpointer data)
{
  const int *case_ = data;
  GRand  *rand = g_rand_new_with_seed (3);
  int     n = case_[0], c = case_[2], threads = case_[1];
  double *fd = random_values (rand, n * c, -1, 1), *dd = random_values (rand, c * c, -1, 1);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < i; j++)
      dd[i * c + j] = dd[j * c + i];
  float  *f = to_float (fd, n * c), *d = to_float (dd, c * c);
  float  *gram = g_new0 (float, c * c), *grad = g_new0 (float, n * c);
  float   scale = 0.25f;

  ns_gram_accumulate (f, n, c, scale, gram, threads);
  ns_gram_backward (f, n, c, d, scale, grad, threads);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < c; j++)
      {
        double g = 0.0;
        for (int p = 0; p < n; p++)
          g += fd[p * c + i] * fd[p * c + j];
        g_assert_cmpfloat_with_epsilon (gram[i * c + j], scale * g, 2e-6 * n);
        g_assert_cmpfloat (gram[i * c + j], ==, gram[j * c + i]);
      }
  for (int p = 0; p < n; p++)
    for (int j = 0; j < c; j++)
      {
        double want = 0.0;
        for (int k = 0; k < c; k++)
          want += fd[p * c + k] * (dd[k * c + j] + dd[j * c + k]);
        g_assert_cmpfloat_with_epsilon (grad[p * c + j], scale * want, 2e-6 * c);
      }
  g_free (fd); g_free (dd); g_free (f); g_free (d); g_free (gram); g_free (grad);
  g_rand_free (rand);
}

/* A guided Gram over a tile's core, part of a wider grid, against float64
 * loops: gram += scale sum_p m_p^2 F_p F_p^T over the core's positions, and
 * its gradient grad_p += 2 scale m_p^2 D F_p, nothing outside the core. */
static void
test_gram_masked_core (void)
{
  GRand *rand = g_rand_new_with_seed (5);
  NsShape s = { 9, 11, 6 };
  NsRect r = { 2, 1, 9, 8 };   /* x0, y0, x1, y1: not whole rows, so gathered */
  int c = s.c, mw = 13;        /* the mask grid is wider than the core */
  double *fd = random_values (rand, (int) ns_shape_size (s), -1, 1), *md = random_values (rand, mw * s.h, 0, 1);
  double *dd = random_values (rand, c * c, -1, 1);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < i; j++)
      dd[i * c + j] = dd[j * c + i];
  float *f = to_float (fd, (int) ns_shape_size (s)), *m = to_float (md, mw * s.h), *d = to_float (dd, c * c);
  float *gram = g_new0 (float, c * c), *grad = g_new0 (float, ns_shape_size (s)), scale = 0.125f;
  NsTileScratch scratch = { 0 };
  NsCoreMask mask = { m + 3, mw };   /* core position (x, y) reads m[3 + y * mw + x] */
  ns_core_gram (&scratch, f, s, r, &mask, scale, gram, 1);
  ns_core_gram_backward (&scratch, f, s, r, &mask, d, scale, grad, 2);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < c; j++)
      {
        double want = 0;
        for (int y = r.y0; y < r.y1; y++)
          for (int x = r.x0; x < r.x1; x++)
            {
              double w = md[3 + (y - r.y0) * mw + (x - r.x0)];
              want += w * w * fd[(y * s.w + x) * c + i] * fd[(y * s.w + x) * c + j];
            }
        g_assert_cmpfloat_with_epsilon (gram[i * c + j], scale * want, 1e-6);
      }
  for (int y = 0; y < s.h; y++)
    for (int x = 0; x < s.w; x++)
      for (int j = 0; j < c; j++)
        {
          gboolean inside = x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
          double w = inside ? md[3 + (y - r.y0) * mw + (x - r.x0)] : 0, want = 0;
          for (int k = 0; k < c && inside; k++)
            want += 2 * scale * w * w * fd[(y * s.w + x) * c + k] * dd[k * c + j];
          g_assert_cmpfloat_with_epsilon (grad[(y * s.w + x) * c + j], want, 1e-6);
        }
  g_free (scratch.data);
  g_free (fd); g_free (md); g_free (dd); g_free (f); g_free (m); g_free (d); g_free (gram); g_free (grad);
  g_rand_free (rand);
}

typedef struct { int n, c; const double *target; double weight; } StyleCase;

static double
style_of (const double *x, gpointer data)
{
  StyleCase *s = data;
  return ref_style (x, s->n, s->c, s->target, s->weight);
}

/* L(F) = style_loss(gram(F)) end to end, gradient through ns_gram_backward.
 * The target is symmetric, as a Gram matrix is. */
static void
test_style_gradient (void)
{
  GRand    *rand = g_rand_new_with_seed (2);
  int       n = 12, c = 6;
  double   *x = random_values (rand, n * c, 0, 2);
  double   *target = random_values (rand, c * c, 0, 1);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < i; j++)
      target[i * c + j] = target[j * c + i];
  float    *f = to_float (x, n * c);
  float    *ft = to_float (target, c * c);
  float    *gram = g_new0 (float, c * c), *dgram = g_new (float, c * c);
  float    *grad = g_new0 (float, n * c);
  StyleCase sc = { n, c, target, 3.0 };

  ns_gram_accumulate (f, n, c, 1.0f / (n * c), gram, 1);
  double loss = ns_style_loss (gram, ft, c, sc.weight, dgram);
  ns_gram_backward (f, n, c, dgram, 1.0f / (n * c), grad, 1);

  g_assert_cmpfloat (fabs (loss - style_of (x, &sc)), <, 1e-5 * fabs (style_of (x, &sc)));
  g_assert_cmpfloat (gradient_error (grad, x, n * c, style_of, &sc), <, 1e-3);

  /* Backward adds: a second call doubles the gradient. */
  float first = grad[7];
  ns_gram_backward (f, n, c, dgram, 1.0f / (n * c), grad, 1);
  g_assert_cmpfloat_with_epsilon (grad[7], 2 * first, 1e-6 * fabs (first) + 1e-9);

  g_free (x); g_free (target); g_free (f); g_free (ft);
  g_free (gram); g_free (dgram); g_free (grad);
  g_rand_free (rand);
}

typedef struct { int count; const double *target; double weight; } ContentCase;

static double
content_of (const double *x, gpointer data)
{
  ContentCase *cc = data;
  return ref_content (x, cc->count, cc->target, cc->weight);
}

static void
test_content_gradient (void)
{
  GRand      *rand = g_rand_new_with_seed (3);
  int         count = 50;
  double     *x = random_values (rand, count, -1, 1);
  double     *target = random_values (rand, count, -1, 1);
  float      *f = to_float (x, count), *ft = to_float (target, count);
  float      *grad = g_new0 (float, count);
  ContentCase cc = { count, target, 0.7 };

  double loss = ns_content_loss (f, ft, count, cc.weight, grad);
  g_assert_cmpfloat (fabs (loss - content_of (x, &cc)), <, 1e-5 * content_of (x, &cc));
  g_assert_cmpfloat (gradient_error (grad, x, count, content_of, &cc), <, 1e-3);

  g_free (x); g_free (target); g_free (f); g_free (ft); g_free (grad);
  g_rand_free (rand);
}

typedef struct { int w, h, c; double eps, weight; } TvCase;

static double
tv_of (const double *x, gpointer data)
{
  TvCase *t = data;
  return ref_tv (x, t->w, t->h, t->c, t->eps, t->weight);
}

static void
test_tv_gradient (void)
{
  GRand  *rand = g_rand_new_with_seed (4);
  TvCase  t = { 7, 5, 3, 1e-3, 2.5 };
  int     count = t.w * t.h * t.c;
  double *x = random_values (rand, count, 0, 1);
  float  *f = to_float (x, count);
  float  *grad = g_new0 (float, count);

  double loss = ns_tv_loss (f, t.w, t.h, t.c, t.eps, t.weight, grad);
  g_assert_cmpfloat (fabs (loss - tv_of (x, &t)), <, 1e-5 * tv_of (x, &t));
  g_assert_cmpfloat (gradient_error (grad, x, count, tv_of, &t), <, 1e-3);

  g_free (x); g_free (f); g_free (grad);
  g_rand_free (rand);
}

/* ---- the pixel-target term ---- */

typedef struct { int pixels, c; const double *target, *weights; double weight; } PixelCase;

static double
ref_pixel (const double *x, int pixels, int c, const double *target, const double *weights, double weight)
{
  double sum = 0.0;
  for (int p = 0; p < pixels; p++)
    for (int k = 0; k < c; k++)
      sum += (weights ? weights[p] : 1.0) * (x[p * c + k] - target[p * c + k]) * (x[p * c + k] - target[p * c + k]);
  return weight * sum / pixels;
}

static double
pixel_of (const double *x, gpointer data)
{
  PixelCase *pc = data;
  return ref_pixel (x, pc->pixels, pc->c, pc->target, pc->weights, pc->weight);
}

/* 2 pixels, 3 channels: (0.5, 0, 1) against (0, 0, 0) weighs 0.25 + 1 = 1.25
 * at mask 1; the second pixel's difference of 1 in one channel at mask 0
 * counts nothing. weight 2 over 2 pixels: 1.25. */
static void
test_pixel_hand (void)
{
  float image[] = { 0.5f, 0, 1, 0, 1, 0 }, target[6] = { 0 }, mask[] = { 1, 0 }, grad[6] = { 0 };
  double loss = ns_pixel_target_loss (image, target, mask, 2, 3, 2.0, grad);
  g_assert_cmpfloat (fabs (loss - 1.25), <, 1e-9);
  g_assert_cmpfloat (fabs (grad[0] - 1.0), <, 1e-7);   /* 2 * 2/2 * 0.5 */
  g_assert_cmpfloat (fabs (grad[2] - 2.0), <, 1e-7);
  g_assert_cmpfloat (grad[4], ==, 0.0f);
  /* no mask: the second pixel counts too */
  g_assert_cmpfloat (fabs (ns_pixel_target_loss (image, target, NULL, 2, 3, 2.0, NULL) - 2.25), <, 1e-9);
}

static void
test_pixel_gradient (void)
{
  GRand  *rand = g_rand_new_with_seed (5);
  int     pixels = 20, c = 3, count = pixels * c;
  double *x = random_values (rand, count, 0, 1), *target = random_values (rand, count, 0, 1);
  double *weights = random_values (rand, pixels, 0, 1);
  float  *f = to_float (x, count), *ft = to_float (target, count), *fw = to_float (weights, pixels);
  float  *grad = g_new0 (float, count);
  PixelCase pc = { pixels, c, target, weights, 3.5 };

  double loss = ns_pixel_target_loss (f, ft, fw, pixels, c, pc.weight, grad);
  g_assert_cmpfloat (fabs (loss - pixel_of (x, &pc)), <, 1e-5 * pixel_of (x, &pc));
  g_assert_cmpfloat (gradient_error (grad, x, count, pixel_of, &pc), <, 1e-3);

  g_free (x); g_free (target); g_free (weights); g_free (f); g_free (ft); g_free (fw); g_free (grad);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/losses/gram/hand", test_gram_hand);
  g_test_add_func ("/losses/gram/tiles", test_gram_tiles);
  g_test_add_func ("/losses/gram/masked-core", test_gram_masked_core);
  /* positions, threads, channels */
  static const int one_thread[] = { 9, 1, 70 }, threaded[] = { 2000, 3, 70 }, few_rows[] = { 300, 2, 128 },
                   wide[] = { 40, 3, 600 };
  g_test_add_data_func ("/losses/gram/many-channels", one_thread, test_gram_many_channels);
  g_test_add_data_func ("/losses/gram/many-channels-threaded", threaded, test_gram_many_channels);
  /* Too few positions to split by rows: the backward splits by columns. */
  g_test_add_data_func ("/losses/gram/many-channels-columns", few_rows, test_gram_many_channels);
  /* Many channels: the Gram in column blocks of C. */
  g_test_add_data_func ("/losses/gram/wide", wide, test_gram_many_channels);
  g_test_add_func ("/losses/style/hand", test_style_hand);
  g_test_add_func ("/losses/style/gradient", test_style_gradient);
  g_test_add_func ("/losses/content/hand", test_content_hand);
  g_test_add_func ("/losses/content/gradient", test_content_gradient);
  g_test_add_func ("/losses/tv/hand", test_tv_hand);
  g_test_add_func ("/losses/tv/gradient", test_tv_gradient);
  g_test_add_func ("/losses/pixel/hand", test_pixel_hand);
  g_test_add_func ("/losses/pixel/gradient", test_pixel_gradient);
  return g_test_run ();
}
