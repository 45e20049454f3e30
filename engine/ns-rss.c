/* ns-rss.c: peak resident memory of this process, for statistics. */
#include "ns-internal.h"

#include <sys/resource.h>

double
ns_peak_rss_mb (void)
{
  struct rusage usage;
  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_maxrss / 1024.0;   /* Linux reports kilobytes */
}
