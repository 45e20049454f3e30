/* test-flow.c: optical flow (engine/motion/ns-flow.h) on frames made from
 * a photograph whose motion is known exactly: a translation (small, and
 * larger than the finest level can see), none, and a patch moving over a
 * still background; the warp along the flow, and the consistency mask on
 * what leaves the frame and what the patch covers. Then the fine texture
 * carried from the frame before (ns-carry.h). */
#include "ns-flow.h"
#include "ns-carry.h"
#include "test-images.h"

#include <math.h>

#define W 160
#define H 120
#define BORDER 12   /* the flow is judged inside this; at the edges the motion leaves the frame */

/* photo at (x, y), bilinear (a sampler of its own, not the engine's). */
static void
at (const NsImage *photo, double x, double y, float *rgb)
{
  int x0 = (int) floor (x), y0 = (int) floor (y);
  double fx = x - x0, fy = y - y0;
  for (int c = 0; c < 3; c++)
    {
#define P(xx, yy) photo->pixels[((gsize) (yy) * photo->width + (xx)) * 3 + c]
      rgb[c] = (float) ((1 - fy) * ((1 - fx) * P (x0, y0) + fx * P (x0 + 1, y0))
                        + fy * ((1 - fx) * P (x0, y0 + 1) + fx * P (x0 + 1, y0 + 1)));
#undef P
    }
}

/* A W x H frame of the photo from (x0 + dx, y0 + dy); with a patch (side
 * > 0) of the photo's part at (200, 40) at px, py over it. */
static NsImage *
frame (const NsImage *photo, double x0, double y0, double px, double py, int side)
{
  NsImage *f = ns_image_new (W, H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gboolean on = side > 0 && x >= px && x < px + side && y >= py && y < py + side;
        at (photo, on ? 200 + x - px : x0 + x, on ? 40 + y - py : y0 + y, f->pixels + ((gsize) y * W + x) * 3);
      }
  return f;
}

static NsImage *
photo (void)
{
  static NsImage *dog;
  if (!dog)
    dog = test_image_load (TEST_CONTENT_IMAGE);
  g_assert_cmpint (dog->width, >=, 400);
  return dog;
}

/* The mean distance of the flow from (u, v) inside the border. */
static double
endpoint_error (const NsFlow *flow, double u, double v)
{
  double sum = 0;
  int n = 0;
  for (int y = BORDER; y < H - BORDER; y++)
    for (int x = BORDER; x < W - BORDER; x++, n++)
      sum += hypot (flow->u[y * W + x] - u, flow->v[y * W + x] - v);
  return sum / n;
}

/* Frame b is frame a with the camera moved by (dx, dy): a's pixel p is at
 * p - (dx, dy) in b. */
static void
test_translation (gconstpointer data)
{
  const double *d = data;
  g_autoptr (NsImage) a = frame (photo (), 150, 150, 0, 0, 0);
  g_autoptr (NsImage) b = frame (photo (), 150 + d[0], 150 + d[1], 0, 0, 0);
  g_autoptr (NsFlow) flow = ns_flow_estimate (a, b);
  double error = endpoint_error (flow, -d[0], -d[1]);
  g_test_message ("moved by %.1f, %.1f: mean endpoint error %.3f px", d[0], d[1], error);
  g_assert_cmpfloat (error, <, 0.15);

  /* b carried back along the flow is a, inside the border, nearly as
   * well as along the true motion (both resample b) */
  g_autoptr (NsImage) back = ns_flow_warp (b, flow);
  g_autoptr (NsFlow) truth = ns_flow_new (W, H);
  for (int p = 0; p < W * H; p++)
    truth->u[p] = (float) -d[0], truth->v[p] = (float) -d[1];
  g_autoptr (NsImage) exact = ns_flow_warp (b, truth);
  double diff = 0, moved = 0, least = 0;
  int n = 0;
  for (int y = BORDER; y < H - BORDER; y++)
    for (int x = BORDER; x < W - BORDER; x++)
      for (int c = 0; c < 3; c++, n++)
        {
          gsize i = ((gsize) y * W + x) * 3 + c;
          diff += fabs (back->pixels[i] - a->pixels[i]);
          least += fabs (exact->pixels[i] - a->pixels[i]);
          moved += fabs (b->pixels[i] - a->pixels[i]);
        }
  g_test_message ("a against b carried back: %.4f (along the true motion %.4f; b itself %.4f)", diff / n,
                  least / n, moved / n);
  g_assert_cmpfloat (diff / n, <, 1.5 * least / n);
  g_assert_cmpfloat (diff / n, <, 0.3 * moved / n);

  /* Trusted inside; not where a's pixels leave b (x - dx < 0 for dx > 0). */
  g_autoptr (NsFlow) reverse = ns_flow_estimate (b, a);
  g_autoptr (NsMask) mask = ns_flow_consistency (flow, reverse);
  double inside = 0, gone = 0;
  int n_inside = 0, n_gone = 0;
  for (int y = BORDER; y < H - BORDER; y++)
    for (int x = 0; x < W - BORDER; x++)
      if (x >= BORDER)
        inside += mask->values[y * W + x], n_inside++;
      else if (x - d[0] < -1.0)
        gone += mask->values[y * W + x], n_gone++;
  g_test_message ("trusted: %.3f inside, %.3f of what leaves", inside / n_inside, n_gone ? gone / n_gone : 0);
  g_assert_cmpfloat (inside / n_inside, >, 0.95);
  g_assert_cmpfloat (n_gone, >, 0);
  g_assert_cmpfloat (gone, ==, 0);
}

static void
test_still (void)
{
  g_autoptr (NsImage) a = frame (photo (), 150, 150, 0, 0, 0);
  g_autoptr (NsFlow) flow = ns_flow_estimate (a, a);
  g_autoptr (NsMask) mask = ns_flow_consistency (flow, flow);
  double largest = 0, trusted = 0;
  for (int p = 0; p < W * H; p++)
    largest = MAX (largest, hypot (flow->u[p], flow->v[p])), trusted += mask->values[p];
  g_assert_cmpfloat (largest, <, 1e-3);
  g_assert_cmpfloat (trusted, ==, W * H);
}

/* A 40 px patch moves 6 px right over a still background: its pixels move
 * with it, the background stays, and what it covers is not trusted. */
static void
test_moving_patch (void)
{
  g_autoptr (NsImage) a = frame (photo (), 150, 150, 50, 40, 40);
  g_autoptr (NsImage) b = frame (photo (), 150, 150, 56, 40, 40);
  g_autoptr (NsFlow) flow = ns_flow_estimate (a, b);
  g_autoptr (NsFlow) reverse = ns_flow_estimate (b, a);
  g_autoptr (NsMask) mask = ns_flow_consistency (flow, reverse);
  double on = 0, still = 0, covered = 0;
  int n_on = 0, n_still = 0, n_covered = 0;
  for (int y = BORDER; y < H - BORDER; y++)
    for (int x = BORDER; x < W - BORDER; x++)
      {
        gsize p = (gsize) y * W + x;
        gboolean in_a = x >= 50 && x < 90 && y >= 40 && y < 80, in_b = x >= 56 && x < 96 && y >= 40 && y < 80;
        if (in_a && x >= 56 && x < 84 && y >= 46 && y < 74)   /* the patch's inside */
          on += hypot (flow->u[p] - 6, flow->v[p]), n_on++;
        else if (!in_a && in_b)
          covered += mask->values[p], n_covered++;
        else if (x < 40 || x > 106 || y < 30 || y > 90)   /* well away from it */
          still += hypot (flow->u[p], flow->v[p]), n_still++;
      }
  g_test_message ("patch error %.3f px, background %.3f px, covered and trusted %.2f", on / n_on, still / n_still,
                  covered / n_covered);
  g_assert_cmpfloat (on / n_on, <, 0.5);
  g_assert_cmpfloat (still / n_still, <, 0.2);
  g_assert_cmpfloat (covered / n_covered, <, 0.2);
}

/* ---- the fine band carried from the frame before ---------------------------------- */

static double
mean_difference (const NsImage *a, const NsImage *b, int border)
{
  double sum = 0;
  int n = 0;
  for (int y = border; y < a->height - border; y++)
    for (int x = border; x < a->width - border; x++)
      for (int c = 0; c < 3; c++, n++)
        sum += fabs (a->pixels[((gsize) y * a->width + x) * 3 + c] - b->pixels[((gsize) y * b->width + x) * 3 + c]);
  return sum / n;
}

/* Frame a, and b with the camera moved 4 px right and a fine noise of its
 * own on it (as brushwork matched anew would be): with a's band carried,
 * b's noise is gone and a's texture is there, moved; with a mask of 0, or
 * no frame before, b as it was. */
static void
test_carry (void)
{
  g_autoptr (NsImage) a = frame (photo (), 150, 150, 0, 0, 0);
  g_autoptr (NsImage) b = frame (photo (), 154, 150, 0, 0, 0);
  g_autoptr (NsImage) a_band = NULL, b_band = NULL, b_own = NULL, none_band = NULL;
  g_autoptr (NsImage) first = ns_image_copy (a);
  g_assert_true (ns_carry_texture (first, NULL, NULL, NULL, 2.0, &a_band));
  g_assert_cmpfloat (mean_difference (first, a, 0), <, 1e-6);   /* the first frame is kept */
  double texture = 0;
  for (gsize i = 0; i < (gsize) W * H * 3; i++)
    texture += fabs (a_band->pixels[i]) / (W * H * 3);
  g_assert_cmpfloat (texture, >, 0.01);

  /* b's pixel p shows a's p + 4 */
  g_autoptr (NsFlow) flow = ns_flow_new (W, H);
  g_autoptr (NsMask) all = ns_mask_new (W, H), nothing = ns_mask_new (W, H);
  for (int p = 0; p < W * H; p++)
    flow->u[p] = 4, all->values[p] = 1;
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (NsImage) noisy = ns_image_copy (b);
  for (gsize i = 0; i < (gsize) W * H * 3; i++)
    {
      float value = noisy->pixels[i] + (float) g_rand_double_range (rand, -0.1, 0.1);
      noisy->pixels[i] = CLAMP (value, 0.0f, 1.0f);
    }
  g_autoptr (NsImage) kept = ns_image_copy (noisy);
  g_assert_true (ns_carry_texture (kept, a_band, flow, nothing, 2.0, &none_band));
  g_assert_cmpfloat (mean_difference (kept, noisy, 0), <, 1e-6);

  g_autoptr (NsImage) carried = ns_image_copy (noisy);
  g_assert_true (ns_carry_texture (carried, a_band, flow, all, 2.0, &b_band));
  g_autoptr (NsImage) own = ns_image_copy (b);
  g_assert_true (ns_carry_texture (own, NULL, NULL, NULL, 2.0, &b_own));
  /* the clean b's band is a's texture moved: the carried band is that, not
   * the noise, and the picture is near the clean b (the noise left only
   * in the blur) */
  double band_error = mean_difference (b_band, b_own, BORDER), picture_error = mean_difference (carried, b, BORDER);
  double noise = mean_difference (noisy, b, BORDER);
  g_test_message ("carried band against the clean b's %.4f (texture %.4f); picture against the clean b %.4f "
                  "(noisy b %.4f)", band_error, texture, picture_error, noise);
  g_assert_cmpfloat (band_error, <, 0.25 * noise);
  g_assert_cmpfloat (picture_error, <, 0.25 * noise);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const double small[] = { 2.6, -1.3 }, large[] = { 7.3, 4.1 };
  g_test_add_data_func ("/flow/translation/small", small, test_translation);
  g_test_add_data_func ("/flow/translation/large", large, test_translation);
  g_test_add_func ("/flow/still", test_still);
  g_test_add_func ("/flow/moving-patch", test_moving_patch);
  g_test_add_func ("/flow/carry-texture", test_carry);
  return g_test_run ();
}
