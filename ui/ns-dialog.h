/* ns-dialog.h: the plug-in's GTK 3 dialog: style picker, settings and a live
 * preview, editing NsValues (ns-dialog-values.h), which the plug-in also
 * takes from the PDB and stores as its last values (plugin/ns-values.h).
 *
 * Dependencies point one way, plugin -> ui: the dialog lists layers and
 * channels and reads thumbnails through libgimp itself, but it reads no
 * pixels of GIMP's own; what it needs of them (masks) comes through the
 * NsDialogHost the plug-in passes in. All libgimp (PDB) calls of the
 * dialog happen on the calling thread. */
#pragma once

#include "ns-dialog-values.h"

/* What the dialog asks of the plug-in. */
typedef struct
{
  /* The mask `where` (an ID, NS_WHERE_SELECTION or NS_WHERE_OUTSIDE_SELECTION
   * of drawable_id's image) over the whole drawable; NULL with an error if
   * GIMP gives no pixels. */
  NsMask *(*read_mask) (gint32 where, gint32 drawable_id, GError **error);
  /* What OK would read for values: the content and the styles with their
   * masks, at their own sizes. FALSE with an error if the values do not
   * make a job, GIMP gives no pixels, or the content is not the whole
   * layer (a selection limits the change). */
  gboolean (*read_inputs) (gint32 image_id, gint32 drawable_id, const NsValues *values, NsImage **content,
                           NsStyleSet **styles, GError **error);
} NsDialogHost;

/* Runs the dialog for the content drawable, starting from values. Returns
 * TRUE if the user pressed OK, values then hold the choices; FALSE with
 * error unset if the user cancelled; FALSE with error set if the dialog
 * could not open. model drives the live preview; when it is NULL (it could
 * not be loaded) model_error says why, and the preview shows that. */
gboolean ns_dialog_run (gint32              image_id,
                        gint32              drawable_id,
                        NsValues           *values,
                        const NsDialogHost *host,
                        const NsModel      *model,
                        const GError       *model_error,
                        GError            **error);
