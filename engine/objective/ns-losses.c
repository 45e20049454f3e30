/* ns-losses.c: the style (on Gram matrices), content and total-variation
 * losses and their gradients, as derived in docs/losses.md. Sums are
 * accumulated in double so that large layers do not lose precision. */
#include "ns-losses.h"

#include <math.h>
#include <string.h>

/* weight * mean((x - target)^2) over count values, the one squared-error
 * loop of the style and content losses. Its gradient goes into grad if not
 * NULL: added to it, or written over it (grad may then be x itself). */
static double
mean_squared_error (const float *x, const float *target, gsize count, double weight, float *grad,
                    gboolean add)
{
  double sum = 0.0;

  if (count == 0)
    return 0.0;

  for (gsize i = 0; i < count; i++)
    {
      double d = (double) x[i] - target[i];
      sum += d * d;
      if (!grad)
        continue;
      float g = (float) (weight * 2.0 * d / count);
      grad[i] = add ? grad[i] + g : g;
    }
  return weight * sum / count;
}

double
ns_style_loss (const float *gram, const float *target, int c, double weight, float *dgram)
{
  return mean_squared_error (gram, target, (gsize) c * c, weight, dgram, FALSE);
}

double
ns_content_loss (const float *features, const float *target, gsize count, double weight, float *grad)
{
  return mean_squared_error (features, target, count, weight, grad, TRUE);
}

double
ns_tv_loss (const float *image, int width, int height, int c, double eps,
            double weight, float *grad)
{
  gsize  pixels = (gsize) width * height;
  double sum = 0.0;

  if (pixels == 0 || c <= 0)
    return 0.0;

  /* Each pixel's term r = sqrt(sum_k dx_k^2 + dy_k^2 + eps) depends on the
   * pixel itself and on its right and lower neighbours:
   *   dr/dI(x,y)   = -(dx + dy) / r
   *   dr/dI(x+1,y) = dx / r,   dr/dI(x,y+1) = dy / r                      */
  double scale = weight / pixels;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize        p = ((gsize) y * width + x) * c;
        const float *here = image + p;
        const float *right = x + 1 < width ? here + c : NULL;
        const float *below = y + 1 < height ? here + (gsize) width * c : NULL;
        double       sq = eps;

        for (int k = 0; k < c; k++)
          {
            double dx = right ? (double) right[k] - here[k] : 0.0;
            double dy = below ? (double) below[k] - here[k] : 0.0;
            sq += dx * dx + dy * dy;
          }
        double r = sqrt (sq);
        sum += r;

        if (!grad || r == 0.0)
          continue;
        double g = scale / r;
        for (int k = 0; k < c; k++)
          {
            double dx = right ? (double) right[k] - here[k] : 0.0;
            double dy = below ? (double) below[k] - here[k] : 0.0;
            grad[p + k] -= (float) (g * (dx + dy));
            if (right)
              grad[p + c + k] += (float) (g * dx);
            if (below)
              grad[p + (gsize) width * c + k] += (float) (g * dy);
          }
      }
  return weight * sum / pixels;
}

double
ns_core_content_loss (const float *features, NsShape s, NsRect r, const float *target, gsize total, double weight,
                      float *grad)
{
  double loss = 0;
  gsize row = (gsize) MAX (0, r.x1 - r.x0) * s.c;
  /* Per row, weight * row / total makes ns_content_loss' mean over the row a
   * share of the mean over the whole image. */
  for (int y = r.y0; y < r.y1 && row; y++, target += row)
    {
      gsize offset = ((gsize) y * s.w + r.x0) * s.c;
      loss += ns_content_loss (features + offset, target, row, weight * row / total, grad ? grad + offset : NULL);
    }
  return loss;
}

double
ns_pixel_target_loss (const float *image, const float *target, const float *weights, gsize pixels, int c,
                      double weight, float *grad)
{
  if (pixels == 0 || c <= 0)
    return 0.0;
  double sum = 0.0, scale = weight / pixels;
  for (gsize p = 0; p < pixels; p++)
    {
      double w = weights ? weights[p] : 1.0;
      for (int k = 0; k < c; k++)
        {
          double d = (double) image[p * c + k] - target[p * c + k];
          sum += w * d * d;
          if (grad)
            grad[p * c + k] += (float) (2.0 * scale * w * d);
        }
    }
  return scale * sum;
}
