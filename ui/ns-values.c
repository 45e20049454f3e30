/* ns-values.c: NsValues <-> NsParams, written once for the plug-in, the
 * dialog and its preview. */
#include "ns-values.h"

void
ns_style_values_init (NsStyleValues *style, gint32 drawable)
{
  *style = (NsStyleValues) {
    .drawable = drawable,
    .blend = 1.0,
    .region = NS_WHERE_EVERYWHERE,
    .area = NS_WHERE_EVERYWHERE,
  };
}

void
ns_values_init (NsValues *values)
{
  NsParams params;
  ns_params_init (&params);
  *values = (NsValues) {
    .content_weight = params.content_weight,
    .style_weight = params.style_weight,
    .tv_weight = params.tv_weight,
    .iterations = params.iterations,
    .size = params.size,
    .seed = (gint32) params.seed,
    .init = params.init,
    .n_styles = 1,
    .style_scale = params.style_scale,
    .preserve_colors = params.preserve_colors,
  };
  for (int i = 0; i < NS_MAX_STYLES; i++)
    ns_style_values_init (&values->styles[i], -1);
}

void
ns_values_to_params (const NsValues *values, NsParams *params)
{
  ns_params_init (params);
  params->content_weight = values->content_weight;
  params->style_weight = values->style_weight;
  params->tv_weight = values->tv_weight;
  params->iterations = values->iterations;
  params->size = values->size;
  params->seed = (guint32) values->seed;
  params->init = (NsInit) values->init;
  params->style_scale = values->style_scale;
  params->preserve_colors = (NsPreserveColors) values->preserve_colors;
}

gboolean
ns_values_use_selection (const NsValues *values)
{
  for (int i = 0; i < values->n_styles && i < NS_MAX_STYLES; i++)
    if (values->styles[i].region == NS_WHERE_SELECTION || values->styles[i].region == NS_WHERE_OUTSIDE_SELECTION)
      return TRUE;
  return FALSE;
}
