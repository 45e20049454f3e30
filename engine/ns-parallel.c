/* ns-parallel.c: a loop split over short-lived pthreads. Starting threads per
 * call keeps no state between calls (several NsModel users may run at once)
 * and costs little next to the loops it is used for (>= ~100 us of work).
 * The loop is cut into a few chunks per thread that threads take in turn, so
 * that a thread the OS preempts (the machine may be busy) delays only its
 * current chunk, not half of the loop. */
#include "ns-parallel.h"

#include <pthread.h>
#include <cblas.h>

#define NS_MAX_THREADS       64
#define NS_CHUNKS_PER_THREAD 4

typedef struct
{
  NsRangeFunc func;
  gpointer    data;
  gsize       n;
  int         n_chunks;
  gint        next;       /* the next chunk to take (atomic) */
} Loop;

static void *
run_chunks (void *p)
{
  Loop *loop = p;
  int c;
  while ((c = g_atomic_int_add (&loop->next, 1)) < loop->n_chunks)
    loop->func (loop->n * c / loop->n_chunks, loop->n * (c + 1) / loop->n_chunks, loop->data);
  return NULL;
}

void
ns_parallel_for_threads (gsize n, gsize min_items, int threads, NsRangeFunc func, gpointer data)
{
  pthread_t ids[NS_MAX_THREADS];
  gboolean started[NS_MAX_THREADS] = { FALSE };

  if (n == 0)
    return;
  gsize max_chunks = MAX (n / MAX (min_items, 1), 1);
  threads = (int) MIN ((gsize) CLAMP (threads, 1, NS_MAX_THREADS), max_chunks);
  Loop loop = { func, data, n, (int) MIN ((gsize) threads * NS_CHUNKS_PER_THREAD, max_chunks), 0 };
  if (threads == 1)
    loop.n_chunks = 1;
  for (int t = 1; t < threads; t++)
    started[t] = pthread_create (&ids[t], NULL, run_chunks, &loop) == 0;
  /* The caller takes chunks too, and finishes any left by threads that
   * could not start. */
  run_chunks (&loop);
  for (int t = 1; t < threads; t++)
    if (started[t])
      pthread_join (ids[t], NULL);
}

void
ns_parallel_for (gsize n, gsize min_items, NsRangeFunc func, gpointer data)
{
  ns_parallel_for_threads (n, min_items, openblas_get_num_threads (), func, data);
}
