/* ns-preview.h: the dialog's live preview, without GTK.
 *
 * One worker thread runs ns_stylize_blend() on small copies of the content
 * and the styles (images and masks) and hands frames to a GMainContext as it paints. Changing a
 * setting cancels the running job and (after a short debounce) starts a new
 * one from the last frame shown, so the picture evolves instead of starting
 * over. All functions must be called from the thread that owns the context;
 * the frame callback runs there too.
 */
#pragma once

#include "neural-style.h"

G_BEGIN_DECLS

typedef struct
{
  const NsImage *image;       /* valid during the callback only */
  guint          generation;  /* which ns_preview_restart() this belongs to */
  int            iteration;   /* 1-based, within this job */
  int            iterations;
  double         loss;
  double         seconds;     /* since this job was requested (debounce included) */
  gboolean       warm;        /* this job continues an earlier frame */
  gboolean       finished;    /* the job ran all its iterations (a part: it is made) */
  /* A frame of ns_preview_show_part(): image, when not NULL, is the part of
   * the final picture at (x, y), and original the unstyled picture there.
   * Before it, frames without an image tell the progress: iteration and
   * iterations while the whole picture is optimised, then tiles. */
  gboolean       part;
  int            x, y;
  const NsImage *original;    /* valid during the callback only */
  int            tiles, tiles_done;
} NsPreviewFrame;

typedef void (*NsPreviewFrameFunc) (const NsPreviewFrame *frame, gpointer user_data);
/* A job failed for another reason than being superseded. */
typedef void (*NsPreviewErrorFunc) (const GError *error, gpointer user_data);

typedef struct _NsPreview NsPreview;

/* model is borrowed and must outlive the preview. context NULL = the
 * thread-default main context. */
NsPreview *ns_preview_new (const NsModel      *model,
                           GMainContext       *context,
                           NsPreviewFrameFunc  on_frame,
                           NsPreviewErrorFunc  on_error,
                           gpointer            user_data);
/* Cancels, waits for the worker to stop and frees. No callback runs after. */
void       ns_preview_free (NsPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsPreview, ns_preview_free)

/* Copies the content the preview works on (already at preview size). The
 * next job starts from params->init, not from an earlier frame. */
void  ns_preview_set_content  (NsPreview *preview, const NsImage *content);
/* Copies the styles (1 to NS_MAX_STYLES: images, blends, and the regions
 * over the content and areas of the style images at any size); the next
 * warm job still continues from the last frame (the picture morphs toward
 * the new styles). FALSE if memory ran out (no styles then). */
gboolean ns_preview_set_styles (NsPreview *preview, const NsStyle *styles, int n_styles);
/* The inputs OK reads, for ns_preview_show_part(): the content and the
 * styles (images and masks) at their own sizes; copied. FALSE if memory
 * ran out. */
gboolean ns_preview_set_full_inputs (NsPreview *preview, const NsImage *content, const NsStyle *styles,
                                     int n_styles);
/* Content and one style over the whole picture (set_content, then set_style). */
void  ns_preview_set_images   (NsPreview *preview, const NsImage *content, const NsImage *style);
/* One style over the whole picture. */
void  ns_preview_set_style    (NsPreview *preview, const NsImage *style);
/* Delay between the last ns_preview_restart() and the job start (default 250 ms). */
void  ns_preview_set_debounce (NsPreview *preview, guint milliseconds);
/* A frame is delivered every this many iterations, and always for the first
 * and the last one (default 2). */
void  ns_preview_set_frame_every (NsPreview *preview, int iterations);

/* Requests a job with these params (copied; params->size and schedule are
 * used as given). The running job is told to stop now; the new one starts
 * after the debounce delay. warm: continue from the last frame (if one of
 * the same images exists) instead of params->init. Returns the generation
 * whose frames will follow. */
guint ns_preview_restart (NsPreview *preview, const NsParams *params, gboolean warm);
/* Requests the part [x, x + width) x [y, y + height) of the picture OK
 * makes from the full inputs with params (OK's own): the whole picture's
 * optimised stages (ns_painting_new(), kept while the inputs and the
 * parameters stay the same), then that part (ns_painting_render(), clipped
 * to the picture). Starts at once and supersedes any job, but a painting
 * being made that this request needs goes on. Returns the generation
 * whose frames will follow. */
guint ns_preview_show_part (NsPreview *preview, const NsParams *params, int x, int y, int width, int height);
/* Stops the running job and drops any pending one; returns at once. */
void  ns_preview_cancel  (NsPreview *preview);
/* TRUE while a job is pending or running. */
gboolean ns_preview_is_busy (NsPreview *preview);

/* The params a preview job uses for the params the final run would use:
 * the same, but at the preview size with a moderate iteration count, and
 * coarse to fine, so that the first frame comes soon (a warm start too
 * begins at the coarsest stage). */
void  ns_preview_params (const NsParams *chosen, int preview_size, NsParams *out);

#define NS_PREVIEW_SIZE       480
#define NS_PREVIEW_ITERATIONS 60

G_END_DECLS
