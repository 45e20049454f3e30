/* ns-plugin-job.c: checks, engine run and result layer of one stylisation. */
#include "ns-plugin-job.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

/* Floats per working pixel the plug-in holds besides the engine: content
 * (3), styled result (3), upscaled result (3), composite (4) and mask (1). */
#define PLUGIN_FLOATS_PER_PIXEL 14.0

void
ns_plugin_values_init (NsPluginValues *values)
{
  NsParams params;
  ns_params_init (&params);
  values->style_drawable = -1;
  values->content_weight = params.content_weight;
  values->style_weight = params.style_weight;
  values->tv_weight = params.tv_weight;
  values->iterations = params.iterations;
  values->size = params.size;
  values->seed = (gint32) params.seed;
  values->init = params.init;
}

static gboolean
check_drawables (gint32 drawable_id, gint32 style_id, GError **error)
{
  if (!gimp_item_is_valid (drawable_id) || !gimp_item_is_layer (drawable_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   "Neural Style works on layers; select a layer");
      return FALSE;
    }
  if (gimp_drawable_is_indexed (drawable_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   "Neural Style needs an RGB or grayscale image; convert the "
                   "indexed image with Image > Mode first");
      return FALSE;
    }
  if (!gimp_item_is_valid (style_id) || !gimp_item_is_drawable (style_id))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   "The style layer (ID %d) no longer exists; choose another "
                   "style", style_id);
      return FALSE;
    }
  return TRUE;
}

gboolean
ns_plugin_job_prepare (NsPluginJob          *job,
                       gint32                image_id,
                       gint32                drawable_id,
                       const NsPluginValues *values,
                       GError              **error)
{
  if (!check_drawables (drawable_id, values->style_drawable, error))
    return FALSE;

  job->image_id = image_id;
  job->drawable_id = drawable_id;
  job->style_id = values->style_drawable;

  NsRegion *r = &job->region;
  if (!gimp_drawable_mask_intersect (drawable_id, &r->x, &r->y,
                                     &r->width, &r->height))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE,
                   "The selection does not touch the layer; nothing to do");
      return FALSE;
    }

  NsParams *p = &job->params;
  ns_params_init (p);
  p->content_weight = values->content_weight;
  p->style_weight = values->style_weight;
  p->tv_weight = values->tv_weight;
  p->iterations = values->iterations;
  p->size = values->size;
  p->seed = (guint32) values->seed;
  p->init = (NsInit) values->init;
  /* The engine checks the ranges (finite weights >= 0, iterations >= 1,
   * size, init) with messages naming the parameters. */
  return ns_params_validate (p, error);
}

/* Memory the system can still give us, in MiB: MemAvailable (which counts
 * reclaimable caches), or free physical pages if /proc is not there. */
static gdouble
available_memory_mb (void)
{
  FILE *meminfo = fopen ("/proc/meminfo", "r");
  if (meminfo != NULL)
    {
      gchar line[256];
      unsigned long long kb;
      while (fgets (line, sizeof line, meminfo) != NULL)
        if (sscanf (line, "MemAvailable: %llu kB", &kb) == 1)
          {
            fclose (meminfo);
            return kb / 1024.0;
          }
      fclose (meminfo);
    }
  long pages = sysconf (_SC_AVPHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);
  return (gdouble) pages * page_size / (1024.0 * 1024.0);
}

static gboolean
check_memory (const NsPluginJob *job, const NsModel *model, GError **error)
{
  NsEstimate estimate;
  ns_estimate (model, job->region.width, job->region.height, &job->params,
               &estimate);
  gdouble pixels = (gdouble) job->region.width * job->region.height;
  gdouble needed = estimate.peak_mb
                   + pixels * PLUGIN_FLOATS_PER_PIXEL * sizeof (gfloat) / 1048576.0;
  gdouble available = available_memory_mb ();
  if (isfinite (needed) && needed <= available)
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_MEMORY,
               "This run needs about %.0f MB of memory but only %.0f MB are "
               "available; choose a smaller size", needed, available);
  return FALSE;
}

static gboolean
report_progress (const NsProgress *progress, gpointer user_data)
{
  gimp_progress_set_text_printf ("Neural Style: iteration %d/%d",
                                 progress->iteration, progress->iterations);
  gimp_progress_update ((gdouble) progress->iteration
                        / MAX (progress->iterations, 1));
  return TRUE;
}

/* Runs the engine on the job's region; the result has the region's size. */
static NsImage *
stylize_region (const NsPluginJob *job, const NsModel *model, GError **error)
{
  g_autoptr (NsImage) content =
    ns_pixels_read_region_rgb (job->drawable_id, &job->region, error);
  if (content == NULL)
    return NULL;
  g_autoptr (NsImage) style = ns_pixels_read_rgb (job->style_id, error);
  if (style == NULL)
    return NULL;

  NsParams params = job->params;
  params.memory_limit_mb = available_memory_mb ();

  gimp_progress_init ("Neural Style");
  g_autoptr (NsImage) styled = ns_stylize (model, content, style, &params, NULL,
                                           report_progress, NULL, NULL, error);
  if (styled == NULL)
    return NULL;
  gimp_progress_update (1.0);

  if (styled->width == job->region.width && styled->height == job->region.height)
    return g_steal_pointer (&styled);

  NsImage *resized = ns_image_resize (styled, job->region.width, job->region.height);
  if (resized == NULL)
    g_set_error (error, NS_ERROR, NS_ERROR_MEMORY,
                 "Could not scale the result to %d x %d",
                 job->region.width, job->region.height);
  return resized;
}

gint32
ns_plugin_job_run (const NsPluginJob *job, const NsModel *model, GError **error)
{
  if (!check_memory (job, model, error))
    return -1;

  g_autoptr (NsImage) styled = stylize_region (job, model, error);
  if (styled == NULL)
    return -1;

  /* Only now is the image touched, all in one undo step. */
  g_autofree gchar *drawable_name = gimp_item_get_name (job->drawable_id);
  g_autofree gchar *name = g_strdup_printf ("%s (Neural Style)", drawable_name);
  gimp_image_undo_group_start (job->image_id);
  gint32 layer_id = ns_pixels_new_styled_layer (job->image_id, job->drawable_id,
                                                &job->region, styled, name);
  gimp_image_insert_layer (job->image_id, layer_id,
                           gimp_item_get_parent (job->drawable_id),
                           gimp_image_get_item_position (job->image_id,
                                                         job->drawable_id));
  gimp_drawable_update (layer_id, 0, 0, gimp_drawable_width (layer_id),
                        gimp_drawable_height (layer_id));
  gimp_image_undo_group_end (job->image_id);
  return layer_id;
}
