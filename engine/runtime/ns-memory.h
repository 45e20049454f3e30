/* ns-memory.h: what this process uses and can still get. */
#pragma once

#include <glib.h>

/* Peak resident memory of this process so far, in MB (statistics). */
double ns_peak_rss_mb (void);
