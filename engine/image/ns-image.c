/* ns-image.c: RGB float images and their resampling. */
#include "neural-style.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (ns-error-quark, ns_error)

/* Refuse sizes whose float buffer would overflow or be absurd (> 2^31 floats). */
#define NS_IMAGE_MAX_PIXELS ((gsize) 1 << 29)

/* width x height x channels zeroed floats, or NULL if absurd or unavailable. */
static float *
new_plane (int width, int height, int channels)
{
  if (width <= 0 || height <= 0 || (gsize) width * height > NS_IMAGE_MAX_PIXELS)
    return NULL;
  return g_try_malloc0_n ((gsize) width * height * channels, sizeof (float));
}

NsImage *
ns_image_new (int width, int height)
{
  float *pixels = new_plane (width, height, 3);
  if (!pixels)
    return NULL;
  NsImage *image = g_new (NsImage, 1);
  *image = (NsImage) { width, height, pixels };
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

/* Resamples a width x height image of c interleaved channels into out
 * (out_width x out_height, zeroed). */
static gboolean
resample (const float *in, int width, int height, int c, float *out, int out_width, int out_height)
{
  float *rows = g_try_malloc0_n ((gsize) out_width * height * c, sizeof (float));
  if (!rows)
    return FALSE;
  Taps tx, ty;
  taps_init (&tx, width, out_width);
  taps_init (&ty, height, out_height);

  /* Horizontal pass into rows (out_width x height), then vertical. */
  for (int y = 0; y < height; y++)
    {
      const float *src = in + (gsize) y * width * c;
      float *dst = rows + (gsize) y * out_width * c;
      for (int x = 0; x < out_width; x++)
        {
          const float *w = tx.weights + (gsize) x * tx.max_taps;
          for (int k = 0; k < tx.count[x]; k++)
            {
              const float *p = src + (gsize) (tx.first[x] + k) * c;
              for (int ch = 0; ch < c; ch++)
                dst[x * c + ch] += w[k] * p[ch];
            }
        }
    }
  for (int y = 0; y < out_height; y++)
    {
      const float *w = ty.weights + (gsize) y * ty.max_taps;
      float *dst = out + (gsize) y * out_width * c;
      for (int k = 0; k < ty.count[y]; k++)
        {
          const float *src = rows + (gsize) (ty.first[y] + k) * out_width * c;
          for (int i = 0; i < out_width * c; i++)
            dst[i] += w[k] * src[i];
        }
    }
  taps_clear (&tx);
  taps_clear (&ty);
  g_free (rows);
  return TRUE;
}

NsImage *
ns_image_resize (const NsImage *image, int width, int height)
{
  if (width == image->width && height == image->height)
    return ns_image_copy (image);
  NsImage *out = ns_image_new (width, height);
  if (out && !resample (image->pixels, image->width, image->height, 3, out->pixels, width, height))
    g_clear_pointer (&out, ns_image_free);
  return out;
}

/* ---- masks ------------------------------------------------------------------------ */

NsMask *
ns_mask_new (int width, int height)
{
  float *values = new_plane (width, height, 1);
  if (!values)
    return NULL;
  NsMask *mask = g_new (NsMask, 1);
  *mask = (NsMask) { width, height, values };
  return mask;
}

NsMask *
ns_mask_copy (const NsMask *mask)
{
  NsMask *copy = ns_mask_new (mask->width, mask->height);
  if (copy)
    memcpy (copy->values, mask->values, (gsize) mask->width * mask->height * sizeof (float));
  return copy;
}

void
ns_mask_free (NsMask *mask)
{
  if (!mask)
    return;
  g_free (mask->values);
  g_free (mask);
}

NsMask *
ns_mask_resize (const NsMask *mask, int width, int height)
{
  NsMask *out = ns_mask_new (width, height);
  if (out && (width == mask->width && height == mask->height))
    memcpy (out->values, mask->values, (gsize) width * height * sizeof (float));
  else if (out && !resample (mask->values, mask->width, mask->height, 1, out->values, width, height))
    g_clear_pointer (&out, ns_mask_free);
  return out;
}
