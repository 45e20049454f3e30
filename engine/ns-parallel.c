/* ns-parallel.c: a loop split over short-lived pthreads. Starting threads per
 * call keeps no state between calls (several NsModel users may run at once)
 * and costs little next to the loops it is used for (>= ~100 us of work). */
#include "ns-parallel.h"

#include <pthread.h>
#include <cblas.h>

#define NS_MAX_THREADS 64

typedef struct
{
  NsRangeFunc func;
  gpointer    data;
  gsize       begin, end;
} Range;

static void *
run_range (void *p)
{
  Range *r = p;
  r->func (r->begin, r->end, r->data);
  return NULL;
}

void
ns_parallel_for_threads (gsize n, gsize min_items, int threads, NsRangeFunc func, gpointer data)
{
  Range ranges[NS_MAX_THREADS];
  pthread_t ids[NS_MAX_THREADS];
  gboolean started[NS_MAX_THREADS] = { FALSE };

  if (n == 0)
    return;
  threads = CLAMP (threads, 1, NS_MAX_THREADS);
  threads = (int) MIN ((gsize) threads, MAX (n / MAX (min_items, 1), 1));
  for (int t = 0; t < threads; t++)
    ranges[t] = (Range) { func, data, n * t / threads, n * (t + 1) / threads };
  for (int t = 1; t < threads; t++)
    started[t] = pthread_create (&ids[t], NULL, run_range, &ranges[t]) == 0;
  run_range (&ranges[0]);
  /* A thread that could not start: its range runs here instead. */
  for (int t = 1; t < threads; t++)
    if (started[t])
      pthread_join (ids[t], NULL);
    else
      run_range (&ranges[t]);
}

void
ns_parallel_for (gsize n, gsize min_items, NsRangeFunc func, gpointer data)
{
  ns_parallel_for_threads (n, min_items, openblas_get_num_threads (), func, data);
}
