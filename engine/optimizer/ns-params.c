/* ns-params.c: the parameters' defaults and ranges (engine/neural-style.h
 * exports the limits). */
#include "neural-style.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

void
ns_params_init (NsParams *p)
{
  memset (p, 0, sizeof *p);
  p->content_weight = 1.0;
  p->style_weight = 1.0;
  p->tv_weight = 1.0;
  p->iterations = 150;
  p->size = 0;
  p->init = NS_INIT_CONTENT;
  p->init_noise_ratio = 0.5;
  p->seed = 0;
  p->threads = 0;
  p->schedule = NS_SCHEDULE_MULTISCALE;
  p->style_scale = 1.0;
  p->preserve_colors = NS_COLORS_STYLE;
}

static gboolean
check_weight (const char *name, double value, GError **error)
{
  if (!isfinite (value) || value < 0 || value > NS_MAX_RELATIVE_WEIGHT)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be a number from 0 to %g (1 = balanced "
                   "default), not %g"), name, NS_MAX_RELATIVE_WEIGHT, value);
      return FALSE;
    }
  return TRUE;
}

gboolean
ns_params_validate (const NsParams *p, GError **error)
{
  /* TRANSLATORS: the name starts the sentence "%s must be a number from 0 to %g ...". */
  if (!check_weight (_("content weight"), p->content_weight, error)
      || !check_weight (_("style weight"), p->style_weight, error)
      || !check_weight (_("tv weight"), p->tv_weight, error))
    return FALSE;
  if (p->content_weight == 0 && p->style_weight == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("content weight and style weight cannot both be 0"));
      return FALSE;
    }
  if (p->iterations < 1 || p->iterations > NS_MAX_ITERATIONS)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("iterations must be from 1 to %d, not %d"),
                   NS_MAX_ITERATIONS, p->iterations);
      return FALSE;
    }
  if (p->size < 0 || p->size > NS_MAX_SIZE)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("size must be from 0 (the image's own size) to %d "
                   "pixels, not %d"), NS_MAX_SIZE, p->size);
      return FALSE;
    }
  if (p->init < NS_INIT_CONTENT || p->init > NS_INIT_BLEND || !(p->init_noise_ratio >= 0 && p->init_noise_ratio <= 1))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("initialisation must be content, noise or blend with a "
                   "noise ratio from 0 to 1"));
      return FALSE;
    }
  if (p->threads < 0 || p->threads > 1024 || (p->schedule != NS_SCHEDULE_MULTISCALE && p->schedule != NS_SCHEDULE_SINGLE))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("threads must be from 0 (all cores) to 1024 and the "
                   "schedule multiscale or single"));
      return FALSE;
    }
  if (!isfinite (p->memory_limit_mb) || p->memory_limit_mb < 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the memory limit must be a positive number of MB"));
      return FALSE;
    }
  if (!(p->style_scale >= NS_MIN_STYLE_SCALE && p->style_scale <= NS_MAX_STYLE_SCALE))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the style scale must be from %g to %g, not %g"),
                   NS_MIN_STYLE_SCALE, NS_MAX_STYLE_SCALE, p->style_scale);
      return FALSE;
    }
  if (p->preserve_colors < NS_COLORS_STYLE || p->preserve_colors > NS_COLORS_MATCH)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the colour mode must be none, luminance or match"));
      return FALSE;
    }
  return TRUE;
}
