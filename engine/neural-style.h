/* neural-style.h: public API of the neural style transfer engine.
 *
 * The engine has no GIMP or GTK dependency. Images are RGB, interleaved,
 * float 0..1, row-major (NsImage). A loaded NsModel is read-only after
 * ns_model_load(), so one model may serve several threads at once; all
 * per-run state lives inside ns_stylize(). (The machine's SGEMM rate that
 * ns_estimate() needs is measured once per model, by the first estimate,
 * thread-safely: about 10 ms.)
 *
 * What the engine sets for the whole process: OpenBLAS' thread count, to 1
 * (openblas_set_num_threads()), when ns_stylize(), ns_stylize_blend() or
 * ns_estimate() builds a network pass or measures the SGEMM rate; it
 * splits the GEMMs over its own threads instead, and does not set the
 * count back. ns_model_load() sets nothing and runs no benchmark. Nothing
 * else: no locale, text domain binding, signal handler or environment
 * variable; its helper threads belong to the thread that calls it and end
 * with that thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NS_ERROR (ns_error_quark ())
GQuark ns_error_quark (void);

typedef enum
{
  NS_ERROR_WEIGHTS,   /* weights missing, truncated, corrupt or mismatched */
  NS_ERROR_MODEL,     /* model.json unreadable or uses an unsupported layer */
  NS_ERROR_IMAGE,     /* image unreadable, empty or of an unsupported kind */
  NS_ERROR_PARAMS,    /* a parameter is out of its range */
  NS_ERROR_MEMORY,    /* the job would not fit in memory */
  NS_ERROR_CANCELLED  /* the progress callback asked to stop */
} NsError;

/* ---- limits -------------------------------------------------------------
 * The ranges ns_params_validate() accepts; front ends take their ranges and
 * help texts from here. */

#define NS_MAX_SIZE             16384   /* long side of a result, pixels */
#define NS_MIN_SIDE             16      /* smaller results carry no visible style */
#define NS_MAX_ITERATIONS       100000
#define NS_MAX_RELATIVE_WEIGHT  1e6     /* content, style and tv weights: 0 .. this */
#define NS_MAX_STYLES           8
#define NS_BYTES_PER_MB         1048576.0   /* memory figures are in MB of 2^20 bytes */       /* style images blended in one run */
#define NS_MIN_STYLE_SCALE      0.1     /* style image's long side / the working long side */
#define NS_MAX_STYLE_SCALE      8.0

/* ---- images ------------------------------------------------------------ */

typedef struct
{
  int    width;
  int    height;
  float *pixels;      /* width * height * 3 floats, RGB 0..1 */
} NsImage;

NsImage *ns_image_new    (int width, int height);   /* zero-filled; NULL if too large */
NsImage *ns_image_copy   (const NsImage *image);
void     ns_image_free   (NsImage *image);
/* Resamples with an antialiasing filter when shrinking, bilinear when growing. */
NsImage *ns_image_resize (const NsImage *image, int width, int height);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsImage, ns_image_free)

/* A mask over an image: a weight 0..1 per pixel (white = 1). */
typedef struct
{
  int    width;
  int    height;
  float *values;      /* width * height */
} NsMask;

NsMask *ns_mask_new    (int width, int height);   /* zero-filled; NULL if too large */
NsMask *ns_mask_copy   (const NsMask *mask);      /* NULL if memory ran out */
void    ns_mask_free   (NsMask *mask);
NsMask *ns_mask_resize (const NsMask *mask, int width, int height);   /* as ns_image_resize */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsMask, ns_mask_free)

/* The one pixel path of every front end (plug-in, preview, command line):
 * gamma-encoded samples, 8-bit or float, 1 (grey), 2 (grey + alpha), 3 (RGB)
 * or 4 (RGBA) channels per pixel, rows rowstride bytes apart. Grey fills R,
 * G and B; alpha is ignored (each pixel's colour as stored); float samples
 * are clamped to 0..1 (NaN becomes 0). ns_image_to_pixels() writes the
 * colour channels (grey: Rec. 601 luma) and leaves alpha as it was. */
typedef enum { NS_SAMPLES_U8, NS_SAMPLES_FLOAT } NsSampleType;
NsImage *ns_image_from_pixels (const void *pixels, int width, int height, gsize rowstride, int channels,
                               NsSampleType type, GError **error);
void     ns_image_to_pixels   (const NsImage *image, void *pixels, gsize rowstride, int channels,
                               NsSampleType type);
/* A mask from the same kinds of pixels: the grey value, or the luma of RGB
 * (Rec. 601); alpha ignored. */
NsMask  *ns_mask_from_pixels  (const void *pixels, int width, int height, gsize rowstride, int channels,
                               NsSampleType type, GError **error);

/* ---- weights and model ------------------------------------------------- */

/* Path of the default model.json: $NEURAL_STYLE_WEIGHTS if set (a model.json
 * or a folder holding one), else $XDG_DATA_HOME/neural-style/resnet50/model.json. */
char       *ns_weights_default_path (void);
/* One line telling the user how to fetch the default weights. */
const char *ns_weights_fetch_hint   (void);

typedef struct _NsModel NsModel;

/* Loads a tfjs layers-model (model.json + shards beside it) and the recipe
 * that matches it (ResNet-50 or VGG-19). path NULL = default path. Only the
 * part of the graph up to the deepest layer the recipe uses is kept. */
NsModel    *ns_model_load     (const char *path, GError **error);
void        ns_model_free     (NsModel *model);
const char *ns_model_name     (const NsModel *model);   /* "resnet50", "vgg19" */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsModel, ns_model_free)

/* ---- stylisation ------------------------------------------------------- */

typedef enum
{
  NS_INIT_CONTENT,    /* start from the content image */
  NS_INIT_NOISE,      /* start from seeded noise */
  NS_INIT_BLEND       /* content mixed with seeded noise (init_noise_ratio) */
} NsInit;

typedef enum
{
  NS_SCHEDULE_MULTISCALE,  /* coarse to fine, each stage from the previous one */
  NS_SCHEDULE_SINGLE       /* one fixed size */
} NsSchedule;

/* Whose colours the result has (Gatys, Bethge, Hertzmann, Shechtman,
 * "Preserving Color in Neural Artistic Style Transfer", 2016). */
typedef enum
{
  NS_COLORS_STYLE,      /* the style's colours: plain style transfer */
  NS_COLORS_LUMINANCE,  /* style transferred in luminance only; the content's chroma */
  NS_COLORS_MATCH       /* the style's colours first matched to the content's (mean, covariance) */
} NsPreserveColors;

typedef struct
{
  double     content_weight;   /* relative: 1.0 = the recipe's balanced default */
  double     style_weight;     /* relative */
  double     tv_weight;        /* relative */
  int        iterations;       /* L-BFGS iterations (whole schedule) */
  int        size;             /* long side of the result; 0 = content's own */
  NsInit     init;
  double     init_noise_ratio; /* NS_INIT_BLEND: 0 = content, 1 = noise */
  guint32    seed;
  int        threads;          /* 0 = one per processor; the engine splits its work, GEMMs
                                * included, over its own threads and sets OpenBLAS to one */
  NsSchedule schedule;
  double     memory_limit_mb;  /* 0 = no limit beyond what malloc gives; tiles keep a
                                * run within the smaller of this and 4 GB where they can */
  double     style_scale;      /* style image's long side / working long side (1 = same) */
  NsPreserveColors preserve_colors;
  double     temporal_weight;  /* ns_frames_next(): relative pull of a frame towards the one before,
                                * carried along the motion; 0 = each frame independent */
} NsParams;

void     ns_params_init     (NsParams *params);          /* the table's defaults */
/* Every row's range (messages naming the parameter), and content and style
 * weight not both 0. */
gboolean ns_params_validate (const NsParams *params, GError **error);

/* ---- the parameters, described once --------------------------------------
 * One row per field of NsParams (engine/optimizer/ns-param-table.c): its
 * key, type, range, default and the words each front end shows. The
 * defaults and the checks above come from it, and so do the neural-style
 * tool's options and --help, the plug-in's PDB argument descriptions, its
 * stored last values and its dialog's controls. Texts marked N_() are
 * translated in the gimp-neural-style text domain; blurbs are English (the
 * tool's help and the PDB's descriptions are not translated). */

typedef enum
{
  NS_PARAM_INT,      /* an int */
  NS_PARAM_UINT32,   /* a guint32 (the PDB carries it as an INT32's bits) */
  NS_PARAM_DOUBLE,   /* a double */
  NS_PARAM_ENUM      /* an enum of NsParams: one of the row's choices */
} NsParamType;

/* Which front ends show a row. */
typedef enum
{
  NS_FRONT_CLI    = 1 << 0,   /* an option of the neural-style tool, --KEY */
  NS_FRONT_PDB    = 1 << 1,   /* an argument KEY of plug-in-neural-style-full (the plug-in
                               * lists which plug-in-neural-style has too) */
  NS_FRONT_DIALOG = 1 << 2,   /* a control of the plug-in's dialog */
  NS_FRONT_FRAMES = 1 << 3    /* an argument KEY of plug-in-neural-style-frames (which has the
                               * NS_FRONT_PDB rows too, the regions and areas aside) */
} NsFront;

/* What changing the value changes: the dialog's preview and estimate follow it. */
typedef enum
{
  NS_EFFECT_LOOK  = 1 << 0,   /* the picture (the preview continues from the current one) */
  NS_EFFECT_START = 1 << 1,   /* the starting picture (the preview starts over) */
  NS_EFFECT_COST  = 1 << 2    /* the time or memory a run takes */
} NsEffect;

/* What a row is about; the dialog puts each group under its heading. */
typedef enum
{
  NS_GROUP_STYLE,     /* how the style is applied */
  NS_GROUP_BALANCE,   /* the weights of the objective's terms */
  NS_GROUP_QUALITY,   /* how long and how large */
  NS_GROUP_START,     /* the starting picture */
  NS_GROUP_RUN        /* how the machine runs it */
} NsParamGroup;

typedef struct
{
  int         value;
  const char *name;    /* the tool's word; upper case in the PDB's description */
  const char *blurb;   /* what it means, English */
  const char *label;   /* the dialog's words, N_() */
} NsParamChoice;

typedef struct
{
  const char          *key;           /* the tool's --KEY, the PDB's argument, the stored values' key */
  char                 short_flag;    /* the tool's one-letter form, or 0 */
  NsParamType          type;
  gsize                offset;        /* of the field in NsParams */
  double               min, max;      /* the accepted range (max INFINITY: none) */
  double               default_value;
  const NsParamChoice *choices;       /* NS_PARAM_ENUM: its n_choices values */
  int                  n_choices;
  const char          *name;          /* in messages, N_(): "content weight" */
  const char          *note;          /* what a special value means, N_(), or NULL */
  const char          *blurb;         /* what it does, English */
  const char          *label;         /* the dialog's label with its mnemonic, N_(), or NULL */
  const char          *tooltip;       /* the dialog's tooltip, N_(), or NULL */
  NsParamGroup         group;
  guint                fronts;        /* NsFront: who shows it */
  guint                effects;       /* NsEffect */
  double               soft_min, soft_max;   /* the range most pictures need (the dialog's slider) */
  double               step;          /* a sensible increment */
  int                  digits;        /* decimals worth showing */
  gboolean             log_scale;     /* the useful range spans orders of magnitude */
} NsParamSpec;

/* The table, in the order front ends list it; *n_specs rows. */
const NsParamSpec *ns_param_specs (int *n_specs);
/* The row of key, or NULL. */
const NsParamSpec *ns_param_find  (const char *key);
/* A row's value in params as a double (every int and guint32 is exact). */
double   ns_param_get      (const NsParamSpec *spec, const NsParams *params);
/* Sets it, rounded for the integer types; not checked (ns_param_check() is). */
void     ns_param_set      (const NsParamSpec *spec, NsParams *params, double value);
/* The row's range or choices, as ns_params_validate() checks them. */
gboolean ns_param_check    (const NsParamSpec *spec, const NsParams *params, GError **error);
/* Reads text (a number, or a choice's name) into the row's field; what
 * names it in the message (NULL: the key). The range is left to
 * ns_param_check(), but for NS_PARAM_UINT32, which cannot hold what is
 * outside it. */
gboolean ns_param_parse    (const NsParamSpec *spec, const char *text, const char *what, NsParams *params,
                            GError **error);
/* value as ns_param_parse() reads it back exactly. */
char    *ns_param_format   (const NsParamSpec *spec, double value);
/* The choice of value, or NULL. */
const NsParamChoice *ns_param_choice (const NsParamSpec *spec, int value);
/* The blurb with the choices, range, default and note, English, e.g.
 * "L-BFGS iterations (1 to 100000, default 150)": for the tool's --help,
 * or numbered, for the PDB ("{ CONTENT (0): ..., ... }"). */
char    *ns_param_describe (const NsParamSpec *spec, gboolean numbered);

typedef struct
{
  int            stage, n_stages;          /* 0-based stage of the schedule */
  int            width, height;            /* working size of this stage */
  int            iteration, iterations;    /* within the whole schedule */
  double         loss, content_loss, style_loss, tv_loss;
  double         seconds;                  /* since ns_stylize() began */
  const NsImage *current;                  /* valid during the callback only; NULL in the brushwork
                                            * stage of a photo (no iterations: its tiles) */
  int            tiles, tiles_done;        /* the brushwork stage: its tiles, and how many are done */
} NsProgress;

/* Called after every iteration; return FALSE to cancel the run. */
typedef gboolean (*NsProgressFunc) (const NsProgress *progress, gpointer user_data);

typedef struct
{
  int    iterations;
  double seconds;
  double seconds_per_iteration;   /* median, optimisation loop only */
  double loss_initial, loss_final;          /* at the last optimised stage's size (a photo's
                                             * brushwork stage has no loss: it is not optimised) */
  double content_loss, style_loss, tv_loss;
  double peak_rss_mb;
  int    evaluations;             /* loss + gradient evaluations (line search included) */
} NsStats;

/* One style image, its share of the blend, and where it applies
 * (Gatys et al., "Controlling Perceptual Factors in Neural Style Transfer",
 * 2017: guided Gram matrices). Styles without a region share the whole
 * image, their Gram targets blended; a style with a region is matched
 * within it alone, and pixels no region covers keep the content. */
typedef struct
{
  const NsImage *image;
  double         blend;   /* >= 0; a run's blends are normalised to sum 1 */
  const NsMask  *region;  /* where in the content (any size: resized to it); NULL = everywhere */
  const NsMask  *area;    /* which part of the style image (resized to it); NULL = all of it */
} NsStyle;

/* A set of 1 to NS_MAX_STYLES styles that owns its images and masks: what a
 * front end reads for a run (files, GIMP layers, thumbnails) and hands to
 * ns_stylize_blend() as ns_style_set_styles(). */
typedef struct _NsStyleSet NsStyleSet;

typedef enum
{
  NS_STYLE_TAKE_IMAGE = 1 << 0,   /* the set frees style->image */
  NS_STYLE_TAKE_MASKS = 1 << 1,   /* the set frees style->region and style->area */
  NS_STYLE_TAKE_ALL   = NS_STYLE_TAKE_IMAGE | NS_STYLE_TAKE_MASKS
} NsStyleTake;

NsStyleSet    *ns_style_set_new       (void);
void           ns_style_set_free      (NsStyleSet *set);
/* Appends style. The set takes the parts named in take and frees them with
 * itself, or at once if it fails; parts not taken are borrowed and must
 * outlive the set. FALSE (NS_ERROR_PARAMS) if the set is full or the style
 * has no image. */
gboolean       ns_style_set_add       (NsStyleSet *set, const NsStyle *style, NsStyleTake take, GError **error);
/* A new set holding copies of the styles' images and masks; NULL
 * (NS_ERROR_MEMORY, NS_ERROR_PARAMS) if they cannot be copied. */
NsStyleSet    *ns_style_set_copy      (const NsStyle *styles, int n_styles, GError **error);
int            ns_style_set_count     (const NsStyleSet *set);
/* The set as the engine takes it: count entries, valid until the set changes. */
const NsStyle *ns_style_set_styles    (const NsStyleSet *set);
void           ns_style_set_set_blend (NsStyleSet *set, int index, double blend);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsStyleSet, ns_style_set_free)

/* The one check of blend weights: finite numbers of 0 or more, not all 0
 * (NS_ERROR_PARAMS naming the first that is not). ns_styles_validate()
 * applies it; a front end may call it before it reads any image. */
gboolean ns_style_blends_validate (const double *blends, int n_blends, GError **error);
/* The one check of a run's styles, as ns_stylize_blend() makes it: 1 to
 * NS_MAX_STYLES, none without pixels, their blends as above. */
gboolean ns_styles_validate       (const NsStyle *styles, int n_styles, GError **error);

/* How much the styles' regions (of blend > 0) cover each pixel of a width x
 * height picture: min (1, the sum of the regions), a region shared by
 * several styles counting once. *coverage is NULL when some style applies
 * everywhere. Where a run's result is not covered it keeps the content; a
 * host may use this to keep its own pixels exactly there. FALSE (and
 * NS_ERROR_MEMORY) if the mask cannot be made. */
gboolean ns_styles_coverage (const NsStyle *styles, int n_styles, int width, int height, NsMask **coverage,
                             GError **error);

/* Stylises content with the look of style. The result has the working size
 * (params->size on the long side, or the content's size). warm_start, if not
 * NULL, is an earlier result to continue from instead of params->init.
 * Returns NULL and sets error on bad input or cancel; never partial output. */
NsImage *ns_stylize (const NsModel  *model,
                     const NsImage  *content,
                     const NsImage  *style,
                     const NsParams *params,
                     const NsImage  *warm_start,
                     NsProgressFunc  progress,
                     gpointer        user_data,
                     NsStats        *stats,
                     GError        **error);

/* The same with 1 to NS_MAX_STYLES styles: each layer's style target is the
 * blend-weighted sum of the styles' Gram matrices. */
NsImage *ns_stylize_blend (const NsModel  *model,
                           const NsImage  *content,
                           const NsStyle  *styles,
                           int             n_styles,
                           const NsParams *params,
                           const NsImage  *warm_start,
                           NsProgressFunc  progress,
                           gpointer        user_data,
                           NsStats        *stats,
                           GError        **error);

/* A run split in two, for a preview that shows part of the result at full
 * size: ns_painting_new() runs the optimised stages (the costly part:
 * parameters, styles and progress as ns_stylize_blend()), then
 * ns_painting_render() makes any part of the final picture, the same pixels
 * ns_stylize_blend() gives there. For a photo the final size is made by the
 * brushwork stage in tiles, so a part costs about its share of the picture;
 * otherwise the whole picture is kept and a part is a copy. The styles'
 * region masks must outlive the painting. */
typedef struct _NsPainting NsPainting;

NsPainting *ns_painting_new    (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                                const NsParams *params, const NsImage *warm_start, NsProgressFunc progress,
                                gpointer user_data, NsStats *stats, GError **error);
void        ns_painting_free   (NsPainting *painting);
/* The final picture's size (the working size). */
void        ns_painting_size   (const NsPainting *painting, int *width, int *height);
/* The final picture's pixels in [x, x + width) x [y, y + height), which must
 * lie inside it; progress as in the brushwork stage (tiles, no frame). */
NsImage    *ns_painting_render (NsPainting *painting, int x, int y, int width, int height,
                                NsProgressFunc progress, gpointer user_data, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsPainting, ns_painting_free)

/* ---- animation: a sequence of frames ------------------------------------
 * Frames styled one after another, each steady against the one before
 * (Ruder, Dosovitskiy, Brox, "Artistic style transfer for videos", 2016):
 * the first frame is a run of ns_stylize_blend(); each later one starts
 * from the result before it carried along the motion between the two
 * content frames (optical flow), runs only the last optimised stage, for
 * a fraction of its iterations, and its objective holds the picture to
 * that carried result where the motion can be trusted (weighted by
 * params->temporal_weight), leaving what the frame newly shows free. Only
 * the frame before is held: memory does not grow with the number of
 * frames. With temporal_weight 0 every frame is an independent run. */
typedef struct _NsFrames NsFrames;

/* The styles (copied) and parameters (checked) of every frame; the model
 * must outlive the sequence. NULL with error set on bad input. */
NsFrames *ns_frames_new  (const NsModel *model, const NsStyle *styles, int n_styles, const NsParams *params,
                          GError **error);
void      ns_frames_free (NsFrames *frames);
/* The next frame's result (content of the first frame's size, else
 * NS_ERROR_IMAGE); progress and stats as in ns_stylize_blend(). On error
 * or cancel the sequence stays where it was. */
NsImage  *ns_frames_next (NsFrames *frames, const NsImage *content, NsProgressFunc progress, gpointer user_data,
                          NsStats *stats, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsFrames, ns_frames_free)

typedef struct
{
  double seconds;
  double peak_mb;
} NsEstimate;

/* Memory this process can still get, in MB: the kernel's MemAvailable
 * (free memory plus reclaimable caches). */
double ns_available_memory_mb (void);

/* Estimated time and peak memory of ns_stylize() for a content of the given
 * size (the style assumed of the content's aspect), calibrated on this
 * machine's benchmark. */
void ns_estimate (const NsModel *model, int content_width, int content_height,
                  const NsParams *params, NsEstimate *estimate);

G_END_DECLS
