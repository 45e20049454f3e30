/* ns-param-controls.h: the dialog's controls of the engine's parameters:
 * one per row of the parameter table that the dialog shows
 * (NS_FRONT_DIALOG), with the row's label, tooltip, range and default, in
 * the table's order, each group under its heading. Numbers get a slider
 * over the row's useful range and a spin button reaching its limits,
 * choices a combo box; the working size gets its presets and estimate
 * (ns-size-control.h), the seed a "New seed" button and is used only
 * with a noisy start. Main thread only. */
#pragma once

#include <gtk/gtk.h>

#include "neural-style.h"

typedef struct _NsParamControls NsParamControls;

/* The user changed the value of spec's row (not called while resetting). */
typedef void (*NsParamControlsFunc) (const NsParamSpec *spec, gpointer user_data);

/* Attaches the controls to grid from *row on and advances *row; values
 * gives their first values; the drawable's size is the working size's
 * "full size". The group NS_GROUP_STYLE has no heading of its own: it
 * follows the style rows under theirs. */
NsParamControls *ns_param_controls_new   (GtkGrid *grid, int *row, const NsParams *values, int drawable_width,
                                          int drawable_height, NsParamControlsFunc changed, gpointer user_data);
void             ns_param_controls_free  (NsParamControls *controls);
/* Writes the controls' values into params (the other fields stay). */
void             ns_param_controls_get   (const NsParamControls *controls, NsParams *params);
/* Puts every control back to its row's default, without calling changed. */
void             ns_param_controls_reset (NsParamControls *controls);
/* A bold heading over a group of rows, as the controls' groups have. */
GtkWidget       *ns_param_controls_heading (const char *text);
/* Rewrites the working size's estimate for params (model NULL: none). */
void             ns_param_controls_update_estimate (NsParamControls *controls, const NsModel *model,
                                                    const NsParams *params);
