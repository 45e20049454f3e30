/* ns-winograd-transform.c: the Winograd F(m x m, 3 x 3) transforms of one
 * tile and of a kernel (ns-winograd-transform.h).
 *
 * The transforms are vectorised across channels (contiguous in HWC) and,
 * with constant matrices, compile to straight adds and multiplies by the
 * nonzero coefficients; they are cloned for AVX2/AVX-512 (the build targets
 * baseline x86-64) and picked at run time. */
#include "ns-winograd-transform.h"

#define CHUNK     NS_WINOGRAD_CHUNK
#define ALPHA_MAX NS_WINOGRAD_ALPHA_MAX

/* Lavin & Gray's matrices: points 0, 1, -1 (F(2)); 0, 1, -1, 2, -2, inf (F(4)). */
static const float f4_bt[ALPHA_MAX][ALPHA_MAX] = {
  { 4,  0, -5,  0, 1, 0 },
  { 0, -4, -4,  1, 1, 0 },
  { 0,  4, -4, -1, 1, 0 },
  { 0, -2, -1,  2, 1, 0 },
  { 0,  2, -1, -2, 1, 0 },
  { 0,  4,  0, -5, 0, 1 },
};
static const float f4_at[ALPHA_MAX][ALPHA_MAX] = {
  { 1, 1,  1, 1,  1, 0 },
  { 0, 1, -1, 2, -2, 0 },
  { 0, 1,  1, 4,  4, 0 },
  { 0, 1, -1, 8, -8, 1 },
};
static const double f4_g[ALPHA_MAX][3] = {
  { 1.0 / 4, 0, 0 },
  { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
  { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
  { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
  { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
  { 0, 0, 1 },
};
static const float f2_bt[ALPHA_MAX][ALPHA_MAX] = {
  { 1,  0, -1,  0 },
  { 0,  1,  1,  0 },
  { 0, -1,  1,  0 },
  { 0,  1,  0, -1 },
};
static const float f2_at[ALPHA_MAX][ALPHA_MAX] = {
  { 1, 1,  1,  0 },
  { 0, 1, -1, -1 },
};
static const double f2_g[ALPHA_MAX][3] = {
  { 1, 0, 0 },
  { 0.5, 0.5, 0.5 },
  { 0.5, -0.5, 0.5 },
  { 0, 0, 1 },
};

/* y_r = sum_k E[r][k] x_k for n channels, E = mat or mat^T (out_n x in_n).
 * Inlined with a constant matrix, the unrolled loops keep only the nonzero
 * coefficients (x * 1 and x * -1 fold; the zeros are skipped here). */
static inline __attribute__ ((always_inline)) void
apply_1d (const float (*mat)[ALPHA_MAX], gboolean trans, int out_n, int in_n,
          const float *restrict x, gsize xs, float *restrict y, gsize ys, int n)
{
  for (int c = 0; c < n; c++)
    {
      float xv[ALPHA_MAX];

#pragma GCC unroll 6
      for (int k = 0; k < in_n; k++)
        xv[k] = x[k * xs + c];
#pragma GCC unroll 6
      for (int r = 0; r < out_n; r++)
        {
          float acc = 0.0f;
          gboolean first = TRUE;

#pragma GCC unroll 6
          for (int k = 0; k < in_n; k++)
            {
              float a = trans ? mat[k][r] : mat[r][k];

              if (a != 0.0f)
                {
                  acc = first ? a * xv[k] : acc + a * xv[k];
                  first = FALSE;
                }
            }
          y[r * ys + c] = acc;
        }
    }
}

/* dst = E src E^T for an in_n x in_n grid of n-channel vectors; element
 * (i, j) of src is at src + i * srs + j * scs (likewise dst). src may be
 * dst: all of src is read before dst is written. */
static inline __attribute__ ((always_inline)) void
transform_2d (const float (*mat)[ALPHA_MAX], gboolean trans, int out_n, int in_n,
              const float *src, gsize srs, gsize scs, float *dst, gsize drs, gsize dcs, int n)
{
  float tmp[ALPHA_MAX][ALPHA_MAX][CHUNK];

#pragma GCC unroll 6
  for (int j = 0; j < in_n; j++)
    apply_1d (mat, trans, out_n, in_n, src + j * scs, srs, tmp[0][j], ALPHA_MAX * CHUNK, n);
#pragma GCC unroll 6
  for (int r = 0; r < out_n; r++)
    apply_1d (mat, trans, out_n, in_n, tmp[r][0], CHUNK, dst + r * drs, dcs, n);
}

/* One tile's transform of n <= CHUNK channels, with the matrices as
 * constants for each case. */
#if defined(__x86_64__) && defined(__GNUC__) && __GNUC__ >= 12
__attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void
ns_winograd_transform_tile (int m, NsWinogradTransform kind, const float *src, gsize srs, gsize scs,
                            float *dst, gsize drs, gsize dcs, int n)
{
  if (m == 4)
    switch (kind)
      {
      case NS_WINOGRAD_INPUT:          transform_2d (f4_bt, FALSE, 6, 6, src, srs, scs, dst, drs, dcs, n); break;
      case NS_WINOGRAD_OUTPUT:         transform_2d (f4_at, FALSE, 4, 6, src, srs, scs, dst, drs, dcs, n); break;
      case NS_WINOGRAD_OUTPUT_ADJOINT: transform_2d (f4_at, TRUE, 6, 4, src, srs, scs, dst, drs, dcs, n); break;
      case NS_WINOGRAD_INPUT_ADJOINT:  transform_2d (f4_bt, TRUE, 6, 6, src, srs, scs, dst, drs, dcs, n); break;
      }
  else
    switch (kind)
      {
      case NS_WINOGRAD_INPUT:          transform_2d (f2_bt, FALSE, 4, 4, src, srs, scs, dst, drs, dcs, n); break;
      case NS_WINOGRAD_OUTPUT:         transform_2d (f2_at, FALSE, 2, 4, src, srs, scs, dst, drs, dcs, n); break;
      case NS_WINOGRAD_OUTPUT_ADJOINT: transform_2d (f2_at, TRUE, 4, 2, src, srs, scs, dst, drs, dcs, n); break;
      case NS_WINOGRAD_INPUT_ADJOINT:  transform_2d (f2_bt, TRUE, 4, 4, src, srs, scs, dst, drs, dcs, n); break;
      }
}

void
ns_winograd_transform_kernel (int m, const float *hwio, int cin, int cout, float *u)
{
  const double (*g)[3] = m == 4 ? f4_g : f2_g;
  const int alpha = m + 2;
  const gsize pair = (gsize) cin * cout;

  /* U = G k G^T per (cin, cout), in double: the float rounding happens once. */
  for (gsize p = 0; p < pair; p++)
    {
      double gk[ALPHA_MAX][3];

      for (int i = 0; i < alpha; i++)
        for (int kx = 0; kx < 3; kx++)
          {
            gk[i][kx] = 0.0;
            for (int ky = 0; ky < 3; ky++)
              gk[i][kx] += g[i][ky] * hwio[(ky * 3 + kx) * pair + p];
          }
      for (int i = 0; i < alpha; i++)
        for (int j = 0; j < alpha; j++)
          u[(i * alpha + j) * pair + p]
            = (float) (gk[i][0] * g[j][0] + gk[i][1] * g[j][1] + gk[i][2] * g[j][2]);
    }
}
