/* ns-filter.h: filters on float planes of interleaved channels, evaluated
 * over a window of the output, so that a tile of a large picture can be
 * made without making the whole (engine/texture/ns-brushwork.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A rectangle of a plane's coordinates, half-open [x0, x1) x [y0, y1). */
typedef struct
{
  int x0, y0, x1, y1;
} NsWindow;

/* The window of a bilinear enlargement of in (width x height, c channels)
 * to out_width x out_height, as ns_image_resize() enlarges (pixel centres
 * aligned, edges clamped): out holds (x1 - x0) x (y1 - y0) pixels. The
 * window may reach outside the enlarged plane: outside pixels are its
 * mirror images (reflection about the edge pixel's centre line, "reflect
 * 101"). */
void ns_filter_enlarge (const float *in, int width, int height, int c, int out_width, int out_height,
                        NsWindow window, float *out);

/* Gaussian blur of a width x height plane of c channels, in place, edges
 * reflected ("reflect 101"); the kernel reaches 3 sigma. scratch holds
 * ns_filter_blur_scratch() floats. sigma <= 0 leaves the plane as it is. */
void  ns_filter_blur         (float *plane, int width, int height, int c, double sigma, float *scratch);
gsize ns_filter_blur_scratch (int width, int height, int c, double sigma);

/* Halves a plane (2x2 means; an odd last row or column is averaged with
 * itself): out is ((width + 1) / 2) x ((height + 1) / 2). */
void ns_filter_halve (const float *in, int width, int height, int c, float *out);

/* Index of coordinate i reflected into [0, n) ("reflect 101": ..., 2, 1,
 * 0, 1, 2, ..., n-2, n-1, n-2, ...). */
static inline int
ns_reflect (int i, int n)
{
  if (n == 1)
    return 0;
  int period = 2 * (n - 1);
  i %= period;
  if (i < 0)
    i += period;
  return i < n ? i : period - i;
}

G_END_DECLS
