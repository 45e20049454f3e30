/* ns-winograd-transform.h: the transforms of Winograd F(m x m, 3 x 3), for
 * m = 4 (points 0, 1, -1, 2, -2, inf) and m = 2 (points 0, 1, -1), with Lavin
 * and Gray's matrices B, G, A. Used by ns-winograd.c. */
#pragma once

#include <glib.h>

#define NS_WINOGRAD_ALPHA_MAX 6          /* m + 2 for m = 4 */
#define NS_WINOGRAD_CHUNK     64         /* channels a tile transform handles at once */

typedef enum
{
  NS_WINOGRAD_INPUT,          /* B^T d B: alpha x alpha */
  NS_WINOGRAD_OUTPUT,         /* A^T M A: alpha x alpha -> m x m */
  NS_WINOGRAD_OUTPUT_ADJOINT, /* A dY A^T: m x m -> alpha x alpha */
  NS_WINOGRAD_INPUT_ADJOINT,  /* B dV B^T: alpha x alpha */
} NsWinogradTransform;

/* One tile's transform of n <= NS_WINOGRAD_CHUNK channels. Element (i, j)
 * of the source grid is at src + i * srs + j * scs (likewise dst); src may
 * be dst. */
void ns_winograd_transform_tile   (int m, NsWinogradTransform kind, const float *src, gsize srs, gsize scs,
                                   float *dst, gsize drs, gsize dcs, int n);
/* U[xi][cin][cout] = (G k G^T)[xi] of an HWIO 3x3 kernel, computed in
 * double and rounded once. u holds (m + 2)^2 * cin * cout floats. */
void ns_winograd_transform_kernel (int m, const float *hwio, int cin, int cout, float *u);
