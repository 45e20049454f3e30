/* ns-pixels.c: the one conversion between a host's pixel buffers (GIMP's
 * GEGL buffers and thumbnails, gdk-pixbuf files) and NsImage, so that the
 * plug-in, the preview and the command-line tool see the same picture.
 *
 * The rule: samples are gamma-encoded (sRGB, GIMP's R'G'B'), 8-bit or float;
 * grey is copied to R, G and B; alpha is ignored on the way in (the colour of
 * each pixel as stored, so a layer's transparent parts do not turn white or
 * black) and left untouched on the way out (the host keeps its alpha). */
#include "neural-style.h"

#include <math.h>
#include <glib/gi18n-lib.h>

static gboolean
check_layout (int width, int height, gsize rowstride, int channels, NsSampleType type, GError **error)
{
  gsize sample = type == NS_SAMPLES_FLOAT ? sizeof (float) : 1;
  if (channels < 1 || channels > 4 || (type != NS_SAMPLES_U8 && type != NS_SAMPLES_FLOAT)
      || width <= 0 || height <= 0 || rowstride < (gsize) width * channels * sample)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("unsupported pixel layout: %dx%d, %d channels, row stride %llu"),
                   width, height, channels, (unsigned long long) rowstride);
      return FALSE;
    }
  return TRUE;
}

static inline float
sample_at (const guchar *row, int i, NsSampleType type)
{
  return type == NS_SAMPLES_FLOAT ? ((const float *) (const void *) row)[i] : row[i] / 255.0f;
}

NsImage *
ns_image_from_pixels (const void *pixels, int width, int height, gsize rowstride, int channels,
                      NsSampleType type, GError **error)
{
  if (!check_layout (width, height, rowstride, channels, type, error))
    return NULL;
  NsImage *image = ns_image_new (width, height);
  if (!image)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("a %dx%d image does not fit in memory"), width, height);
      return NULL;
    }
  gboolean grey = channels < 3;
  for (int y = 0; y < height; y++)
    {
      const guchar *row = (const guchar *) pixels + (gsize) y * rowstride;
      float *out = image->pixels + (gsize) y * width * 3;
      for (int x = 0; x < width; x++)
        for (int c = 0; c < 3; c++)
          {
            float v = sample_at (row, x * channels + (grey ? 0 : c), type);
            out[x * 3 + c] = isfinite (v) ? CLAMP (v, 0.0f, 1.0f) : 0.0f;   /* float layers may hold HDR or NaN */
          }
    }
  return image;
}

/* Rec. 601 luma of gamma-encoded RGB, as babl's Y' and GIMP's desaturate use. */
static inline float
luma (const float *rgb)
{
  return 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
}

void
ns_image_to_pixels (const NsImage *image, void *pixels, gsize rowstride, int channels, NsSampleType type)
{
  g_return_if_fail (check_layout (image->width, image->height, rowstride, channels, type, NULL));
  gboolean grey = channels < 3;
  for (int y = 0; y < image->height; y++)
    {
      guchar *row = (guchar *) pixels + (gsize) y * rowstride;
      const float *in = image->pixels + (gsize) y * image->width * 3;
      for (int x = 0; x < image->width; x++)
        for (int c = 0; c < (grey ? 1 : 3); c++)
          {
            float v = grey ? luma (in + x * 3) : in[x * 3 + c];
            v = isfinite (v) ? CLAMP (v, 0.0f, 1.0f) : 0.0f;
            if (type == NS_SAMPLES_FLOAT)
              ((float *) (void *) row)[x * channels + c] = v;
            else
              row[x * channels + c] = (guchar) (v * 255.0f + 0.5f);
          }
    }
}

NsMask *
ns_mask_from_pixels (const void *pixels, int width, int height, gsize rowstride, int channels, NsSampleType type,
                     GError **error)
{
  g_autoptr (NsImage) image = ns_image_from_pixels (pixels, width, height, rowstride, channels, type, error);
  if (!image)
    return NULL;
  NsMask *mask = ns_mask_new (width, height);
  if (!mask)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("a %dx%d mask does not fit in memory"), width, height);
      return NULL;
    }
  for (gsize i = 0; i < (gsize) width * height; i++)
    mask->values[i] = luma (image->pixels + i * 3);
  return mask;
}
