/* ns-crew.c: a calling thread's spinning helper threads (ns-crew.h). */
#include "ns-crew.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause ()
#else
#define cpu_relax() ((void) 0)
#endif

/* How long helpers spin for the next job before they sleep: longer than
 * the gaps between the loops of an evaluation, far shorter than a pause. */
#define NS_CREW_SPIN_US 200

typedef struct _Crew Crew;

typedef struct
{
  Crew    *crew;
  int      index;     /* 1 .. */
  int      seen;      /* the generation it started at */
  GThread *thread;
} Helper;

struct _Crew
{
  GMutex     lock;
  GCond      wake;
  Helper    *helpers;
  int        n_helpers;
  gboolean   busy;            /* the owner is running a job (nested calls run inline) */
  /* the current job; written by the owner before generation is bumped */
  NsCrewJob  job;
  gpointer   data;
  int        wanted;          /* helpers 1 .. wanted take part */
  gint       generation;      /* atomic: bumped per job */
  gint       running;         /* atomic: helpers still in the job */
  gint       sleepers;        /* under lock */
  gboolean   quit;            /* under lock */
};

static gpointer
helper_main (gpointer p)
{
  Helper *h = p;
  Crew *crew = h->crew;
  int seen = h->seen;

  for (;;)
    {
      int generation = g_atomic_int_get (&crew->generation);
      gint64 until = g_get_monotonic_time () + NS_CREW_SPIN_US;
      while (generation == seen && g_get_monotonic_time () < until)
        {
          for (int i = 0; i < 64; i++)
            cpu_relax ();
          generation = g_atomic_int_get (&crew->generation);
        }
      if (generation == seen)
        {
          g_mutex_lock (&crew->lock);
          while ((generation = g_atomic_int_get (&crew->generation)) == seen && !crew->quit)
            {
              crew->sleepers++;
              g_cond_wait (&crew->wake, &crew->lock);
              crew->sleepers--;
            }
          gboolean quit = crew->quit;
          g_mutex_unlock (&crew->lock);
          if (quit)
            return NULL;
        }
      seen = generation;
      if (h->index <= crew->wanted)
        {
          crew->job (h->index, crew->data);
          g_atomic_int_add (&crew->running, -1);
        }
    }
}

static void
crew_free (gpointer p)
{
  Crew *crew = p;
  g_mutex_lock (&crew->lock);
  crew->quit = TRUE;
  g_cond_broadcast (&crew->wake);
  g_mutex_unlock (&crew->lock);
  for (int i = 0; i < crew->n_helpers; i++)
    g_thread_join (crew->helpers[i].thread);
  g_free (crew->helpers);
  g_mutex_clear (&crew->lock);
  g_cond_clear (&crew->wake);
  g_free (crew);
}

static GPrivate crew_key = G_PRIVATE_INIT (crew_free);

/* The calling thread's crew, with at least `helpers` helpers (fewer if
 * threads cannot be started). */
static Crew *
crew_for_caller (int helpers)
{
  Crew *crew = g_private_get (&crew_key);
  if (!crew)
    {
      crew = g_new0 (Crew, 1);
      g_mutex_init (&crew->lock);
      g_cond_init (&crew->wake);
      crew->helpers = g_new0 (Helper, NS_MAX_THREADS);
      g_private_set (&crew_key, crew);
    }
  while (crew->n_helpers < MIN (helpers, NS_MAX_THREADS - 1))
    {
      Helper *h = &crew->helpers[crew->n_helpers];
      h->crew = crew;
      h->index = crew->n_helpers + 1;
      /* A new helper must not take the last job for a new one. */
      h->seen = g_atomic_int_get (&crew->generation);
      if (!(h->thread = g_thread_try_new ("ns-helper", helper_main, h, NULL)))
        break;
      crew->n_helpers++;
    }
  return crew;
}

gboolean
ns_crew_run (int helpers, NsCrewJob job, gpointer data)
{
  Crew *crew = helpers > 0 ? g_private_get (&crew_key) : NULL;
  if (helpers > 0 && (!crew || !crew->busy))
    crew = crew_for_caller (helpers);
  if (!crew || crew->busy || crew->n_helpers == 0)
    {
      job (0, data);
      return FALSE;
    }
  crew->busy = TRUE;
  crew->job = job;
  crew->data = data;
  crew->wanted = MIN (helpers, crew->n_helpers);
  g_atomic_int_set (&crew->running, crew->wanted);
  g_atomic_int_inc (&crew->generation);
  g_mutex_lock (&crew->lock);
  if (crew->sleepers > 0)
    g_cond_broadcast (&crew->wake);
  g_mutex_unlock (&crew->lock);
  job (0, data);
  /* Helpers finish their last chunk: spin, yielding now and then in case
   * one of them was preempted. */
  for (guint spins = 1; g_atomic_int_get (&crew->running) > 0; spins++)
    if (spins % 4096 == 0)
      g_thread_yield ();
    else
      cpu_relax ();
  crew->busy = FALSE;
  return TRUE;
}
