/* ns-image.c: RGB float images and their resampling. */
#include "neural-style.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (ns-error-quark, ns_error)

/* Refuse sizes whose float buffer would overflow or be absurd (> 2^31 floats). */
#define NS_IMAGE_MAX_PIXELS ((gsize) 1 << 29)

NsImage *
ns_image_new (int width, int height)
{
  if (width <= 0 || height <= 0 || (gsize) width * height > NS_IMAGE_MAX_PIXELS)
    return NULL;
  float *pixels = g_try_malloc0_n ((gsize) width * height * 3, sizeof (float));
  if (!pixels)
    return NULL;
  NsImage *image = g_new (NsImage, 1);
  image->width = width;
  image->height = height;
  image->pixels = pixels;
  return image;
}

NsImage *
ns_image_copy (const NsImage *image)
{
  NsImage *copy = ns_image_new (image->width, image->height);
  if (copy)
    memcpy (copy->pixels, image->pixels, (gsize) image->width * image->height * 3 * sizeof (float));
  return copy;
}

void
ns_image_free (NsImage *image)
{
  if (!image)
    return;
  g_free (image->pixels);
  g_free (image);
}

/* One axis of a separable resampler: for each output sample, the range of
 * input samples and their weights. A triangle filter widened by the
 * shrink factor antialiases when shrinking and is bilinear when growing. */
typedef struct
{
  int   *first;
  int   *count;
  float *weights;   /* taps per output sample, max_taps apart */
  int    max_taps;
} Taps;

static void
taps_init (Taps *taps, int in, int out)
{
  double scale = (double) in / out;
  double support = scale > 1.0 ? scale : 1.0;
  taps->max_taps = (int) ceil (2 * support) + 2;
  taps->first = g_new (int, out);
  taps->count = g_new (int, out);
  taps->weights = g_new0 (float, (gsize) out * taps->max_taps);
  for (int o = 0; o < out; o++)
    {
      double centre = (o + 0.5) * scale - 0.5;
      int lo = MAX ((int) floor (centre - support) + 1, 0);
      int hi = MIN ((int) ceil (centre + support) - 1, in - 1);
      if (hi < lo)
        lo = hi = CLAMP ((int) floor (centre + 0.5), 0, in - 1);
      float *w = taps->weights + (gsize) o * taps->max_taps;
      double sum = 0;
      int n = 0;
      for (int i = lo; i <= hi && n < taps->max_taps; i++, n++)
        {
          w[n] = (float) MAX (0.0, 1.0 - fabs (i - centre) / support);
          sum += w[n];
        }
      if (sum <= 0)
        {
          w[0] = 1, n = 1;
          sum = 1;
        }
      for (int k = 0; k < n; k++)
        w[k] /= sum;
      taps->first[o] = lo;
      taps->count[o] = n;
    }
}

static void
taps_clear (Taps *taps)
{
  g_free (taps->first);
  g_free (taps->count);
  g_free (taps->weights);
}

NsImage *
ns_image_resize (const NsImage *image, int width, int height)
{
  if (width == image->width && height == image->height)
    return ns_image_copy (image);
  NsImage *out = ns_image_new (width, height);
  float *rows = g_try_malloc0_n ((gsize) width * image->height * 3, sizeof (float));
  if (!out || !rows)
    {
      ns_image_free (out);
      g_free (rows);
      return NULL;
    }
  Taps tx, ty;
  taps_init (&tx, image->width, width);
  taps_init (&ty, image->height, height);

  /* Horizontal pass into rows (width x in_height), then vertical. */
  for (int y = 0; y < image->height; y++)
    {
      const float *src = image->pixels + (gsize) y * image->width * 3;
      float *dst = rows + (gsize) y * width * 3;
      for (int x = 0; x < width; x++)
        {
          const float *w = tx.weights + (gsize) x * tx.max_taps;
          float r = 0, g = 0, b = 0;
          for (int k = 0; k < tx.count[x]; k++)
            {
              const float *p = src + (gsize) (tx.first[x] + k) * 3;
              r += w[k] * p[0], g += w[k] * p[1], b += w[k] * p[2];
            }
          dst[x * 3] = r, dst[x * 3 + 1] = g, dst[x * 3 + 2] = b;
        }
    }
  for (int y = 0; y < height; y++)
    {
      const float *w = ty.weights + (gsize) y * ty.max_taps;
      float *dst = out->pixels + (gsize) y * width * 3;
      for (int k = 0; k < ty.count[y]; k++)
        {
          const float *src = rows + (gsize) (ty.first[y] + k) * width * 3;
          for (int i = 0; i < width * 3; i++)
            dst[i] += w[k] * src[i];
        }
    }
  taps_clear (&tx);
  taps_clear (&ty);
  g_free (rows);
  return out;
}
