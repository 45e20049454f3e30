/* ns-crew.h: the helper threads of one calling thread.
 *
 * A parallel loop hands its work to helpers that wait for it: a style
 * transfer evaluation runs hundreds of loops of 0.1-10 ms each, and waking a
 * sleeping thread costs ~50 us on a virtual machine. Helpers therefore spin
 * for a short while after each loop before they sleep. Each calling thread
 * has its own crew (thread-local, freed when that thread ends), so engine
 * users on different threads never share or wait for each other. */
#pragma once

#include <glib.h>

/* The most threads the engine will start (per-thread scratch is sized by it). */
#define NS_MAX_THREADS 64

/* Runs job (helper) on helpers 1 .. helpers and job (0) on the caller,
 * and returns when all have returned. If the caller's crew is already busy
 * (a nested call), everything runs on the caller: job (0) only, and
 * FALSE is returned so the caller can do the rest of the work itself. */
typedef void (*NsCrewJob) (int helper, gpointer data);
gboolean ns_crew_run (int helpers, NsCrewJob job, gpointer data);
