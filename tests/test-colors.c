/* test-colors.c: colour preservation (engine/image/ns-colors.c): CIELAB
 * against published values and round trips; colour matching and lightness
 * matching against statistics computed here in double; the finish step
 * keeping the content's a*b*; degenerate images giving finite output.
 * Every image is generated here. */
#include "ns-colors.h"

#include <math.h>
#include <string.h>

/* ---- helpers ---- */

/* Pixels base + mix u, u uniform in [-1, 1]^3: correlated colours. */
static NsImage *
correlated_image (GRand *rand, int width, int height, const double base[3], const double mix[3][3])
{
  NsImage *image = ns_image_new (width, height);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      double u[3] = { g_rand_double_range (rand, -1, 1), g_rand_double_range (rand, -1, 1),
                      g_rand_double_range (rand, -1, 1) };
      for (int c = 0; c < 3; c++)
        image->pixels[i * 3 + c] = (float) (base[c] + mix[c][0] * u[0] + mix[c][1] * u[1] + mix[c][2] * u[2]);
    }
  return image;
}

static void
reference_stats (const NsImage *image, double mean[3], double covariance[3][3])
{
  gsize n = (gsize) image->width * image->height;
  for (int a = 0; a < 3; a++)
    {
      mean[a] = 0;
      for (gsize i = 0; i < n; i++)
        mean[a] += image->pixels[i * 3 + a];
      mean[a] /= n;
    }
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      {
        covariance[a][b] = 0;
        for (gsize i = 0; i < n; i++)
          covariance[a][b] += (image->pixels[i * 3 + a] - mean[a]) * (image->pixels[i * 3 + b] - mean[b]);
        covariance[a][b] /= n;
      }
}

static void
assert_same_stats (const NsImage *a, const NsImage *b, double tolerance)
{
  double mean_a[3], mean_b[3], cov_a[3][3], cov_b[3][3];
  reference_stats (a, mean_a, cov_a);
  reference_stats (b, mean_b, cov_b);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpfloat_with_epsilon (mean_a[i], mean_b[i], tolerance);
      for (int j = 0; j < 3; j++)
        g_assert_cmpfloat_with_epsilon (cov_a[i][j], cov_b[i][j], tolerance);
    }
}

static double
lightness (const float *rgb)
{
  float lab[3];
  ns_rgb_to_lab (rgb, lab);
  return lab[0];
}

static void
lightness_mean_std (const NsImage *image, double *mean, double *std)
{
  gsize n = (gsize) image->width * image->height;
  double sum = 0, squares = 0;
  for (gsize i = 0; i < n; i++)
    sum += lightness (image->pixels + i * 3);
  *mean = sum / n;
  for (gsize i = 0; i < n; i++)
    squares += pow (lightness (image->pixels + i * 3) - *mean, 2);
  *std = sqrt (squares / n);
}

static void
assert_grey_and_finite (const NsImage *image)
{
  for (gsize i = 0; i < (gsize) image->width * image->height; i++)
    {
      const float *p = image->pixels + i * 3;
      g_assert_true (isfinite (p[0]) && p[0] >= 0 && p[0] <= 1);
      g_assert_cmpfloat (p[0], ==, p[1]);
      g_assert_cmpfloat (p[0], ==, p[2]);
    }
}

static void
assert_finite_in_range (const NsImage *image)
{
  for (gsize i = 0; i < (gsize) image->width * image->height * 3; i++)
    g_assert_true (isfinite (image->pixels[i]) && image->pixels[i] >= 0 && image->pixels[i] <= 1);
}

/* The luminance finish with content's colours taken at image's size. */
static void
finish_luminance (const NsImage *content, NsImage *image)
{
  g_autoptr (NsContentColors) colors = ns_content_colors_new (content, image->width, image->height, NULL);
  g_assert_nonnull (colors);
  ns_colors_finish (NS_COLORS_LUMINANCE, colors, image);
}

static const double warm_base[3] = { 0.55, 0.45, 0.35 };
static const double warm_mix[3][3] = { { 0.15, 0.05, 0.0 }, { 0.05, 0.10, 0.02 }, { 0.0, 0.03, 0.08 } };
static const double cool_base[3] = { 0.30, 0.45, 0.65 };
static const double cool_mix[3][3] = { { 0.20, -0.10, 0.05 }, { 0.02, 0.25, 0.0 }, { -0.05, 0.10, 0.12 } };

/* ---- CIELAB ---- */

static void
test_lab_reference_values (void)
{
  /* sRGB D65 reference values (e.g. Lindbloom's calculator, the CSS Color 4 samples). */
  static const struct { float rgb[3]; double lab[3]; } cases[] = {
    { { 1, 1, 1 }, { 100.0, 0.0, 0.0 } },
    { { 0, 0, 0 }, { 0.0, 0.0, 0.0 } },
    { { 1, 0, 0 }, { 53.2408, 80.0925, 67.2032 } },
    { { 0, 1, 0 }, { 87.7347, -86.1827, 83.1793 } },
    { { 0, 0, 1 }, { 32.2970, 79.1875, -107.8602 } },
    { { 0.5, 0.5, 0.5 }, { 53.3889, 0.0, 0.0 } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      float lab[3];
      ns_rgb_to_lab (cases[i].rgb, lab);
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat_with_epsilon (lab[c], cases[i].lab[c], 0.01);
    }
}

static void
test_lab_round_trip (void)
{
  GRand *rand = g_rand_new_with_seed (1);
  for (int i = 0; i < 20000; i++)
    {
      /* Slightly out of range too: the optimiser's images may be. */
      float rgb[3], lab[3], back[3];
      for (int c = 0; c < 3; c++)
        rgb[c] = (float) g_rand_double_range (rand, i < 10000 ? 0.0 : -0.1, i < 10000 ? 1.0 : 1.1);
      ns_rgb_to_lab (rgb, lab);
      ns_lab_to_rgb (lab, back);
      for (int c = 0; c < 3; c++)
        /* Float L*a*b* carry ~1e-7 relative rounding, which the XYZ to RGB
         * matrix amplifies up to ~100x for saturated darks. */
        g_assert_cmpfloat_with_epsilon (back[c], rgb[c], 1e-5);
    }
  g_rand_free (rand);
}

static void
test_grey_of_lightness (void)
{
  for (int i = 0; i <= 1000; i++)
    {
      float v = i / 1000.0f, grey[3] = { v, v, v }, lab[3];
      ns_rgb_to_lab (grey, lab);
      g_assert_cmpfloat_with_epsilon (lab[1], 0, 1e-4);
      g_assert_cmpfloat_with_epsilon (lab[2], 0, 1e-4);
      g_assert_cmpfloat_with_epsilon (ns_grey_of_lightness (lab[0]), v, 2e-6);
    }
  g_assert_cmpfloat (ns_grey_of_lightness (-5), ==, 0);
  g_assert_cmpfloat_with_epsilon (ns_grey_of_lightness (120), 1, 1e-6);
}

/* ---- match ---- */

static void
test_match_statistics_exact (void)
{
  GRand *rand = g_rand_new_with_seed (2);
  g_autoptr (NsImage) content = correlated_image (rand, 61, 47, warm_base, warm_mix);
  g_autoptr (NsImage) style = correlated_image (rand, 53, 71, cool_base, cool_mix);
  NsColorStats content_stats, style_stats;
  NsColorTransform transform;
  ns_color_stats (content, &content_stats);
  ns_color_stats (style, &style_stats);
  ns_color_match (&style_stats, &content_stats, &transform);

  g_autoptr (NsImage) unclamped = ns_color_transform (style, &transform, FALSE);
  assert_same_stats (unclamped, content, 1e-6);

  /* This data stays inside 0..1, so the clamped hook gives the same. */
  for (gsize i = 0; i < (gsize) unclamped->width * unclamped->height * 3; i++)
    g_assert_true (unclamped->pixels[i] > 0 && unclamped->pixels[i] < 1);
  NsImage *content_out, *style_out;
  const NsImage *styles[] = { style };
  g_assert_true (ns_colors_prepare (NS_COLORS_MATCH, content, styles, 1, &content_out, &style_out, NULL));
  assert_same_stats (style_out, content, 1e-6);
  g_assert_cmpmem (content_out->pixels, 61 * 47 * 3 * sizeof (float), content->pixels, 61 * 47 * 3 * sizeof (float));
  ns_image_free (content_out);
  ns_image_free (style_out);
  g_rand_free (rand);
}

static void
test_match_is_symmetric_root (void)
{
  /* For an isotropic style the symmetric-root map is C_c^1/2 / sigma,
   * a symmetric matrix (a Cholesky map would be lower-triangular). */
  GRand *rand = g_rand_new_with_seed (3);
  static const double grey_base[3] = { 0.5, 0.5, 0.5 };
  static const double iso_mix[3][3] = { { 0.2, 0, 0 }, { 0, 0.2, 0 }, { 0, 0, 0.2 } };
  g_autoptr (NsImage) content = correlated_image (rand, 40, 40, warm_base, warm_mix);
  g_autoptr (NsImage) style = correlated_image (rand, 40, 40, grey_base, iso_mix);
  NsColorStats content_stats, style_stats;
  NsColorTransform transform;
  ns_color_stats (content, &content_stats);
  ns_color_stats (style, &style_stats);
  /* Make the style's covariance exactly isotropic for the check. */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      style_stats.covariance[i][j] = i == j ? 0.04 : 0.0;
  ns_color_match (&style_stats, &content_stats, &transform);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < i; j++)
      g_assert_cmpfloat_with_epsilon (transform.matrix[i][j], transform.matrix[j][i], 1e-9);
  /* (A * 0.2)^2 = C_c */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      {
        double square = 0;
        for (int k = 0; k < 3; k++)
          square += 0.04 * transform.matrix[i][k] * transform.matrix[k][j];
        g_assert_cmpfloat_with_epsilon (square, content_stats.covariance[i][j], 1e-8);  /* regularisation */
      }
  g_rand_free (rand);
}

static void
test_match_degenerate (void)
{
  GRand *rand = g_rand_new_with_seed (4);
  static const double flat_base[3] = { 0.5, 0.5, 0.5 };
  static const double no_mix[3][3] = { { 0 } };
  static const double grey_mix[3][3] = { { 0.3, 0, 0 }, { 0.3, 0, 0 }, { 0.3, 0, 0 } };
  g_autoptr (NsImage) flat = correlated_image (rand, 20, 20, flat_base, no_mix);
  g_autoptr (NsImage) grey = correlated_image (rand, 20, 20, flat_base, grey_mix);
  g_autoptr (NsImage) colourful = correlated_image (rand, 20, 20, warm_base, warm_mix);
  const NsImage *cases[][2] = { { colourful, flat }, { flat, colourful }, { flat, flat },
                                { colourful, grey }, { grey, colourful } };
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      NsImage *content_out, *style_out;
      g_assert_true (ns_colors_prepare (NS_COLORS_MATCH, cases[k][0], &cases[k][1], 1, &content_out, &style_out,
                                        NULL));
      assert_finite_in_range (style_out);
      double mean_out[3], mean_content[3], cov[3][3];
      reference_stats (style_out, mean_out, cov);
      reference_stats (cases[k][0], mean_content, cov);
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat_with_epsilon (mean_out[c], mean_content[c], 1e-4);
      ns_image_free (content_out);
      ns_image_free (style_out);
    }
  g_rand_free (rand);
}

static void
test_transform_clamps_only_when_asked (void)
{
  static const float values[6] = { 0.1f, 0.5f, 0.9f, 0.0f, 1.0f, 0.3f };
  g_autoptr (NsImage) image = ns_image_new (2, 1);
  memcpy (image->pixels, values, sizeof values);
  NsColorTransform stretch = { { { 2, 0, 0 }, { 0, 2, 0 }, { 0, 0, 2 } }, { -0.5, -0.5, -0.5 } };
  g_autoptr (NsImage) free_values = ns_color_transform (image, &stretch, FALSE);
  g_autoptr (NsImage) clamped = ns_color_transform (image, &stretch, TRUE);
  for (int i = 0; i < 6; i++)
    {
      g_assert_cmpfloat_with_epsilon (free_values->pixels[i], 2 * values[i] - 0.5, 1e-6);
      g_assert_cmpfloat_with_epsilon (clamped->pixels[i], CLAMP (2 * values[i] - 0.5, 0, 1), 1e-6);
    }
}

static void
test_match_not_positive_definite (void)
{
  /* Statistics from elsewhere may carry a slightly negative eigenvalue. */
  NsColorStats from = { { 0.5, 0.5, 0.5 }, { { 0.01, 0, 0 }, { 0, -1e-6, 0 }, { 0, 0, 0.01 } } };
  NsColorStats to = { { 0.4, 0.5, 0.6 }, { { 0.02, 0, 0 }, { 0, 0.01, 0 }, { 0, 0, -1e-6 } } };
  NsColorTransform transform;
  ns_color_match (&from, &to, &transform);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (isfinite (transform.offset[i]));
      for (int j = 0; j < 3; j++)
        g_assert_true (isfinite (transform.matrix[i][j]));
    }
}

/* ---- luminance ---- */

static void
test_luminance_prepare (void)
{
  GRand *rand = g_rand_new_with_seed (5);
  g_autoptr (NsImage) content = correlated_image (rand, 50, 30, warm_base, warm_mix);
  g_autoptr (NsImage) style1 = correlated_image (rand, 33, 41, cool_base, cool_mix);
  static const double dark_base[3] = { 0.15, 0.2, 0.1 };
  static const double dark_mix[3][3] = { { 0.05, 0.02, 0 }, { 0.02, 0.06, 0 }, { 0, 0, 0.05 } };
  g_autoptr (NsImage) style2 = correlated_image (rand, 20, 25, dark_base, dark_mix);
  const NsImage *styles[] = { style1, style2 };
  NsImage *content_out, *styles_out[2];
  g_assert_true (ns_colors_prepare (NS_COLORS_LUMINANCE, content, styles, 2, &content_out, styles_out, NULL));

  /* The content becomes grey of its own lightness, pixel for pixel. */
  assert_grey_and_finite (content_out);
  for (gsize i = 0; i < 50 * 30; i++)
    g_assert_cmpfloat_with_epsilon (lightness (content_out->pixels + i * 3), lightness (content->pixels + i * 3),
                                    1e-3);
  double content_mean, content_std;
  lightness_mean_std (content, &content_mean, &content_std);
  for (int s = 0; s < 2; s++)
    {
      /* Each style: grey, its lightness a linear map of the original
       * with the content's mean and standard deviation. */
      assert_grey_and_finite (styles_out[s]);
      double mean, std, style_mean, style_std;
      lightness_mean_std (styles_out[s], &mean, &std);
      lightness_mean_std (styles[s], &style_mean, &style_std);
      g_assert_cmpfloat_with_epsilon (mean, content_mean, 1e-3);
      g_assert_cmpfloat_with_epsilon (std, content_std, 1e-3);
      g_assert_cmpfloat (fabs (style_mean - content_mean), >, 1.0);
      for (gsize i = 0; i < (gsize) styles[s]->width * styles[s]->height; i++)
        g_assert_cmpfloat_with_epsilon (lightness (styles_out[s]->pixels + i * 3),
                                        (lightness (styles[s]->pixels + i * 3) - style_mean) * content_std / style_std
                                          + content_mean, 1e-3);
      ns_image_free (styles_out[s]);
    }
  ns_image_free (content_out);
  g_rand_free (rand);
}

static void
test_luminance_degenerate (void)
{
  GRand *rand = g_rand_new_with_seed (6);
  static const double flat_base[3] = { 0.3, 0.6, 0.2 };
  static const double no_mix[3][3] = { { 0 } };
  g_autoptr (NsImage) flat = correlated_image (rand, 16, 16, flat_base, no_mix);
  g_autoptr (NsImage) colourful = correlated_image (rand, 16, 16, warm_base, warm_mix);
  const NsImage *cases[][2] = { { colourful, flat }, { flat, colourful }, { flat, flat } };
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      NsImage *content_out, *style_out;
      g_assert_true (ns_colors_prepare (NS_COLORS_LUMINANCE, cases[k][0], &cases[k][1], 1, &content_out,
                                        &style_out, NULL));
      assert_grey_and_finite (content_out);
      assert_grey_and_finite (style_out);
      double mean, std, content_mean, content_std;
      lightness_mean_std (style_out, &mean, &std);
      lightness_mean_std (cases[k][0], &content_mean, &content_std);
      g_assert_cmpfloat_with_epsilon (mean, content_mean, 1e-3);
      finish_luminance (cases[k][0], style_out);
      assert_finite_in_range (style_out);
      ns_image_free (content_out);
      ns_image_free (style_out);
    }
  g_rand_free (rand);
}

static void
test_finish_keeps_content_colour (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  g_autoptr (NsImage) content = correlated_image (rand, 40, 30, warm_base, warm_mix);
  NsImage *grey, *unused = NULL;
  g_assert_true (ns_colors_prepare (NS_COLORS_LUMINANCE, content, NULL, 0, &grey, &unused, NULL));

  /* The content's own lightness back: the content itself. */
  g_autoptr (NsImage) same = ns_image_copy (grey);
  finish_luminance (content, same);
  for (gsize i = 0; i < 40 * 30 * 3; i++)
    g_assert_cmpfloat_with_epsilon (same->pixels[i], content->pixels[i], 2e-5);

  /* Another lightness (these colours stay in gamut): the new L* with the
   * content's a*b*. The image need not be grey. */
  g_autoptr (NsImage) other = ns_image_copy (grey);
  for (gsize i = 0; i < 40 * 30; i++)
    {
      float *p = other->pixels + i * 3;
      float v = ns_grey_of_lightness (lightness (p) + (i % 2 ? 6.0 : -6.0));
      p[0] = v * 1.05f, p[1] = v, p[2] = v * 0.9f;
    }
  g_autoptr (NsImage) result = ns_image_copy (other);
  finish_luminance (content, result);
  for (gsize i = 0; i < 40 * 30; i++)
    {
      float lab_result[3], lab_content[3];
      ns_rgb_to_lab (result->pixels + i * 3, lab_result);
      ns_rgb_to_lab (content->pixels + i * 3, lab_content);
      g_assert_cmpfloat_with_epsilon (lab_result[0], lightness (other->pixels + i * 3), 1e-3);
      g_assert_cmpfloat (fabs (lab_result[0] - lab_content[0]), >, 2.0);
      g_assert_cmpfloat_with_epsilon (lab_result[1], lab_content[1], 1e-3);
      g_assert_cmpfloat_with_epsilon (lab_result[2], lab_content[2], 1e-3);
    }

  /* A content of another size is resampled to the image's once, by
   * ns_content_colors_new(). */
  g_autoptr (NsImage) big = ns_image_resize (content, 80, 60);
  g_autoptr (NsImage) from_big = ns_image_copy (other);
  g_autoptr (NsImage) small = ns_image_resize (big, 40, 30);
  g_autoptr (NsImage) from_small = ns_image_copy (other);
  finish_luminance (big, from_big);
  finish_luminance (small, from_small);
  g_assert_cmpmem (from_big->pixels, 40 * 30 * 3 * sizeof (float), from_small->pixels, 40 * 30 * 3 * sizeof (float));

  /* Out of gamut (a saturated content made much lighter): clamped to 0..1. */
  g_autoptr (NsImage) red = ns_image_new (2, 1);
  g_autoptr (NsImage) white = ns_image_new (2, 1);
  red->pixels[0] = red->pixels[5] = 1.0f;
  for (int i = 0; i < 6; i++)
    white->pixels[i] = 0.97f;
  finish_luminance (red, white);
  assert_finite_in_range (white);

  /* The optimiser may overshoot 0..1: lightness is taken as at most
   * white's and at least black's. */
  g_autoptr (NsImage) over = ns_image_new (2, 1), at_limit = ns_image_new (2, 1);
  g_autoptr (NsImage) tinted = ns_image_new (2, 1);
  static const float tints[6] = { 0.6f, 0.5f, 0.4f, 0.3f, 0.4f, 0.5f };
  static const float overshoot[6] = { 1.3f, 1.3f, 1.3f, -0.2f, -0.2f, -0.2f };
  static const float limits[6] = { 1, 1, 1, 0, 0, 0 };
  memcpy (tinted->pixels, tints, sizeof tints);
  memcpy (over->pixels, overshoot, sizeof overshoot);
  memcpy (at_limit->pixels, limits, sizeof limits);
  finish_luminance (tinted, over);
  finish_luminance (tinted, at_limit);
  g_assert_cmpmem (over->pixels, sizeof limits, at_limit->pixels, sizeof limits);

  /* The other modes leave the image alone. */
  g_autoptr (NsImage) untouched = ns_image_copy (other);
  ns_colors_finish (NS_COLORS_MATCH, NULL, untouched);
  ns_colors_finish (NS_COLORS_STYLE, NULL, untouched);
  g_assert_cmpmem (untouched->pixels, 40 * 30 * 3 * sizeof (float), other->pixels, 40 * 30 * 3 * sizeof (float));
  ns_image_free (grey);
  g_rand_free (rand);
}

static void
test_style_mode_copies (void)
{
  GRand *rand = g_rand_new_with_seed (8);
  g_autoptr (NsImage) content = correlated_image (rand, 10, 12, warm_base, warm_mix);
  g_autoptr (NsImage) style = correlated_image (rand, 14, 9, cool_base, cool_mix);
  const NsImage *styles[] = { style };
  NsImage *content_out, *style_out;
  g_assert_true (ns_colors_prepare (NS_COLORS_STYLE, content, styles, 1, &content_out, &style_out, NULL));
  g_assert_true (content_out != content && style_out != style);
  g_assert_cmpmem (content_out->pixels, 10 * 12 * 3 * sizeof (float), content->pixels, 10 * 12 * 3 * sizeof (float));
  g_assert_cmpmem (style_out->pixels, 14 * 9 * 3 * sizeof (float), style->pixels, 14 * 9 * 3 * sizeof (float));
  ns_image_free (content_out);
  ns_image_free (style_out);
  g_rand_free (rand);
}

/* The luminance finish on a part of the picture (the painting's 100% view)
 * gives the pixels the whole picture's finish gives there. */
static void
test_finish_window (void)
{
  int w = 37, h = 23;
  g_autoptr (NsImage) content = ns_image_new (w, h), picture = ns_image_new (w, h);
  guint32 state = 3;
  for (gsize i = 0; i < (gsize) w * h * 3; i++)
    {
      state = state * 1664525u + 1013904223u;
      content->pixels[i] = (state >> 8) / (float) (1 << 24);
      picture->pixels[i] = 1.0f - content->pixels[i] * 0.7f;
    }
  g_autoptr (NsContentColors) colors = ns_content_colors_new (content, w, h, NULL);
  int x = 11, y = 5, pw = 20, ph = 13;
  g_autoptr (NsImage) part = ns_image_new (pw, ph);
  for (int row = 0; row < ph; row++)
    memcpy (part->pixels + (gsize) row * pw * 3, picture->pixels + ((gsize) (y + row) * w + x) * 3,
            pw * 3 * sizeof (float));
  ns_colors_finish (NS_COLORS_LUMINANCE, colors, picture);
  ns_colors_finish_window (NS_COLORS_LUMINANCE, colors, part, x, y);
  for (int row = 0; row < ph; row++)
    g_assert_cmpmem (part->pixels + (gsize) row * pw * 3, pw * 3 * sizeof (float),
                     picture->pixels + ((gsize) (y + row) * w + x) * 3, pw * 3 * sizeof (float));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/colors/lab/reference-values", test_lab_reference_values);
  g_test_add_func ("/colors/finish-window", test_finish_window);
  g_test_add_func ("/colors/lab/round-trip", test_lab_round_trip);
  g_test_add_func ("/colors/lab/grey-of-lightness", test_grey_of_lightness);
  g_test_add_func ("/colors/match/statistics-exact", test_match_statistics_exact);
  g_test_add_func ("/colors/match/symmetric-root", test_match_is_symmetric_root);
  g_test_add_func ("/colors/match/degenerate", test_match_degenerate);
  g_test_add_func ("/colors/match/not-positive-definite", test_match_not_positive_definite);
  g_test_add_func ("/colors/transform-clamps-only-when-asked", test_transform_clamps_only_when_asked);
  g_test_add_func ("/colors/luminance/prepare", test_luminance_prepare);
  g_test_add_func ("/colors/luminance/degenerate", test_luminance_degenerate);
  g_test_add_func ("/colors/luminance/finish", test_finish_keeps_content_colour);
  g_test_add_func ("/colors/style-mode-copies", test_style_mode_copies);
  return g_test_run ();
}
