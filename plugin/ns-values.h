/* ns-values.h: the plug-in's values (NsValues, declared in
 * ui/ns-dialog-values.h beside the dialog that edits them): their defaults,
 * what they say about the selection, and the bytes they are stored as.
 * The procedures fill them from the PDB's arguments, the dialog edits them,
 * a run stores them as the last values (gimp_set_data()). */
#pragma once

#include "ns-dialog.h"

/* The engine's defaults, one style (none chosen yet) over the whole image. */
void     ns_values_init          (NsValues *values);
/* TRUE if any style's region is the selection (inside or outside): then the
 * selection says where the styles go, not which part of the layer changes. */
gboolean ns_values_use_selection (const NsValues *values);

/* The stored form: a header (NS_VALUES_MAGIC, NS_VALUES_VERSION, the size of
 * what follows) and a GKeyFile text holding each parameter the plug-in
 * shows (NS_FRONT_PDB, NS_FRONT_DIALOG or NS_FRONT_FRAMES) under its table key and each
 * style in a group of its own. Being keyed, it reads back into a later
 * layout of NsValues: a parameter added since keeps its default, one
 * removed is ignored. */
#define NS_VALUES_MAGIC   0x4c56534eu   /* "NSVL" in little-endian bytes */
#define NS_VALUES_VERSION 1u

GBytes  *ns_values_encode (const NsValues *values);
/* Reads what ns_values_encode() wrote. FALSE, and values the defaults, if
 * data is not that (another header, version or size: e.g. an older plug-in's
 * raw struct); a key that is missing or unreadable keeps its default. */
gboolean ns_values_decode (const void *data, gsize size, NsValues *values);
