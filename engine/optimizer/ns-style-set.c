/* ns-style-set.c: a run's styles, owned in one place, and their one check
 * (neural-style.h: NsStyleSet, ns_styles_validate). */
#include "neural-style.h"

#include <math.h>
#include <glib/gi18n-lib.h>

struct _NsStyleSet
{
  int         n;
  NsStyle     styles[NS_MAX_STYLES];   /* the engine's view */
  NsStyleTake taken[NS_MAX_STYLES];    /* which parts of each the set frees */
};

static void
free_parts (const NsStyle *style, NsStyleTake take)
{
  /* The view is const for the engine; the set owns what it took. */
  if (take & NS_STYLE_TAKE_IMAGE)
    ns_image_free ((NsImage *) style->image);
  if (take & NS_STYLE_TAKE_MASKS)
    {
      ns_mask_free ((NsMask *) style->region);
      ns_mask_free ((NsMask *) style->area);
    }
}

NsStyleSet *
ns_style_set_new (void)
{
  return g_new0 (NsStyleSet, 1);
}

void
ns_style_set_free (NsStyleSet *set)
{
  if (set == NULL)
    return;
  for (int i = 0; i < set->n; i++)
    free_parts (&set->styles[i], set->taken[i]);
  g_free (set);
}

gboolean
ns_style_set_add (NsStyleSet *set, const NsStyle *style, NsStyleTake take, GError **error)
{
  if (set->n == NS_MAX_STYLES || style->image == NULL)
    {
      if (style->image == NULL)
        g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("the style image is empty"));
      else
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("give 1 to %d style images, not %d"), NS_MAX_STYLES,
                     set->n + 1);
      free_parts (style, take);
      return FALSE;
    }
  set->styles[set->n] = *style;
  set->taken[set->n] = take;
  set->n++;
  return TRUE;
}

NsStyleSet *
ns_style_set_copy (const NsStyle *styles, int n_styles, GError **error)
{
  g_autoptr (NsStyleSet) set = ns_style_set_new ();
  for (int i = 0; i < n_styles; i++)
    {
      const NsStyle *s = &styles[i];
      NsStyle copy = {
        s->image != NULL ? ns_image_copy (s->image) : NULL,
        s->blend,
        s->region != NULL ? ns_mask_copy (s->region) : NULL,
        s->area != NULL ? ns_mask_copy (s->area) : NULL,
      };
      if ((s->image != NULL && copy.image == NULL) || (s->region != NULL) != (copy.region != NULL)
          || (s->area != NULL) != (copy.area != NULL))
        {
          free_parts (&copy, NS_STYLE_TAKE_ALL);
          g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a copy of style %d"), i + 1);
          return NULL;
        }
      if (!ns_style_set_add (set, &copy, NS_STYLE_TAKE_ALL, error))
        return NULL;
    }
  return g_steal_pointer (&set);
}

int
ns_style_set_count (const NsStyleSet *set)
{
  return set->n;
}

const NsStyle *
ns_style_set_styles (const NsStyleSet *set)
{
  return set->styles;
}

void
ns_style_set_set_blend (NsStyleSet *set, int index, double blend)
{
  g_return_if_fail (index >= 0 && index < set->n);
  set->styles[index].blend = blend;
}

gboolean
ns_style_blends_validate (const double *blends, int n_blends, GError **error)
{
  double total = 0;
  for (int i = 0; i < n_blends; i++)
    {
      if (!isfinite (blends[i]) || blends[i] < 0)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("style blend weights must be numbers of 0 or more, "
                       "not %g"), blends[i]);
          return FALSE;
        }
      total += blends[i];
    }
  if (!(total > 0))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the style blend weights must not all be 0"));
      return FALSE;
    }
  return TRUE;
}

gboolean
ns_styles_validate (const NsStyle *styles, int n_styles, GError **error)
{
  if (n_styles < 1 || n_styles > NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("give 1 to %d style images, not %d"), NS_MAX_STYLES, n_styles);
      return FALSE;
    }
  double blends[NS_MAX_STYLES];
  for (int i = 0; i < n_styles; i++)
    {
      const NsImage *image = styles[i].image;
      if (image == NULL || image->width <= 0 || image->height <= 0 || image->pixels == NULL)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("the style image is empty"));
          return FALSE;
        }
      blends[i] = styles[i].blend;
    }
  return ns_style_blends_validate (blends, n_styles, error);
}
