/* bench-common.c: see bench-common.h. */
#include "bench-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void
bench_fail (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s: %s\n", g_get_prgname (), message);
  exit (1);
}

void
bench_parse_options (int *argc, char ***argv, const char *summary, const GOptionEntry *entries)
{
  g_autoptr (GOptionContext) context = g_option_context_new (summary);
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    bench_fail ("%s", error->message);
}

NsModel *
bench_load_model (const char *weights)
{
  g_autoptr (GError) error = NULL;
  NsModel *model = ns_model_load (weights, &error);
  if (!model)
    bench_fail ("%s", error->message);
  return model;
}

double
bench_now (void)
{
  return g_get_monotonic_time () / 1e6;
}

double
bench_cpu_now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int
compare_doubles (gconstpointer a, gconstpointer b, gpointer unused)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
bench_median (double *v, int n)
{
  g_qsort_with_data (v, n, sizeof (double), compare_doubles, NULL);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

float *
bench_filled (gsize n, guint seed)
{
  float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) (((i + seed) * 2654435761u) % 1000) / 1000.0f - 0.5f;
  return v;
}
