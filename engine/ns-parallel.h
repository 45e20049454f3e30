/* ns-parallel.h: splitting a loop over the engine's threads.
 *
 * The GEMMs run on OpenBLAS' threads; the memory-bound loops around them
 * (im2col, ReLU, adds, pooling) would otherwise run on one core while the
 * others wait. They use as many threads as OpenBLAS is set to, so that
 * NsParams.threads bounds both. */
#pragma once

#include <glib.h>

/* Work on items [begin, end) of a loop. */
typedef void (*NsRangeFunc) (gsize begin, gsize end, gpointer data);

/* Runs func over [0, n) split into contiguous ranges (a few per thread,
 * taken in turn by the threads and the caller); returns when all are done.
 * Ranges hold at least min_items, so small loops use fewer threads, down to
 * the caller alone: a thread costs tens of microseconds to start. */
void ns_parallel_for (gsize n, gsize min_items, NsRangeFunc func, gpointer data);

/* The same with an explicit thread count (tests). */
void ns_parallel_for_threads (gsize n, gsize min_items, int threads, NsRangeFunc func, gpointer data);
