/* ns-dialog.h: the plug-in's GTK 3 dialog: style picker, settings and a live
 * preview. All libgimp (PDB) calls of the dialog happen on the calling
 * thread. */
#pragma once

#include "ns-values.h"

/* Runs the dialog for the content drawable, starting from values. Returns
 * TRUE if the user pressed OK, values then hold the choices; FALSE with
 * error unset if the user cancelled; FALSE with error set if the dialog
 * could not open. model drives the live preview; when it is NULL (it could
 * not be loaded) model_error says why, and the preview shows that. */
gboolean ns_dialog_run (gint32          image_id,
                        gint32          drawable_id,
                        NsValues       *values,
                        const NsModel  *model,
                        const GError   *model_error,
                        GError        **error);
