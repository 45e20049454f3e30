/* ns-colors.h: colour preservation (Gatys, Bethge, Hertzmann, Shechtman,
 * "Preserving Color in Neural Artistic Style Transfer", 2016).
 *
 *   luminance  the network sees only lightness: content and styles become
 *              grey (the style's lightness matched to the content's mean
 *              and standard deviation); the optimised lightness is then
 *              recombined with the content's colour.
 *   match      each style's colours are moved linearly so that their mean
 *              and 3x3 covariance equal the content's; then stylise as usual.
 *
 * Lightness and colour are CIELAB L* and a*b* (sRGB, D65): see ns-colors.c
 * for why CIELAB rather than YIQ. Images are NsImage (gamma-encoded sRGB
 * 0..1); results are clamped to 0..1.
 */
#pragma once

#include "neural-style.h"   /* NsImage, NsPreserveColors */

/* ---- the two hooks of ns_stylize() ----------------------------------------
 *
 * Before the schedule: ns_colors_prepare() gives the images to optimise
 * against. content_out is what the content targets (and NS_INIT_CONTENT)
 * are taken from; styles_out[0..n_styles) replace the styles. Every output
 * is a new image (a plain copy for NS_COLORS_STYLE, and the content's copy
 * for NS_COLORS_MATCH); free each with ns_image_free(). Inputs untouched.
 * FALSE with NS_ERROR_MEMORY (and no outputs) if an image cannot be made.
 *
 * After optimising (and on a copy of progress->current for the preview):
 * ns_colors_finish() turns the optimised image back into colour, in place.
 * Only NS_COLORS_LUMINANCE changes anything: each pixel's L* (limited to
 * 0..100) is kept and its a*b* become the ORIGINAL (not prepared) content's. Those are taken
 * once per working size by ns_content_colors_new() (which resamples the
 * content if its size differs), so the call per iteration costs a few
 * float pow/cbrt per pixel and allocates nothing. colors may be NULL for
 * the other modes; for luminance it must have the image's size. */
gboolean ns_colors_prepare (NsPreserveColors mode, const NsImage *content,
                            const NsImage *const *styles, int n_styles,
                            NsImage **content_out, NsImage **styles_out, GError **error);

typedef struct _NsContentColors NsContentColors;
/* NULL with NS_ERROR_MEMORY if it cannot be made. */
NsContentColors *ns_content_colors_new  (const NsImage *content, int width, int height, GError **error);
void             ns_content_colors_free (NsContentColors *colors);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsContentColors, ns_content_colors_free)

void ns_colors_finish (NsPreserveColors mode, const NsContentColors *colors, NsImage *image);
/* The same on a part of the picture colors was made for: image holds the
 * pixels from (x, y) on. */
void ns_colors_finish_window (NsPreserveColors mode, const NsContentColors *colors, NsImage *image, int x, int y);

/* ---- CIELAB -------------------------------------------------------------
 * lab: L* 0..100, a*, b* roughly -128..127. Out-of-range RGB is converted
 * as it is (the sRGB curve extended by odd symmetry); lab_to_rgb does not
 * clamp, so rgb -> lab -> rgb round-trips to float rounding. */
void ns_rgb_to_lab (const float rgb[3], float lab[3]);
void ns_lab_to_rgb (const float lab[3], float rgb[3]);
/* The grey (v, v, v) whose L* is lightness (clamped to 0..100). */
float ns_grey_of_lightness (double lightness);

/* ---- colour statistics and their matching ------------------------------ */

typedef struct
{
  double mean[3];
  double covariance[3][3];   /* population covariance (divided by the pixel count) */
} NsColorStats;

void ns_color_stats (const NsImage *image, NsColorStats *stats);

/* An affine colour map x' = matrix x + offset. */
typedef struct
{
  double matrix[3][3];
  double offset[3];
} NsColorTransform;

/* The map that gives from's pixels the mean and covariance of to's:
 * matrix = C_to^1/2 C_from^-1/2 (symmetric square roots). */
void     ns_color_match      (const NsColorStats *from, const NsColorStats *to,
                              NsColorTransform *transform);
/* A new image with transform applied to every pixel; clamp to 0..1 or not.
 * NULL if it cannot be allocated. */
NsImage *ns_color_transform  (const NsImage *image, const NsColorTransform *transform,
                              gboolean clamp);
