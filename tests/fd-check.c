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

gboolean
fd_crosses_kink (NsPass *pass, float *input, gsize i, float eps)
{
  const NsNetwork *net = pass->net;
  float saved = input[i];
  input[i] = saved + eps;
  float **plus = snapshot (pass, input);
  input[i] = saved - eps;
  float **minus = snapshot (pass, input);
  input[i] = saved;
  float **mid = snapshot (pass, input);

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

double
fd_relative_error (double got, double want, double floor)
{
  return fabs (got - want) / fmax (fmax (fabs (got), fabs (want)), floor);
}

void
fd_check_objective (NsObjective *o, const double *x, int n, double eps, GRand *rng, FdReport *report)
{
  const NsModel *model = o->model;
  gsize pixels = (gsize) o->width * o->height, count = pixels * 3;
  double *grad = g_new (double, count), *scratch = g_new (double, count), *xp = g_memdup2 (x, count * sizeof (double));
  ns_objective_evaluate (o, x, grad);

  double rms = 0;
  for (gsize i = 0; i < count; i++)
    rms += grad[i] * grad[i];
  rms = sqrt (rms / count);

  /* The network input of x, for the kink test (RGB channel c is input channel 2 - c). */
  float *rgb = g_new (float, count), *input = g_new (float, count);
  for (gsize i = 0; i < count; i++)
    rgb[i] = (float) x[i];
  ns_preprocess (model->recipe, rgb, pixels, input);
  NsPass *pass = ns_pass_new (model->net, o->height, o->width, 0, NULL);
  g_assert_nonnull (pass);

  *report = (FdReport) { 0 };
  double diff2 = 0, fd2 = 0;
  for (int attempt = 0; report->checked < n && attempt < 4 * n; attempt++)
    {
      gsize i = g_rand_int_range (rng, 0, (int) count);
      gsize in = i / 3 * 3 + (2 - i % 3);
      if (fd_crosses_kink (pass, input, in, (float) (255.0 * 2 * eps)))
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
  ns_pass_free (pass);
  g_free (rgb);
  g_free (input);
  g_free (grad);
  g_free (scratch);
  g_free (xp);
}
