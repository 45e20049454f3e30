/* ns-flow.c: Horn-Schunck optical flow, coarse to fine with warping
 * (ns-flow.h).
 *
 * At each level of a pyramid of the two frames' grey values (halving down
 * to about MIN_SIDE pixels), the flow found at the coarser level is brought
 * up, and WARPS times: the second frame is warped back along it, and the
 * flow (U, V) minimises
 *   sum (Ix (U - u0) + Iy (V - v0) + It)^2 + ALPHA2 (|grad U|^2 + |grad V|^2)
 * with the derivatives of the frames around the flow (u0, v0) of that
 * warp, by Gauss-Seidel sweeps of the Euler-Lagrange equations:
 *   U = Ubar - w Ix r / (ALPHA2 + w (Ix^2 + Iy^2)),  r = Ix (Ubar - u0) + Iy (Vbar - v0) + It
 * The data term is robust (Charbonnier, reweighted at each warp): w =
 * ROBUST / sqrt (It^2 + ROBUST^2), so that where the frames disagree (an
 * occlusion, a repetitive texture matched wrongly) the neighbours' flow
 * wins over the misfit.
 * (Ubar the mean of the four neighbours). Where the warp leaves the frame
 * the data term is off and the smoothness fills the flow in. After each
 * warp a median filter takes out outliers and keeps motion edges sharper
 * than the quadratic smoothness alone (Sun, Roth, Black, "Secrets of
 * optical flow estimation", 2010); each level's frames are blurred a
 * little first. On test-flow's photo: 0.1 px on a pan, the background
 * next to a moving patch pulled along by 0.1 px; the consistency mask
 * trusts 98.6% of bench-frames' 256-px pan and 93.5% of its zoom (84% and
 * 78% without the robust term). */
#include "ns-flow.h"
#include "ns-filter.h"

#include <math.h>
#include <string.h>

#define MIN_SIDE 16      /* the coarsest level's short side, about */
#define WARPS    4       /* linearisations per level */
#define SWEEPS   40      /* Gauss-Seidel sweeps per warp */
#define ALPHA2   0.005   /* smoothness against the data term, grey values 0..1 */
#define SIGMA    0.7     /* each level's frames blurred so (pixels): their derivatives hold */
#define ROBUST   0.005f  /* the data term's Charbonnier scale (grey values): a larger misfit weighs less */
#define MEDIAN   2       /* the flow's median over (2 MEDIAN + 1)^2 pixels after each warp */

NsFlow *
ns_flow_new (int width, int height)
{
  gsize n = (gsize) width * height;
  NsFlow *flow = g_new0 (NsFlow, 1);
  *flow = (NsFlow) { width, height, g_try_new0 (float, n), g_try_new0 (float, n) };
  if (width <= 0 || height <= 0 || !flow->u || !flow->v)
    g_clear_pointer (&flow, ns_flow_free);
  return flow;
}

void
ns_flow_free (NsFlow *flow)
{
  if (!flow)
    return;
  g_free (flow->u);
  g_free (flow->v);
  g_free (flow);
}

/* plane (w x h) at (x, y), bilinear, clamped to the edges. */
static float
sample (const float *plane, int w, int h, int channels, int channel, float x, float y)
{
  x = CLAMP (x, 0.0f, (float) (w - 1));
  y = CLAMP (y, 0.0f, (float) (h - 1));
  int x0 = MIN ((int) x, w - 2 < 0 ? 0 : w - 2), y0 = MIN ((int) y, h - 2 < 0 ? 0 : h - 2);
  int x1 = MIN (x0 + 1, w - 1), y1 = MIN (y0 + 1, h - 1);
  float fx = x - x0, fy = y - y0;
#define AT(xx, yy) plane[((gsize) (yy) * w + (xx)) * channels + channel]
  float top = AT (x0, y0) + fx * (AT (x1, y0) - AT (x0, y0));
  float bottom = AT (x0, y1) + fx * (AT (x1, y1) - AT (x0, y1));
#undef AT
  return top + fy * (bottom - top);
}

/* Catmull-Rom weights of the four samples around a point at fraction t. */
static void
cubic_weights (float t, float *w)
{
  float t2 = t * t, t3 = t2 * t;
  w[0] = 0.5f * (-t3 + 2 * t2 - t);
  w[1] = 0.5f * (3 * t3 - 5 * t2 + 2);
  w[2] = 0.5f * (-3 * t3 + 4 * t2 + t);
  w[3] = 0.5f * (t3 - t2);
}

/* image at (x, y), bicubic (Catmull-Rom), edges clamped, into rgb: a
 * picture carried frame after frame softens far less than bilinearly. */
static void
sample_cubic (const NsImage *image, float x, float y, float *rgb)
{
  int w = image->width, h = image->height;
  x = CLAMP (x, 0.0f, (float) (w - 1));
  y = CLAMP (y, 0.0f, (float) (h - 1));
  int x0 = (int) x, y0 = (int) y;
  float wx[4], wy[4];
  cubic_weights (x - x0, wx);
  cubic_weights (y - y0, wy);
  rgb[0] = rgb[1] = rgb[2] = 0;
  for (int j = 0; j < 4; j++)
    {
      int yy = CLAMP (y0 - 1 + j, 0, h - 1);
      for (int i = 0; i < 4; i++)
        {
          const float *p = image->pixels + ((gsize) yy * w + CLAMP (x0 - 1 + i, 0, w - 1)) * 3;
          float k = wx[i] * wy[j];
          rgb[0] += k * p[0], rgb[1] += k * p[1], rgb[2] += k * p[2];
        }
    }
}

/* Rec. 601 luma of an image, as a mask (one plane). */
static NsMask *
grey (const NsImage *image)
{
  NsMask *g = ns_mask_new (image->width, image->height);
  for (gsize p = 0; g && p < (gsize) image->width * image->height; p++)
    {
      const float *rgb = image->pixels + p * 3;
      g->values[p] = 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
    }
  return g;
}

NsFlow *
ns_flow_resize (const NsFlow *flow, int width, int height)
{
  NsMask u = { flow->width, flow->height, flow->u }, v = { flow->width, flow->height, flow->v };
  g_autoptr (NsMask) ru = ns_mask_resize (&u, width, height);
  g_autoptr (NsMask) rv = ru ? ns_mask_resize (&v, width, height) : NULL;
  NsFlow *out = rv ? g_new0 (NsFlow, 1) : NULL;
  if (!out)
    return NULL;
  float sx = (float) width / flow->width, sy = (float) height / flow->height;
  for (gsize p = 0; p < (gsize) width * height; p++)
    ru->values[p] *= sx, rv->values[p] *= sy;
  *out = (NsFlow) { width, height, g_steal_pointer (&ru->values), g_steal_pointer (&rv->values) };
  return out;
}

NsImage *
ns_flow_warp (const NsImage *source, const NsFlow *flow)
{
  NsImage *out = ns_image_new (flow->width, flow->height);
  if (!out)
    return NULL;
  float sx = (float) source->width / flow->width, sy = (float) source->height / flow->height;
  for (int y = 0; y < flow->height; y++)
    for (int x = 0; x < flow->width; x++)
      {
        gsize p = (gsize) y * flow->width + x;
        /* pixel centres: (x + 0.5) * s - 0.5 in the source */
        float qx = (x + 0.5f + flow->u[p]) * sx - 0.5f, qy = (y + 0.5f + flow->v[p]) * sy - 0.5f;
        sample_cubic (source, qx, qy, out->pixels + p * 3);
      }
  return out;
}

NsMask *
ns_flow_consistency (const NsFlow *fw, const NsFlow *bw)
{
  int w = fw->width, h = fw->height;
  NsMask *mask = ns_mask_new (w, h);
  if (!mask)
    return NULL;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize p = (gsize) y * w + x;
        float u = fw->u[p], v = fw->v[p], qx = x + u, qy = y + v;
        if (qx < -0.5f || qy < -0.5f || qx > w - 0.5f || qy > h - 0.5f)
          continue;   /* leaves the frame */
        float bu = sample (bw->u, w, h, 1, 0, qx, qy), bv = sample (bw->v, w, h, 1, 0, qx, qy);
        float round = (u + bu) * (u + bu) + (v + bv) * (v + bv);
        if (round > 0.01f * (u * u + v * v + bu * bu + bv * bv) + 0.5f)
          continue;   /* covered or uncovered */
        int xr = MIN (x + 1, w - 1), yd = MIN (y + 1, h - 1);
        float ux = fw->u[p - x + xr] - u, vx = fw->v[p - x + xr] - v;
        float uy = fw->u[(gsize) yd * w + x] - u, vy = fw->v[(gsize) yd * w + x] - v;
        if (ux * ux + vx * vx + uy * uy + vy * vy > 0.01f * (u * u + v * v) + 0.002f)
          continue;   /* a motion boundary */
        mask->values[p] = 1;
      }
  return mask;
}

/* ---- estimation --------------------------------------------------------------------- */

/* One warp at one level: (u, v) improved from itself by SWEEPS sweeps, the
 * data term linearised at (u, v) as given. */
static gboolean
refine (const NsMask *a, const NsMask *b, float *u, float *v)
{
  int w = a->width, h = a->height;
  gsize n = (gsize) w * h;
  g_autofree float *ix = g_try_new (float, n), *iy = g_try_new (float, n), *it = g_try_new (float, n);
  g_autofree float *u0 = g_try_new (float, n), *v0 = g_try_new (float, n), *warped = g_try_new (float, n);
  g_autofree float *wdata = g_try_new (float, n);
  if (!ix || !iy || !it || !u0 || !v0 || !warped || !wdata)
    return FALSE;
  memcpy (u0, u, n * sizeof (float));
  memcpy (v0, v, n * sizeof (float));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize p = (gsize) y * w + x;
        warped[p] = sample (b->values, w, h, 1, 0, x + u[p], y + v[p]);
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize p = (gsize) y * w + x;
        int xl = MAX (x - 1, 0), xr = MIN (x + 1, w - 1), yu = MAX (y - 1, 0), yd = MIN (y + 1, h - 1);
        float qx = x + u[p], qy = y + v[p];
        gboolean inside = qx >= 0 && qy >= 0 && qx <= w - 1 && qy <= h - 1 && xr > xl && yd > yu;
        /* the derivatives of both frames, averaged */
        float gx = (warped[p - x + xr] - warped[p - x + xl] + a->values[p - x + xr] - a->values[p - x + xl])
                   / (2.0f * (xr - xl));
        float gy = (warped[(gsize) yd * w + x] - warped[(gsize) yu * w + x] + a->values[(gsize) yd * w + x]
                    - a->values[(gsize) yu * w + x]) / (2.0f * (yd - yu));
        ix[p] = inside ? gx : 0, iy[p] = inside ? gy : 0, it[p] = inside ? warped[p] - a->values[p] : 0;
        wdata[p] = ROBUST / sqrtf (it[p] * it[p] + ROBUST * ROBUST);
      }
  for (int sweep = 0; sweep < SWEEPS; sweep++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          gsize p = (gsize) y * w + x;
          float su = 0, sv = 0;
          int count = 0;
          if (x > 0) su += u[p - 1], sv += v[p - 1], count++;
          if (x + 1 < w) su += u[p + 1], sv += v[p + 1], count++;
          if (y > 0) su += u[p - w], sv += v[p - w], count++;
          if (y + 1 < h) su += u[p + w], sv += v[p + w], count++;
          float ub = count ? su / count : u[p], vb = count ? sv / count : v[p];
          float r = ix[p] * (ub - u0[p]) + iy[p] * (vb - v0[p]) + it[p];
          float wd = wdata[p];
          float d = (float) ALPHA2 + wd * (ix[p] * ix[p] + iy[p] * iy[p]);
          u[p] = ub - wd * ix[p] * r / d;
          v[p] = vb - wd * iy[p] * r / d;
        }
  return TRUE;
}

/* plane's median over each pixel's window (inside the plane), in place. */
static gboolean
median (float *plane, int w, int h)
{
  g_autofree float *out = g_try_new (float, (gsize) w * h);
  if (!out)
    return FALSE;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float v[(2 * MEDIAN + 1) * (2 * MEDIAN + 1)];
        int n = 0;
        for (int yy = MAX (y - MEDIAN, 0); yy <= MIN (y + MEDIAN, h - 1); yy++)
          for (int xx = MAX (x - MEDIAN, 0); xx <= MIN (x + MEDIAN, w - 1); xx++)
            {
              float value = plane[(gsize) yy * w + xx];
              int i = n++;
              for (; i > 0 && v[i - 1] > value; i--)   /* insertion: a few dozen values */
                v[i] = v[i - 1];
              v[i] = value;
            }
        out[(gsize) y * w + x] = v[n / 2];
      }
  memcpy (plane, out, (gsize) w * h * sizeof (float));
  return TRUE;
}

/* The flow from a to b at their size, from the coarser level's. */
static NsFlow *
level_flow (const NsMask *a, const NsMask *b)
{
  int w = a->width, h = a->height;
  g_autoptr (NsFlow) flow = NULL;
  if (MIN (w, h) / 2 >= MIN_SIDE)
    {
      int cw = (w + 1) / 2, ch = (h + 1) / 2;
      g_autoptr (NsMask) ca = ns_mask_resize (a, cw, ch);
      g_autoptr (NsMask) cb = ca ? ns_mask_resize (b, cw, ch) : NULL;
      g_autoptr (NsFlow) coarse = cb ? level_flow (ca, cb) : NULL;
      flow = coarse ? ns_flow_resize (coarse, w, h) : NULL;
    }
  else
    flow = ns_flow_new (w, h);
  g_autoptr (NsMask) sa = flow ? ns_mask_copy (a) : NULL, sb = flow ? ns_mask_copy (b) : NULL;
  g_autofree float *scratch = sb ? g_try_new (float, ns_filter_blur_scratch (w, h, 1, SIGMA)) : NULL;
  if (!scratch)
    return NULL;
  ns_filter_blur (sa->values, w, h, 1, SIGMA, scratch);
  ns_filter_blur (sb->values, w, h, 1, SIGMA, scratch);
  for (int k = 0; k < WARPS; k++)
    if (!refine (sa, sb, flow->u, flow->v) || !median (flow->u, w, h) || !median (flow->v, w, h))
      return NULL;
  return g_steal_pointer (&flow);
}

NsFlow *
ns_flow_estimate (const NsImage *from, const NsImage *to)
{
  g_return_val_if_fail (from->width == to->width && from->height == to->height, NULL);
  g_autoptr (NsMask) a = grey (from);
  g_autoptr (NsMask) b = a ? grey (to) : NULL;
  return b ? level_flow (a, b) : NULL;
}
