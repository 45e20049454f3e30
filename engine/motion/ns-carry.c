/* ns-carry.c: an animation frame's fine texture carried from the frame
 * before (ns-carry.h). */
#include "ns-carry.h"
#include "ns-filter.h"

gboolean
ns_carry_texture (NsImage *picture, const NsImage *prev_band, const NsFlow *flow, const NsMask *mask, double sigma,
                  NsImage **band)
{
  int w = picture->width, h = picture->height;
  gsize n = (gsize) w * h;
  g_autoptr (NsImage) low = ns_image_copy (picture);
  g_autofree float *scratch = low ? g_try_new (float, ns_filter_blur_scratch (w, h, 3, sigma)) : NULL;
  g_autoptr (NsFlow) scaled = scratch && prev_band ? ns_flow_resize (flow, w, h) : NULL;
  g_autoptr (NsImage) carried = scaled ? ns_flow_warp (prev_band, scaled) : NULL;
  g_autoptr (NsMask) trusted = carried ? ns_mask_resize (mask, w, h) : NULL;
  g_autoptr (NsImage) own = scratch ? ns_image_new (w, h) : NULL;
  if (!own || (prev_band && !trusted))
    return FALSE;
  ns_filter_blur (low->pixels, w, h, 3, sigma, scratch);
  for (gsize p = 0; p < n; p++)
    for (int c = 0; c < 3; c++)
      {
        gsize i = p * 3 + c;
        float mine = picture->pixels[i] - low->pixels[i];
        own->pixels[i] = trusted ? trusted->values[p] * carried->pixels[i] + (1 - trusted->values[p]) * mine : mine;
        picture->pixels[i] = CLAMP (low->pixels[i] + own->pixels[i], 0.0f, 1.0f);
      }
  *band = g_steal_pointer (&own);
  return TRUE;
}
