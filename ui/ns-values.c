/* ns-values.c: NsValues <-> NsParams, written once for the plug-in, the
 * dialog and its preview. */
#include "ns-values.h"

void
ns_values_init (NsValues *values)
{
  NsParams params;
  ns_params_init (&params);
  *values = (NsValues) {
    .style_drawable = -1,
    .content_weight = params.content_weight,
    .style_weight = params.style_weight,
    .tv_weight = params.tv_weight,
    .iterations = params.iterations,
    .size = params.size,
    .seed = (gint32) params.seed,
    .init = params.init,
  };
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
}
