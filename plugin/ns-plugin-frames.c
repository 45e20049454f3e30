/* ns-plugin-frames.c: an image's layers styled as an animation's frames
 * (ns-plugin-frames.h). */
#include "ns-plugin-frames.h"
#include "ns-plugin-pixels.h"

#include <glib/gi18n-lib.h>

typedef struct
{
  gint32 *layers;     /* top-level, top first (gimp_image_get_layers) */
  gint    n_layers;
  gint    done;       /* frames styled so far */
} FrameList;

/* The frames: every top-level layer, RGB or grey, of the first one's size. */
static gboolean
check_frames (gint32 image_id, FrameList *frames, GError **error)
{
  if (!gimp_image_is_valid (image_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("The image (ID %d) does not exist"), image_id);
      return FALSE;
    }
  if (gimp_image_base_type (image_id) == GIMP_INDEXED)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("Neural Style needs an RGB or grayscale image; convert the "
                   "indexed image with Image > Mode first"));
      return FALSE;
    }
  frames->layers = gimp_image_get_layers (image_id, &frames->n_layers);
  if (frames->n_layers < 1)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("The image has no layers to use as frames"));
      return FALSE;
    }
  gint32 bottom = frames->layers[frames->n_layers - 1];
  for (gint i = 0; i < frames->n_layers; i++)
    if (gimp_drawable_width (frames->layers[i]) != gimp_drawable_width (bottom)
        || gimp_drawable_height (frames->layers[i]) != gimp_drawable_height (bottom))
      {
        g_autofree gchar *name = gimp_item_get_name (frames->layers[i]);
        g_autofree gchar *first = gimp_item_get_name (bottom);
        g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("The frame “%s” is %d x %d, not %d x %d as the first "
                     "frame “%s”: every layer must have the same size"), name,
                     gimp_drawable_width (frames->layers[i]), gimp_drawable_height (frames->layers[i]),
                     gimp_drawable_width (bottom), gimp_drawable_height (bottom), first);
        return FALSE;
      }
  return TRUE;
}

/* The styles' drawables, read whole. */
static NsStyleSet *
read_styles (const NsValues *values, GError **error)
{
  if (values->n_styles < 1 || values->n_styles > NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("Neural Style takes 1 to %d styles, not %d"), NS_MAX_STYLES,
                   values->n_styles);
      return NULL;
    }
  g_autoptr (NsStyleSet) set = ns_style_set_new ();
  double blends[NS_MAX_STYLES];
  for (int i = 0; i < values->n_styles; i++)
    {
      gint32 id = values->styles[i].drawable;
      blends[i] = values->styles[i].blend;
      if (!gimp_item_is_valid (id) || !gimp_item_is_drawable (id))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("The style layer (ID %d) no longer exists; choose another "
                       "style"), id);
          return NULL;
        }
    }
  if (!ns_style_blends_validate (blends, values->n_styles, error))
    return NULL;
  for (int i = 0; i < values->n_styles; i++)
    {
      NsStyle style = { .blend = values->styles[i].blend };
      if (!(style.image = ns_pixels_read (values->styles[i].drawable, NULL, error))
          || !ns_style_set_add (set, &style, NS_STYLE_TAKE_ALL, error))
        return NULL;
    }
  return g_steal_pointer (&set);
}

static gboolean
report_progress (const NsProgress *progress, gpointer user_data)
{
  const FrameList *frames = user_data;
  gimp_progress_set_text_printf (_("Neural Style: frame %d/%d, iteration %d/%d"), frames->done + 1,
                                 frames->n_layers, progress->iteration, progress->iterations);
  double within = (double) progress->iteration / MAX (progress->iterations, 1);
  gimp_progress_update ((frames->done + within) / frames->n_layers);
  return TRUE;
}

/* Frame layer's result as a new layer of the new image, on top of it. */
static gboolean
add_frame (gint32 new_image, gint32 layer, const NsImage *result, GError **error)
{
  NsRegion all = { 0, 0, gimp_drawable_width (layer), gimp_drawable_height (layer) };
  g_autoptr (NsImage) resized = result->width == all.width && result->height == all.height
                                  ? NULL : ns_image_resize (result, all.width, all.height);
  if (!resized && (result->width != all.width || result->height != all.height))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("Could not scale the result to %d x %d"), all.width,
                   all.height);
      return FALSE;
    }
  g_autofree gchar *name = gimp_item_get_name (layer);   /* with its timing, "(100ms)" */
  gint32 id = ns_pixels_new_styled_layer (new_image, layer, &all, resized ? resized : result, NULL, FALSE,
                                          name, error);
  if (id == -1)
    return FALSE;
  if (gimp_image_insert_layer (new_image, id, 0, 0))
    return TRUE;
  gimp_item_delete (id);
  g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP could not add the new layer to the image"));
  return FALSE;
}

/* Styles the frames, bottom first, into new_image. */
static gboolean
style_frames (FrameList *frames, gint32 new_image, NsFrames *sequence, GError **error)
{
  for (gint i = frames->n_layers - 1; i >= 0; i--, frames->done++)
    {
      gint32 layer = frames->layers[i];
      g_autoptr (NsImage) content = ns_pixels_read (layer, NULL, error);
      g_autoptr (NsImage) result = content ? ns_frames_next (sequence, content, report_progress, frames, NULL,
                                                             error)
                                           : NULL;
      if (!result || !add_frame (new_image, layer, result, error))
        {
          g_autofree gchar *name = gimp_item_get_name (layer);
          g_prefix_error (error, _("Frame “%s”: "), name);
          return FALSE;
        }
    }
  return TRUE;
}

gint32
ns_plugin_frames_run (gint32 image_id, const NsValues *values, const NsModel *model, GError **error)
{
  FrameList frames = { 0 };
  g_autoptr (NsStyleSet) styles = NULL;
  if (!check_frames (image_id, &frames, error) || !ns_params_validate (&values->params, error)
      || !(styles = read_styles (values, error)))
    {
      g_free (frames.layers);
      return -1;
    }
  NsParams params = values->params;
  params.memory_limit_mb = MAX (ns_available_memory_mb (), 1.0);
  g_autoptr (NsFrames) sequence = ns_frames_new (model, ns_style_set_styles (styles), ns_style_set_count (styles),
                                                 &params, error);
  gint32 new_image = sequence ? gimp_image_new (gimp_image_width (image_id), gimp_image_height (image_id),
                                                gimp_image_base_type (image_id))
                              : -1;
  if (new_image != -1)
    {
      gimp_image_undo_disable (new_image);   /* made here: nothing to undo */
      gimp_progress_init (_("Neural Style"));
      if (style_frames (&frames, new_image, sequence, error))
        gimp_image_undo_enable (new_image);
      else
        gimp_image_delete (new_image), new_image = -1;
    }
  else if (sequence)
    g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP could not create the new image"));
  g_free (frames.layers);
  return new_image;
}
