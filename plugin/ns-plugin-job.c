/* ns-plugin-job.c: checks, engine run and result layer of one stylisation. */
#include "ns-plugin-job.h"

#include <glib/gi18n-lib.h>


static gboolean
check_drawables (gint32 image_id, gint32 drawable_id, gint32 style_id, GError **error)
{
  if (!gimp_image_is_valid (image_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("The image (ID %d) does not exist"), image_id);
      return FALSE;
    }
  if (!gimp_item_is_valid (drawable_id) || !gimp_item_is_layer (drawable_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("Neural Style works on layers; select a layer"));
      return FALSE;
    }
  /* Else the new layer would land in an image that does not hold its source. */
  if (gimp_item_get_image (drawable_id) != image_id)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS,
                   _("The layer (ID %d) is not in the image (ID %d) it was passed with; pass the image "
                     "that holds the layer"), drawable_id, image_id);
      return FALSE;
    }
  if (gimp_drawable_is_indexed (drawable_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   _("Neural Style needs an RGB or grayscale image; convert the indexed image with "
                     "Image > Mode first"));
      return FALSE;
    }
  if (!gimp_item_is_valid (style_id) || !gimp_item_is_drawable (style_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   _("The style layer (ID %d) no longer exists; choose another style"), style_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
ns_plugin_job_prepare (NsPluginJob    *job,
                       gint32          image_id,
                       gint32          drawable_id,
                       const NsValues *values,
                       GError        **error)
{
  if (!check_drawables (image_id, drawable_id, values->style_drawable, error))
    return FALSE;

  job->image_id = image_id;
  job->drawable_id = drawable_id;
  job->style_id = values->style_drawable;

  NsRegion *r = &job->region;
  if (!gimp_drawable_mask_intersect (drawable_id, &r->x, &r->y, &r->width, &r->height))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("The selection does not touch the layer; nothing to do"));
      return FALSE;
    }

  /* The engine checks the ranges (finite weights >= 0, iterations >= 1,
   * size, init) with messages naming the parameters. */
  ns_values_to_params (values, &job->params);
  return ns_params_validate (&job->params, error);
}

/* Memory the engine may use, in MB: what the system has now, before the
 * plug-in reads anything, minus the content and style images the plug-in
 * holds while the engine runs (3 floats a pixel each). The engine's check
 * (ns_stylize() refuses when its estimated peak is larger) is the memory
 * guard; the write-back's buffers come after the engine has freed its own
 * and are allocated so that a shortage is an error. */
static double
engine_memory_limit_mb (const NsPluginJob *job)
{
  double pixels = (double) job->region.width * job->region.height
                  + (double) gimp_drawable_width (job->style_id) * gimp_drawable_height (job->style_id);
  double held_mb = pixels * 3 * sizeof (float) / NS_BYTES_PER_MB;
  return MAX (ns_available_memory_mb () - held_mb, 1.0);   /* 0 would mean "no limit" */
}

static gboolean
report_progress (const NsProgress *progress, gpointer user_data)
{
  gimp_progress_set_text_printf (_("Neural Style: iteration %d/%d"), progress->iteration, progress->iterations);
  gimp_progress_update ((gdouble) progress->iteration / MAX (progress->iterations, 1));
  return TRUE;
}

/* Runs the engine on the job's region; the result has the region's size. */
static NsImage *
stylize_region (const NsPluginJob *job, const NsModel *model, GError **error)
{
  NsParams params = job->params;
  params.memory_limit_mb = engine_memory_limit_mb (job);

  g_autoptr (NsImage) content = ns_pixels_read (job->drawable_id, &job->region, error);
  if (content == NULL)
    return NULL;
  g_autoptr (NsImage) style = ns_pixels_read (job->style_id, NULL, error);
  if (style == NULL)
    return NULL;

  gimp_progress_init (_("Neural Style"));
  g_autoptr (NsImage) styled = ns_stylize (model, content, style, &params, NULL, report_progress, NULL,
                                           NULL, error);
  if (styled == NULL)
    return NULL;
  gimp_progress_update (1.0);

  if (styled->width == job->region.width && styled->height == job->region.height)
    return g_steal_pointer (&styled);

  NsImage *resized = ns_image_resize (styled, job->region.width, job->region.height);
  if (resized == NULL)
    g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("Could not scale the result to %d x %d"),
                 job->region.width, job->region.height);
  return resized;
}

/* Inserts the layer directly above the drawable in one undo step; on
 * failure deletes it and leaves the image as it was. */
static gboolean
insert_above (const NsPluginJob *job, gint32 layer_id, GError **error)
{
  gint32 parent = gimp_item_get_parent (job->drawable_id);
  gint position = gimp_image_get_item_position (job->image_id, job->drawable_id);
  gboolean grouped = position >= 0 && gimp_image_undo_group_start (job->image_id);
  gboolean inserted = grouped && gimp_image_insert_layer (job->image_id, layer_id, parent, position);
  if (inserted)
    gimp_drawable_update (layer_id, 0, 0, gimp_drawable_width (layer_id), gimp_drawable_height (layer_id));
  if (grouped)
    gimp_image_undo_group_end (job->image_id);
  if (inserted)
    return TRUE;
  gimp_item_delete (layer_id);
  g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("GIMP could not add the new layer to the image"));
  return FALSE;
}

gint32
ns_plugin_job_run (const NsPluginJob *job, const NsModel *model, GError **error)
{
  g_autoptr (NsImage) styled = stylize_region (job, model, error);
  if (styled == NULL)
    return -1;

  g_autofree gchar *drawable_name = gimp_item_get_name (job->drawable_id);
  /* Not translated: scripts find the result by this name. */
  g_autofree gchar *name = g_strdup_printf ("%s (Neural Style)", drawable_name != NULL ? drawable_name : "");
  gint32 layer_id = ns_pixels_new_styled_layer (job->image_id, job->drawable_id, &job->region, styled,
                                                name, error);
  if (layer_id == -1 || !insert_above (job, layer_id, error))
    return -1;
  return layer_id;
}
