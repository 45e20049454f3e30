/* fd-check.c: see fd-check.h. */
#include "fd-check.h"

#include <math.h>

/* Values of every node after a forward pass, copied. */
static float **
snapshot (NsPass *pass, const float *input)
{
  const NsNetwork *net = pass->net;
  ns_pass_forward (pass, input);
  float **copy = g_new (float *, net->n_nodes);
  for (int k = 0; k < net->n_nodes; k++)
    copy[k] = g_memdup2 (pass->values[k], ns_shape_size (pass->shapes[k]) * sizeof (float));
  return copy;
}

static void
free_snapshot (float **values, int n)
{
  for (int k = 0; k < n; k++)
    g_free (values[k]);
  g_free (values);
}

/* TRUE if some node bends between the inputs minus, mid and plus (mid the
 * midpoint of the other two). */
static gboolean
bends (NsPass *pass, const float *plus_input, const float *minus_input, const float *mid_input)
{
  const NsNetwork *net = pass->net;
  float **plus = snapshot (pass, plus_input);
  float **minus = snapshot (pass, minus_input);
  float **mid = snapshot (pass, mid_input);

  /* Kinks are where ReLU and max-pool outputs bend, and every output after
   * one bends with it: every node's buffer is checked, whatever its type (a
   * transient output's holds the last output that shared it, piecewise
   * linear too). On a linear piece v(+) + v(-) - 2 v(0) vanishes up to
   * rounding; across a kink it is of the order of the change v(+) - v(-) of
   * that element. */
  gboolean kink = FALSE;
  for (int k = 1; k < net->n_nodes && !kink; k++)
    {
      gsize n = ns_shape_size (pass->shapes[k]);
      double scale = 0;
      for (gsize j = 0; j < n; j++)
        scale = fmax (scale, fabs (mid[k][j]));
      for (gsize j = 0; j < n && !kink; j++)
        {
          double change = fabs ((double) plus[k][j] - minus[k][j]);
          double curvature = fabs ((double) plus[k][j] + minus[k][j] - 2.0 * mid[k][j]);
          kink = curvature > 1e-2 * change + 1e-5 * scale;
        }
    }
  free_snapshot (plus, net->n_nodes);
  free_snapshot (minus, net->n_nodes);
  free_snapshot (mid, net->n_nodes);
  return kink;
}

gboolean
fd_crosses_kink (NsPass *pass, float *input, gsize i, float eps)
{
  gsize n = ns_shape_size (pass->shapes[0]);
  g_autofree float *plus = g_memdup2 (input, n * sizeof (float)), *minus = g_memdup2 (input, n * sizeof (float));
  plus[i] += eps, minus[i] -= eps;
  return bends (pass, plus, minus, input);
}

/* The network input of tile t's window of rgb, as the objective makes it
 * (with the margin's mirror). */
static void
window_input (const NsObjective *o, int t, const float *rgb, float *input)
{
  ns_tile_read_window (o->plan, &o->plan->tiles[t], rgb, input);
  ns_preprocess (o->model->recipe, input, ns_rect_area (o->plan->tiles[t].window), input);
}

/* TRUE if, in some tile's window, some node is not linear in pixel value i
 * of rgb over [rgb - step, rgb + step]; every mirrored copy of the pixel
 * moves with it. rgb is left as it was. */
static gboolean
objective_crosses_kink (const NsObjective *o, float *rgb, gsize i, float step)
{
  gboolean kink = FALSE;
  for (int t = 0; t < o->plan->n_tiles && !kink; t++)
    {
      NsRect w = o->plan->tiles[t].window;
      gsize n = ns_rect_area (w) * 3;
      g_autofree float *plus = g_new (float, n), *minus = g_new (float, n), *mid = g_new (float, n);
      float saved = rgb[i];
      rgb[i] = saved + step;
      window_input (o, t, rgb, plus);
      rgb[i] = saved - step;
      window_input (o, t, rgb, minus);
      rgb[i] = saved;
      window_input (o, t, rgb, mid);
      NsPass *pass = ns_pass_new (o->model->net, w.y1 - w.y0, w.x1 - w.x0, 0, NULL);
      g_assert_nonnull (pass);
      kink = bends (pass, plus, minus, mid);
      ns_pass_free (pass);
    }
  return kink;
}

double
fd_relative_error (double got, double want, double floor)
{
  return fabs (got - want) / fmax (fmax (fabs (got), fabs (want)), floor);
}

void
fd_check_objective (NsObjective *o, const double *x, int n, double eps, GRand *rng, FdReport *report)
{
  gsize pixels = (gsize) o->width * o->height, count = pixels * 3;
  double *grad = g_new (double, count), *scratch = g_new (double, count), *xp = g_memdup2 (x, count * sizeof (double));
  ns_objective_evaluate (o, x, grad);

  double rms = 0;
  for (gsize i = 0; i < count; i++)
    rms += grad[i] * grad[i];
  rms = sqrt (rms / count);

  float *rgb = g_new (float, count);
  for (gsize i = 0; i < count; i++)
    rgb[i] = (float) x[i];

  *report = (FdReport) { 0 };
  double diff2 = 0, fd2 = 0;
  for (int attempt = 0; report->checked < n && attempt < 4 * n; attempt++)
    {
      gsize i = g_rand_int_range (rng, 0, (int) count);
      if (objective_crosses_kink (o, rgb, i, (float) (2 * eps)))
        {
          report->skipped++;
          continue;
        }
      /* Fourth-order stencil: exact where the network is linear (the
       * content loss is quadratic and the style loss quartic in x there),
       * so the step can be large enough to drown float32 rounding. */
      double f[4];
      const double steps[4] = { 2 * eps, eps, -eps, -2 * eps };
      for (int k = 0; k < 4; k++)
        {
          xp[i] = x[i] + steps[k];
          f[k] = ns_objective_evaluate (o, xp, scratch);
        }
      xp[i] = x[i];
      double fd = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * eps);
      double err = fd_relative_error (grad[i], fd, 0.1 * rms);
      if (g_test_verbose ())
        g_test_message ("coordinate %" G_GSIZE_FORMAT ": gradient %.7g, difference quotient %.7g, rel. err %.2g",
                        i, grad[i], fd, err);
      report->max_rel_error = fmax (report->max_rel_error, err);
      diff2 += (grad[i] - fd) * (grad[i] - fd);
      fd2 += fd * fd;
      report->checked++;
    }
  report->l2_rel_error = fd2 > 0 ? sqrt (diff2 / fd2) : INFINITY;
  g_free (rgb);
  g_free (grad);
  g_free (scratch);
  g_free (xp);
}
