/* ns-parallel.c: a loop split over threads. Each call makes its own
 * (non-exclusive) GThreadPool, so calls keep no state of ours between them
 * and several NsModel users may run at once.
 * The loop is cut into a few chunks per thread that threads take in turn, so
 * that a thread the OS preempts (the machine may be busy) delays only its
 * current chunk, not half of the loop. */
#include "ns-parallel.h"


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
run_task (gpointer task, gpointer unused)
{
  run_chunks (task);
}

/* The helper threads come from GLib's shared thread pool: GLib keeps idle
 * threads between calls, so a loop wakes a waiting thread instead of
 * starting one, and per-thread state (OpenBLAS' packing buffers are
 * thread-local) survives from one loop to the next. */
static void
run_loop (Loop *loop, int threads)
{
  Worker workers[NS_MAX_THREADS];
  GThreadPool *pool = NULL;

  if (g_thread_pool_get_max_unused_threads () >= 0 && g_thread_pool_get_max_unused_threads () < threads)
    g_thread_pool_set_max_unused_threads (threads);
  for (int t = 0; t < threads; t++)
    workers[t] = (Worker) { loop, t };
  pool = g_thread_pool_new (run_task, NULL, threads - 1, FALSE, NULL);
  for (int t = 1; t < threads && pool; t++)
    g_thread_pool_push (pool, &workers[t], NULL);
  /* The caller takes chunks too, and finishes any the others did not. */
  run_chunks (&workers[0]);
  if (pool)
    g_thread_pool_free (pool, FALSE, TRUE);
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

int
ns_threads_resolve (int requested)
{
  return CLAMP (requested > 0 ? requested : (int) g_get_num_processors (), 1, NS_MAX_THREADS);
}
