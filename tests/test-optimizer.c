/* test-optimizer.c: ns_optimize on the extended Rosenbrock function (known
 * minimum at all ones), early stop, iteration budget, determinism, and a
 * wrong gradient that no line search can follow. */
#include "ns-optimizer.h"

#include <math.h>
#include <string.h>

/* Extended Rosenbrock (More, Garbow & Hillstrom): independent pairs
 * 100 (x[2i+1] - x[2i]^2)^2 + (1 - x[2i])^2; minimum 0 at x = 1. */
static double
rosenbrock (const double *x, double *grad, gsize n, gpointer user_data)
{
  double f = 0.0;
  for (gsize i = 0; i + 1 < n; i += 2)
    {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1.0 - x[i];
      f += 100.0 * a * a + b * b;
      grad[i] = -400.0 * a * x[i] - 2.0 * b;
      grad[i + 1] = 200.0 * a;
    }
  return f;
}

/* A quadratic whose reported gradient points uphill. */
static double
wrong_gradient (const double *x, double *grad, gsize n, gpointer user_data)
{
  double f = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      f += (x[i] - 3.0) * (x[i] - 3.0);
      grad[i] = -2.0 * (x[i] - 3.0);
    }
  return f;
}

typedef struct
{
  int    calls;
  int    stop_at;       /* 0 = never stop */
  double last_fx;
  gboolean monotone;
} Watch;

static gboolean
watch_iteration (const double *x, double fx, int iteration, gpointer user_data)
{
  Watch *w = user_data;
  w->calls++;
  g_assert_cmpint (iteration, ==, w->calls);   /* 1-based, consecutive */
  if (fx > w->last_fx)
    w->monotone = FALSE;
  w->last_fx = fx;
  return w->stop_at == 0 || iteration < w->stop_at;
}

static double *
rosenbrock_start (gsize n)
{
  double *x = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = i % 2 == 0 ? -1.2 : 1.0;
  return x;
}

static void
minimise_rosenbrock (gsize n)
{
  double           *x = rosenbrock_start (n);
  NsOptimizerParams params = { 1000, 0 };
  Watch             w = { 0, 0, INFINITY, TRUE };
  double            fx;
  int               done;

  NsOptimizerResult r = ns_optimize (x, n, &params, rosenbrock, watch_iteration, &w, &fx, &done);
  g_assert_cmpint (r, ==, NS_OPTIMIZER_DONE);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (x[i] - 1.0), <, 1e-4);
  g_assert_cmpfloat (fx, <, 1e-8);
  g_assert_cmpint (done, ==, w.calls);
  g_assert_cmpint (done, >, 10);             /* a real descent, not a lucky step */
  g_assert_cmpint (done, <, params.iterations);
  g_assert_true (w.monotone);

  /* The reported fx is f at the returned x. */
  double *g = g_new (double, n);
  g_assert_cmpfloat (rosenbrock (x, g, n, NULL), ==, fx);
  g_free (g);
  g_free (x);
}

static void
test_rosenbrock_2 (void)
{
  minimise_rosenbrock (2);
}

static void
test_rosenbrock_10 (void)
{
  minimise_rosenbrock (10);
}

static void
test_stop (void)
{
  double           *x = rosenbrock_start (2);
  NsOptimizerParams params = { 1000, 5 };
  Watch             w = { 0, 7, INFINITY, TRUE };
  double            fx;
  int               done;

  NsOptimizerResult r = ns_optimize (x, 2, &params, rosenbrock, watch_iteration, &w, &fx, &done);
  g_assert_cmpint (r, ==, NS_OPTIMIZER_STOPPED);
  g_assert_cmpint (done, ==, 7);
  g_assert_cmpint (w.calls, ==, 7);
  g_assert_cmpfloat (fx, ==, w.last_fx);
  g_assert_cmpfloat (fx, <, 24.2);           /* f at the start */
  g_free (x);
}

static void
test_budget (void)
{
  double           *x = rosenbrock_start (10);
  NsOptimizerParams params = { 4, 0 };
  Watch             w = { 0, 0, INFINITY, TRUE };
  double            fx;
  int               done;

  NsOptimizerResult r = ns_optimize (x, 10, &params, rosenbrock, watch_iteration, &w, &fx, &done);
  g_assert_cmpint (r, ==, NS_OPTIMIZER_DONE);
  g_assert_cmpint (done, ==, 4);
  g_assert_cmpint (w.calls, ==, 4);
  g_free (x);
}

static void
test_deterministic (void)
{
  double           *a = rosenbrock_start (10), *b = rosenbrock_start (10);
  NsOptimizerParams params = { 25, 0 };
  double            fa, fb;
  int               da, db;

  ns_optimize (a, 10, &params, rosenbrock, NULL, NULL, &fa, &da);
  ns_optimize (b, 10, &params, rosenbrock, NULL, NULL, &fb, &db);
  g_assert_cmpint (da, ==, db);
  g_assert_cmpfloat (fa, ==, fb);
  g_assert_cmpmem (a, 10 * sizeof *a, b, 10 * sizeof *b);
  g_free (a);
  g_free (b);
}

static void
test_failure_keeps_start (void)
{
  double            x[3] = { 0.5, -1.0, 2.0 }, start[3];
  NsOptimizerParams params = { 50, 0 };
  double            fx;
  int               done;

  memcpy (start, x, sizeof x);
  NsOptimizerResult r = ns_optimize (x, 3, &params, wrong_gradient, NULL, NULL, &fx, &done);
  g_assert_cmpint (r, ==, NS_OPTIMIZER_FAILED);
  g_assert_cmpint (done, ==, 0);
  g_assert_cmpmem (x, sizeof x, start, sizeof start);
  g_assert_cmpfloat_with_epsilon (fx, 2.5 * 2.5 + 4.0 * 4.0 + 1.0, 1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/optimizer/rosenbrock-2", test_rosenbrock_2);
  g_test_add_func ("/optimizer/rosenbrock-10", test_rosenbrock_10);
  g_test_add_func ("/optimizer/stop", test_stop);
  g_test_add_func ("/optimizer/budget", test_budget);
  g_test_add_func ("/optimizer/deterministic", test_deterministic);
  g_test_add_func ("/optimizer/failure-keeps-start", test_failure_keeps_start);
  return g_test_run ();
}
