/* ns-painting-cache.c: the 100% view's painting (ns-painting-cache.h). */
#include "ns-painting-cache.h"

#include <string.h>

struct _NsPaintingCache
{
  NsPainting *painting;
  NsParams    params;
  guint       inputs_serial;
  NsImage    *original;   /* the content at the painting's size */
};

NsPaintingCache *
ns_painting_cache_new (void)
{
  return g_new0 (NsPaintingCache, 1);
}

void
ns_painting_cache_clear (NsPaintingCache *cache)
{
  g_clear_pointer (&cache->painting, ns_painting_free);
  g_clear_pointer (&cache->original, ns_image_free);
}

void
ns_painting_cache_free (NsPaintingCache *cache)
{
  if (cache == NULL)
    return;
  ns_painting_cache_clear (cache);
  g_free (cache);
}

gboolean
ns_painting_params_equal (const NsParams *a, const NsParams *b)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    if (strcmp (specs[i].key, "memory-limit") != 0 && ns_param_get (&specs[i], a) != ns_param_get (&specs[i], b))
      return FALSE;
  return TRUE;
}

NsPainting *
ns_painting_cache_get (NsPaintingCache *cache, const NsModel *model, const NsImage *content, const NsStyle *styles,
                       int n_styles, const NsParams *params, guint inputs_serial, NsProgressFunc progress,
                       gpointer user_data, GError **error)
{
  if (cache->painting != NULL && cache->inputs_serial == inputs_serial
      && ns_painting_params_equal (&cache->params, params))
    return cache->painting;

  ns_painting_cache_clear (cache);
  NsPainting *painting = ns_painting_new (model, content, styles, n_styles, params, NULL, progress, user_data,
                                          NULL, error);
  if (painting == NULL)
    return NULL;
  int width = 0, height = 0;
  ns_painting_size (painting, &width, &height);
  cache->original = width == content->width && height == content->height ? ns_image_copy (content)
                                                                          : ns_image_resize (content, width, height);
  cache->painting = painting;
  cache->params = *params;
  cache->inputs_serial = inputs_serial;
  return painting;
}

const NsImage *
ns_painting_cache_original (NsPaintingCache *cache)
{
  return cache->original;
}
