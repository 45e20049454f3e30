/* ns-plugin-job.c: checks, engine run and result layer of one stylisation. */
#include "ns-plugin-job.h"

#include <glib/gi18n-lib.h>
#include <string.h>


static gboolean
check_content (gint32 image_id, gint32 drawable_id, GError **error)
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
  return TRUE;
}

/* Style number (1-based) i: its drawable, its region in the content's image
 * and its area in its own image. */
static gboolean
check_style (gint32 image_id, const NsStyleValues *style, int i, GError **error)
{
  if (!gimp_item_is_valid (style->drawable) || !gimp_item_is_drawable (style->drawable))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   _("The style layer (ID %d) no longer exists; choose another style"), style->drawable);
      return FALSE;
    }
  if (style->region >= 0)
    {
      g_autofree gchar *what = g_strdup_printf (_("The region of style %d"), i);
      if (!ns_pixels_check_mask (style->region, image_id, what, error))
        return FALSE;
    }
  if (style->area >= 0)
    {
      g_autofree gchar *what = g_strdup_printf (_("The area of style %d"), i);
      if (!ns_pixels_check_mask (style->area, gimp_item_get_image (style->drawable), what, error))
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
  if (!check_content (image_id, drawable_id, error))
    return FALSE;
  if (values->n_styles < 1 || values->n_styles > NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("Neural Style takes 1 to %d styles, not %d"),
                   NS_MAX_STYLES, values->n_styles);
      return FALSE;
    }
  double blends[NS_MAX_STYLES];
  for (int i = 0; i < values->n_styles; i++)
    {
      if (!check_style (image_id, &values->styles[i], i + 1, error))
        return FALSE;
      blends[i] = values->styles[i].blend;
    }
  /* The engine's one check of the blends, before any pixel is read. */
  if (!ns_style_blends_validate (blends, values->n_styles, error))
    return FALSE;

  job->image_id = image_id;
  job->drawable_id = drawable_id;
  job->n_styles = values->n_styles;
  memcpy (job->styles, values->styles, sizeof job->styles);
  job->by_selection = !ns_values_use_selection (values);

  NsRegion *r = &job->region;
  if (!job->by_selection)
    *r = (NsRegion) { 0, 0, gimp_drawable_width (drawable_id), gimp_drawable_height (drawable_id) };
  else if (!gimp_drawable_mask_intersect (drawable_id, &r->x, &r->y, &r->width, &r->height))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("The selection does not touch the layer; nothing to do"));
      return FALSE;
    }

  /* The engine checks the ranges (finite weights >= 0, iterations >= 1,
   * size, init, scale, colours) with messages naming them. */
  job->params = values->params;
  return ns_params_validate (&job->params, error);
}

/* Memory the engine may use, in MB: what the system has now, before the
 * plug-in reads anything, minus the content and style images the plug-in
 * holds while the engine runs (3 floats a pixel each, masks 1). The engine's check
 * (ns_stylize() refuses when its estimated peak is larger) is the memory
 * guard; the write-back's buffers come after the engine has freed its own
 * and are allocated so that a shortage is an error. */
static double
engine_memory_limit_mb (const NsPluginJob *job)
{
  double pixels = (double) job->region.width * job->region.height;
  for (int i = 0; i < job->n_styles; i++)
    pixels += (double) gimp_drawable_width (job->styles[i].drawable) * gimp_drawable_height (job->styles[i].drawable);
  double held_mb = pixels * 3 * sizeof (float) / NS_BYTES_PER_MB;   /* masks: a third of that at most */
  return MAX (ns_available_memory_mb () - held_mb, 1.0);   /* 0 would mean "no limit" */
}

/* GIMP's progress bar: each optimised stage and its iterations, then the
 * brushwork's tiles. (Cancel there makes GIMP end the plug-in and return
 * GIMP_PDB_CANCEL; nothing is added to the image before the run ends.) */
static gboolean
report_progress (const NsProgress *progress, gpointer user_data)
{
  if (progress->current == NULL && progress->tiles > 0)
    {
      gimp_progress_set_text_printf (_("Neural Style: brushwork, tile %d of %d (%d × %d)"),
                                     progress->tiles_done, progress->tiles, progress->width, progress->height);
      gimp_progress_update ((gdouble) progress->tiles_done / progress->tiles);
      return TRUE;
    }
  gimp_progress_set_text_printf (_("Neural Style: iteration %d of %d, stage %d of %d (%d × %d)"),
                                 progress->iteration, progress->iterations, progress->stage + 1, progress->n_stages,
                                 progress->width, progress->height);
  gimp_progress_update ((gdouble) progress->iteration / MAX (progress->iterations, 1));
  return TRUE;
}

/* What the plug-in reads for the engine: the content, the styles with
 * their masks, and how much the regions cover each pixel. */
typedef struct
{
  NsImage    *content;
  NsStyleSet *styles;
  NsMask     *coverage;   /* ns_styles_coverage(); NULL: some style covers everything */
} JobInputs;

static void
job_inputs_clear (JobInputs *in)
{
  g_clear_pointer (&in->content, ns_image_free);
  g_clear_pointer (&in->styles, ns_style_set_free);
  g_clear_pointer (&in->coverage, ns_mask_free);
}

/* Style i's image and masks, added to in->styles. */
static gboolean
read_style (const NsPluginJob *job, int i, JobInputs *in, GError **error)
{
  const NsStyleValues *s = &job->styles[i];
  const NsRegion *r = &job->region;
  NsStyle style = { .blend = s->blend };
  gboolean ok = (style.image = ns_pixels_read (s->drawable, NULL, error)) != NULL
                && (s->region == NS_WHERE_EVERYWHERE
                    || (style.region = ns_pixels_read_mask (s->region, job->drawable_id, r, error)) != NULL)
                && (s->area == NS_WHERE_EVERYWHERE
                    || (style.area = ns_pixels_read_mask (s->area, s->drawable, NULL, error)) != NULL);
  /* The set takes what was read, also when something was not. */
  return ns_style_set_add (in->styles, &style, NS_STYLE_TAKE_ALL, ok ? error : NULL) && ok;
}

static gboolean
read_inputs (const NsPluginJob *job, JobInputs *in, GError **error)
{
  const NsRegion *r = &job->region;
  if ((in->content = ns_pixels_read (job->drawable_id, r, error)) == NULL)
    return FALSE;
  in->styles = ns_style_set_new ();
  for (int i = 0; i < job->n_styles; i++)
    if (!read_style (job, i, in, error))
      return FALSE;
  /* As the engine covers them: where nothing covers, the new layer keeps
   * the drawable's pixels exactly (ns-plugin-pixels.c). */
  return ns_styles_coverage (ns_style_set_styles (in->styles), ns_style_set_count (in->styles), r->width,
                             r->height, &in->coverage, error);
}

gboolean
ns_plugin_job_read (const NsPluginJob *job, NsImage **content, NsStyleSet **styles, GError **error)
{
  JobInputs in = { 0 };
  gboolean ok = read_inputs (job, &in, error);
  if (ok)
    {
      *content = g_steal_pointer (&in.content);
      *styles = g_steal_pointer (&in.styles);
    }
  job_inputs_clear (&in);
  return ok;
}

/* Runs the engine on the job's region; the result has the region's size. */
static NsImage *
stylize_region (const NsPluginJob *job, const NsModel *model, const JobInputs *in, GError **error)
{
  NsParams params = job->params;
  params.memory_limit_mb = engine_memory_limit_mb (job);

  gimp_progress_init (_("Neural Style"));
  g_autoptr (NsImage) styled = ns_stylize_blend (model, in->content, ns_style_set_styles (in->styles),
                                                 ns_style_set_count (in->styles), &params, NULL,
                                                 report_progress, NULL, NULL, error);
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
  JobInputs in = { 0 };
  g_autoptr (NsImage) styled = read_inputs (job, &in, error) ? stylize_region (job, model, &in, error) : NULL;
  /* Only the coverage is needed from here on: the rest goes before the
   * write-back allocates its buffers. */
  g_autoptr (NsMask) coverage = g_steal_pointer (&in.coverage);
  job_inputs_clear (&in);
  if (styled == NULL)
    return -1;

  g_autofree gchar *drawable_name = gimp_item_get_name (job->drawable_id);
  /* Not translated: scripts find the result by this name. */
  g_autofree gchar *name = g_strdup_printf ("%s (Neural Style)", drawable_name != NULL ? drawable_name : "");
  gint32 layer_id = ns_pixels_new_styled_layer (job->image_id, job->drawable_id, &job->region, styled,
                                                coverage, job->by_selection, name, error);
  if (layer_id == -1 || !insert_above (job, layer_id, error))
    return -1;
  return layer_id;
}
