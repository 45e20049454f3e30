/* ns-parallel.c: a loop split over the calling thread's crew of helper
 * threads (ns-crew.h).
 * The loop is cut into a few chunks per thread that threads take in turn, so
 * that a thread the OS preempts (the machine may be busy) delays only its
 * current chunk, not half of the loop. */
#include "ns-parallel.h"
#include "ns-crew.h"


#define NS_CHUNKS_PER_THREAD 4

typedef struct
{
  NsRangeFunc func;
  gpointer    data;
  gsize       n;
  gsize       n_chunks;
  gint        next;       /* the next chunk to take (atomic) */
} Loop;

typedef struct
{
  Loop *loop;
  int   worker;
} Worker;

static void *
run_chunks (void *p)
{
  Worker *w = p;
  Loop *loop = w->loop;
  gsize c;
  while ((c = (gsize) g_atomic_int_add (&loop->next, 1)) < loop->n_chunks)
    loop->func (loop->n * c / loop->n_chunks, loop->n * (c + 1) / loop->n_chunks, w->worker, loop->data);
  return NULL;
}

static void
run_worker (int helper, gpointer p)
{
  Worker w = { p, helper };
  run_chunks (&w);
}

static void
run_loop (Loop *loop, int threads)
{
  /* Every chunk gets run: by the helpers, or by the caller alone if it
   * cannot have them (then run_chunks takes all chunks). */
  ns_crew_run (threads - 1, run_worker, loop);
}

void
ns_parallel_for (gsize n, gsize min_items, int threads, NsRangeFunc func, gpointer data)
{
  if (n == 0)
    return;
  gsize max_chunks = MAX (n / MAX (min_items, 1), 1);
  threads = (int) MIN ((gsize) CLAMP (threads, 1, NS_MAX_THREADS), max_chunks);
  if (threads == 1)
    {
      func (0, n, 0, data);
      return;
    }
  Loop loop = { func, data, n, MIN ((gsize) threads * NS_CHUNKS_PER_THREAD, max_chunks), 0 };
  run_loop (&loop, threads);
}

void
ns_parallel_items (gsize n, int threads, NsRangeFunc func, gpointer data)
{
  if (n == 0)
    return;
  threads = (int) MIN ((gsize) CLAMP (threads, 1, NS_MAX_THREADS), n);
  Loop loop = { func, data, n, n, 0 };
  run_loop (&loop, threads);
}

/* More threads than processors only slow the engine down: its helpers
 * spin between loops, and would take turns on the same cores. */
int
ns_threads_resolve (int requested)
{
  int processors = (int) g_get_num_processors ();
  return CLAMP (requested > 0 ? MIN (requested, processors) : processors, 1, NS_MAX_THREADS);
}
