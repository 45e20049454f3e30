/* ns-parallel.h: splitting work over the engine's threads.
 *
 * The engine does its own threading: OpenBLAS runs single-threaded
 * (ns_pass_new() sets it) and every kernel splits its work, GEMMs
 * included, over NsParams.threads threads with ns_parallel_for(). Each
 * thread then runs whole pieces (im2col and the GEMM that reads it) on one
 * core. The threads are the calling thread and its crew of helpers
 * (ns-crew.h). */
#pragma once

#include "ns-crew.h"

/* Work on items [begin, end) of a loop; worker (0 .. threads-1) identifies
 * the thread, for per-thread scratch space. */
typedef void (*NsRangeFunc) (gsize begin, gsize end, int worker, gpointer data);

/* Runs func over [0, n) split into contiguous ranges (a few per thread,
 * taken in turn by the threads and the caller); returns when all are done.
 * Ranges hold at least min_items, so small loops use fewer threads, down to
 * the caller alone: handing a range to a helper costs a few microseconds,
 * tens if the helper has gone to sleep. threads <= 1 runs the whole loop in
 * the caller as worker 0. */
void ns_parallel_for (gsize n, gsize min_items, int threads, NsRangeFunc func, gpointer data);

/* Like ns_parallel_for(), but each item is given to its own call (ranges of
 * one item): for loops whose items are already large (blocks of rows). */
void ns_parallel_items (gsize n, int threads, NsRangeFunc func, gpointer data);

/* The engine's thread count for a requested one (0: one per processor; at
 * most one per processor). */
int  ns_threads_resolve (int requested);

