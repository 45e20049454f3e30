/* ns-finish.c: colours and regions of the delivered picture (ns-finish.h). */
#include "ns-finish.h"
#include "ns-colors.h"

#include <glib/gi18n-lib.h>

struct _NsFinish
{
  NsPreserveColors  mode;
  NsContentColors  *colors;     /* luminance mode */
  NsImage          *content;    /* with regions: the content at this size */
  NsMask           *coverage;   /* with regions: min (1, sum of the regions) */
};

gboolean
ns_styles_coverage (const NsStyle *styles, int n_styles, int width, int height, NsMask **coverage, GError **error)
{
  *coverage = NULL;
  for (int r = 0; r < n_styles; r++)
    if (styles[r].blend > 0 && !styles[r].region)
      return TRUE;   /* everywhere */
  g_autoptr (NsMask) sum = ns_mask_new (width, height);
  for (int r = 0; r < n_styles && sum; r++)
    {
      gboolean seen = FALSE;   /* styles may share a region: it covers once */
      for (int q = 0; q < r; q++)
        seen |= styles[q].blend > 0 && styles[q].region == styles[r].region;
      if (!(styles[r].blend > 0) || seen)
        continue;
      g_autoptr (NsMask) region = ns_mask_resize (styles[r].region, width, height);
      if (!region)
        g_clear_pointer (&sum, ns_mask_free);
      for (gsize i = 0; sum && i < (gsize) width * height; i++)
        sum->values[i] = MIN (1.0f, sum->values[i] + region->values[i]);
    }
  if (!sum)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d mask"), width, height);
      return FALSE;
    }
  *coverage = g_steal_pointer (&sum);
  return TRUE;
}

NsFinish *
ns_finish_new (NsPreserveColors mode, const NsImage *content, const NsStyle *styles, int n_styles, int width,
               int height, GError **error)
{
  g_autoptr (NsFinish) finish = g_new0 (NsFinish, 1);
  finish->mode = mode;
  if (mode == NS_COLORS_LUMINANCE && !(finish->colors = ns_content_colors_new (content, width, height, error)))
    return NULL;
  if (!ns_styles_coverage (styles, n_styles, width, height, &finish->coverage, error))
    return NULL;
  if (finish->coverage && !(finish->content = ns_image_resize (content, width, height)))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
      return NULL;
    }
  return g_steal_pointer (&finish);
}

void
ns_finish_free (NsFinish *finish)
{
  if (!finish)
    return;
  ns_content_colors_free (finish->colors);
  ns_image_free (finish->content);
  ns_mask_free (finish->coverage);
  g_free (finish);
}

void
ns_finish_apply_window (const NsFinish *finish, NsImage *image, int x, int y)
{
  ns_colors_finish_window (finish->mode, finish->colors, image, x, y);
  if (!finish->coverage)
    return;
  int width = finish->content->width;
  g_return_if_fail (x >= 0 && y >= 0 && x + image->width <= width && y + image->height <= finish->content->height);
  for (int row = 0; row < image->height; row++)
    for (int col = 0; col < image->width; col++)
      {
        gsize p = (gsize) (y + row) * width + x + col;
        float a = finish->coverage->values[p], *out = image->pixels + ((gsize) row * image->width + col) * 3;
        for (int c = 0; c < 3; c++)
          out[c] = finish->content->pixels[p * 3 + c] + a * (out[c] - finish->content->pixels[p * 3 + c]);
      }
}

void
ns_finish_apply (const NsFinish *finish, NsImage *image)
{
  ns_finish_apply_window (finish, image, 0, 0);
}
