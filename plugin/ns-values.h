/* ns-values.h: the plug-in's values (NsValues, declared in
 * ui/ns-dialog-values.h beside the dialog that edits them): their defaults
 * and what they say about the selection. The procedures fill them from the
 * PDB's arguments, the dialog edits them, a run stores them as the last
 * values. */
#pragma once

#include "ns-dialog.h"

/* The engine's defaults, one style (none chosen yet) over the whole image. */
void     ns_values_init          (NsValues *values);
/* TRUE if any style's region is the selection (inside or outside): then the
 * selection says where the styles go, not which part of the layer changes. */
gboolean ns_values_use_selection (const NsValues *values);
