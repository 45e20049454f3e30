/* ns-memory.c: peak resident memory of this process, and what the system
 * can still give it. */
#include "neural-style.h"
#include "ns-memory.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

double
ns_peak_rss_mb (void)
{
  struct rusage usage;
  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_maxrss * 1024.0 / NS_BYTES_PER_MB;   /* Linux reports kilobytes */
}

double
ns_available_memory_mb (void)
{
  FILE *meminfo = fopen ("/proc/meminfo", "r");
  if (meminfo)
    {
      char line[256];
      unsigned long long kb;
      while (fgets (line, sizeof line, meminfo))
        if (sscanf (line, "MemAvailable: %llu kB", &kb) == 1)
          {
            fclose (meminfo);
            return kb * 1024.0 / NS_BYTES_PER_MB;
          }
      fclose (meminfo);
    }
  /* No /proc: free physical pages, which undercounts (caches are not free). */
  return (double) sysconf (_SC_AVPHYS_PAGES) * sysconf (_SC_PAGESIZE) / NS_BYTES_PER_MB;
}
