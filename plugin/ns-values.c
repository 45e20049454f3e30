/* ns-values.c: the plug-in's values (ns-values.h). */
#include "ns-values.h"

void
ns_values_init (NsValues *values)
{
  ns_params_init (&values->params);
  values->n_styles = 1;
  for (int i = 0; i < NS_MAX_STYLES; i++)
    values->styles[i] = NS_STYLE_VALUES (-1);
}

gboolean
ns_values_use_selection (const NsValues *values)
{
  for (int i = 0; i < values->n_styles && i < NS_MAX_STYLES; i++)
    if (values->styles[i].region == NS_WHERE_SELECTION || values->styles[i].region == NS_WHERE_OUTSIDE_SELECTION)
      return TRUE;
  return FALSE;
}
