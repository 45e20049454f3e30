/* fuzz-common.h: what every libFuzzer target shares: a private temporary
 * folder (removed at exit), a private XDG cache (so that verified-weights
 * stamps never reach the user's), and GLib's, json-glib's and the engine's
 * criticals and warnings turned into crashes, since a wrong-typed JSON
 * value shows up as a critical. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Sets the above up once; returns the folder. */
const char *fuzz_setup (void);
/* Writes bytes to folder/name (a crash if it cannot). */
char       *fuzz_write (const char *name, const void *data, gsize length);
