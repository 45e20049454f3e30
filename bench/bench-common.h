/* bench-common.h: what the benchmark programs share: their options and
 * failures, the model, clocks, medians and synthetic data. */
#pragma once

#include "neural-style.h"

/* Parses the options (GLib's --help included); on a bad one prints
 * "PROGRAM: message" and exits with status 1. */
void     bench_parse_options (int *argc, char ***argv, const char *summary, const GOptionEntry *entries);
/* Prints "PROGRAM: message" and exits with status 1. */
void     bench_fail          (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
/* The model at weights (a model.json or its folder; NULL: the default), or
 * the program fails with the loader's message. */
NsModel *bench_load_model    (const char *weights);

double   bench_now           (void);   /* monotonic seconds */
double   bench_cpu_now       (void);   /* CPU seconds of the process, all threads */
/* The median of v (sorted in place). */
double   bench_median        (double *v, int n);
/* n deterministic values in -0.5 .. 0.5 (no zeros or denormals to skew a timing). */
float   *bench_filled        (gsize n, guint seed);
