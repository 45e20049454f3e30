/* ns-filter.c: windowed bilinear enlargement, Gaussian blur and halving of
 * float planes (ns-filter.h). */
#include "ns-filter.h"

#include <math.h>
#include <string.h>

/* Source position of output sample o of an n_out enlargement of n_in
 * samples: the lower tap and the upper tap's weight. */
static void
enlarge_tap (int o, int n_in, int n_out, int *lower, float *frac)
{
  double centre = (o + 0.5) * n_in / n_out - 0.5;
  centre = CLAMP (centre, 0.0, (double) (n_in - 1));
  int i = MIN ((int) floor (centre), n_in - 1);
  *lower = i;
  *frac = i + 1 < n_in ? (float) (centre - i) : 0.0f;
}

void
ns_filter_enlarge (const float *in, int width, int height, int c, int out_width, int out_height,
                   NsWindow window, float *out)
{
  int ww = window.x1 - window.x0;
  int *xs = g_new (int, ww);
  float *fx = g_new (float, ww);
  for (int x = 0; x < ww; x++)
    enlarge_tap (ns_reflect (window.x0 + x, out_width), width, out_width, &xs[x], &fx[x]);
  for (int y = window.y0; y < window.y1; y++)
    {
      int sy;
      float fy;
      enlarge_tap (ns_reflect (y, out_height), height, out_height, &sy, &fy);
      const float *r0 = in + (gsize) sy * width * c;
      const float *r1 = in + (gsize) MIN (sy + 1, height - 1) * width * c;
      float *dst = out + (gsize) (y - window.y0) * ww * c;
      for (int x = 0; x < ww; x++)
        {
          int x1 = MIN (xs[x] + 1, width - 1);
          for (int ch = 0; ch < c; ch++)
            {
              float top = r0[xs[x] * c + ch] + fx[x] * (r0[x1 * c + ch] - r0[xs[x] * c + ch]);
              float bottom = r1[xs[x] * c + ch] + fx[x] * (r1[x1 * c + ch] - r1[xs[x] * c + ch]);
              dst[x * c + ch] = top + fy * (bottom - top);
            }
        }
    }
  g_free (xs);
  g_free (fx);
}

static int
blur_radius (double sigma)
{
  return MAX (1, (int) ceil (3 * sigma));
}

static gsize
ring_slot (int j, int taps)
{
  return (gsize) (((j % taps) + taps) % taps);
}

gsize
ns_filter_blur_scratch (int width, int height, int c, double sigma)
{
  int r = blur_radius (sigma);
  return MAX ((gsize) (width + 2 * r) * c, (gsize) (2 * r + 1) * width * c);
}

void
ns_filter_blur (float *plane, int width, int height, int c, double sigma, float *scratch)
{
  if (sigma <= 0)
    return;
  int radius = blur_radius (sigma), taps = 2 * radius + 1;
  float kernel[taps];
  double sum = 0;
  for (int k = -radius; k <= radius; k++)
    sum += kernel[k + radius] = (float) exp (-k * k / (2 * sigma * sigma));
  for (int k = 0; k < taps; k++)
    kernel[k] = (float) (kernel[k] / sum);
  gsize row = (gsize) width * c;
  /* Along each row: the row with its reflected ends in scratch, then the sums. */
  for (int y = 0; y < height; y++)
    {
      float *line = plane + y * row;
      for (int x = -radius; x < width + radius; x++)
        memcpy (scratch + (gsize) (x + radius) * c, line + (gsize) ns_reflect (x, width) * c, c * sizeof (float));
      for (gsize i = 0; i < row; i++)
        {
          float v = 0;
          for (int k = 0; k < taps; k++)
            v += kernel[k] * scratch[i + (gsize) k * c];
          line[i] = v;
        }
    }
  /* Down the columns, a row at a time: scratch keeps the original rows
   * y - radius .. y + radius (a ring, row j in slot j mod taps) while row y
   * is overwritten. A row past the bottom is the mirror of one the ring
   * still holds (its plane row may be overwritten already). */
  for (int j = -radius; j < radius; j++)
    memcpy (scratch + ring_slot (j, taps) * row, plane + (gsize) ns_reflect (j, height) * row, row * sizeof (float));
  for (int y = 0; y < height; y++)
    {
      int ahead = y + radius;
      const float *src = ahead < height ? plane + (gsize) ahead * row
                                        : scratch + ring_slot (ns_reflect (ahead, height), taps) * row;
      memcpy (scratch + ring_slot (ahead, taps) * row, src, row * sizeof (float));
      float *out = plane + (gsize) y * row;
      memset (out, 0, row * sizeof (float));
      for (int k = -radius; k <= radius; k++)
        {
          const float *in = scratch + ring_slot (y + k, taps) * row;
          for (gsize i = 0; i < row; i++)
            out[i] += kernel[k + radius] * in[i];
        }
    }
}

void
ns_filter_halve (const float *in, int width, int height, int c, float *out)
{
  int hw = (width + 1) / 2, hh = (height + 1) / 2;
  for (int y = 0; y < hh; y++)
    {
      const float *r0 = in + (gsize) (2 * y) * width * c;
      const float *r1 = in + (gsize) MIN (2 * y + 1, height - 1) * width * c;
      for (int x = 0; x < hw; x++)
        {
          int x0 = 2 * x, x1 = MIN (2 * x + 1, width - 1);
          for (int ch = 0; ch < c; ch++)
            out[((gsize) y * hw + x) * c + ch] = 0.25f * (r0[x0 * c + ch] + r0[x1 * c + ch] + r1[x0 * c + ch]
                                                          + r1[x1 * c + ch]);
        }
    }
}
