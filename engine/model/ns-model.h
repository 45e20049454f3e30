/* ns-model.h: a loaded model: the network and the recipe that says which
 * of its layers carry style and content, and how to feed it pixels. */
#pragma once

#include "neural-style.h"
#include "ns-network.h"

G_BEGIN_DECLS

/* ---- recipe: which layers, which weights ---------------------------------------- */

typedef struct
{
  char   *name;
  double  weight;
} NsTap;

typedef struct
{
  char   *name;
  NsTap  *style;      int n_style;
  NsTap  *content;    int n_content;
  double  content_weight, style_weight, tv_weight;   /* absolute defaults */
  double  tv_epsilon;
  float   mean_bgr[3];                              /* "caffe" preprocessing */
  int     min_stage_size;                           /* multi-scale schedule */
  double  stage_factor;
  double  stage_iteration_ratio;                    /* iterations(k+1)/iterations(k) */
  int     max_stage_size;                           /* long side of the largest optimised stage; larger
                                                     * results are brought up from it (0: no limit) */
  double  max_upsample;                             /* ... by at most this factor: larger results get
                                                     * stages above max_stage_size (0: no limit) */
} NsRecipe;

/* Finds the recipe whose detection layers all exist in model.json's layers. */
NsRecipe *ns_recipe_for_layers (const char *const *layer_names, GError **error);
void      ns_recipe_free       (NsRecipe *recipe);
/* NULL-terminated list of the layers the recipe taps (for pruning). */
char    **ns_recipe_outputs    (const NsRecipe *recipe);

struct _NsModel
{
  NsNetwork *net;
  NsRecipe  *recipe;
  int       *style_nodes;
  int       *content_nodes;
  /* This machine's single-thread SGEMM rate (ns-speed.h), measured by the
   * first estimate that needs it, not at load: ns_model_gemm_gflops(). */
  double     gemm_gflops;     /* 0: the probe failed */
  gsize      gemm_measured;   /* g_once_init_enter() guard of gemm_gflops */
};

/* The model's SGEMM rate in GFLOP/s, measured on the first call (one
 * thread measures, the others wait: a model may serve several threads),
 * with OpenBLAS set to one thread as the engine runs it. */
double ns_model_gemm_gflops (const NsModel *model);

/* x (RGB 0..1 HWC) -> network input (BGR, 0..255 minus mean); input may be rgb. */
void ns_preprocess (const NsRecipe *recipe, const float *rgb, gsize pixels, float *input);

G_END_DECLS
