/* ns-upsample.c: a coarse stage's result brought up to a finer size
 * (ns-upsample.h). Upsampling the coarse result itself would blur away the
 * content's fine detail; adding its upsampled change to the content keeps
 * it. */
#include "ns-upsample.h"

NsImage *
ns_upsample_change (const NsImage *content, const double *coarse, int cw, int ch, int width, int height)
{
  g_autoptr (NsImage) change = ns_image_resize (content, cw, ch);
  if (!change)
    return NULL;
  for (gsize i = 0; i < (gsize) cw * ch * 3; i++)
    change->pixels[i] = (float) coarse[i] - change->pixels[i];
  NsImage *out = ns_image_resize (change, width, height);
  g_autoptr (NsImage) resized = NULL;
  const NsImage *detail = content;
  if (out && (content->width != width || content->height != height))
    detail = resized = ns_image_resize (content, width, height);
  if (!detail)
    g_clear_pointer (&out, ns_image_free);
  for (gsize i = 0; out && i < (gsize) width * height * 3; i++)
    out->pixels[i] = CLAMP (detail->pixels[i] + out->pixels[i], 0.0f, 1.0f);
  return out;
}
