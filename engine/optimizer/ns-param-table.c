/* ns-param-table.c: one row per parameter of NsParams (neural-style.h,
 * "the parameters, described once"). A new parameter is a field of
 * NsParams, a row here and its use in the engine; the front ends that the
 * row's fronts name show it from this row alone. */
#include "neural-style.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#define FIELD(name) G_STRUCT_OFFSET (NsParams, name)
#define CHOICES(array) .choices = (array), .n_choices = G_N_ELEMENTS (array)
#define ALL_FRONTS (NS_FRONT_CLI | NS_FRONT_PDB | NS_FRONT_DIALOG)

/* ns_param_get/set reach the enums of NsParams as int. */
G_STATIC_ASSERT (sizeof (NsInit) == sizeof (int) && sizeof (NsSchedule) == sizeof (int)
                 && sizeof (NsPreserveColors) == sizeof (int));

static const NsParamChoice colors[] = {
  { NS_COLORS_STYLE, "none", "the style's colours", N_("The style's own colours") },
  { NS_COLORS_LUMINANCE, "luminance", "the style in the luminance only, the content's colours kept",
    N_("Keep your picture's colours (texture only)") },
  { NS_COLORS_MATCH, "match", "the style's colours matched to the content's first",
    N_("The style, recoloured to your picture's colours") },
};

static const NsParamChoice inits[] = {
  { NS_INIT_CONTENT, "content", "the content", N_("Your picture") },
  { NS_INIT_NOISE, "noise", "seeded noise", N_("Random noise") },
  { NS_INIT_BLEND, "blend", "the content mixed with seeded noise", N_("Picture mixed with noise") },
};

static const NsParamChoice schedules[] = {
  { NS_SCHEDULE_MULTISCALE, "multiscale", "coarse to fine, each stage from the one before", NULL },
  { NS_SCHEDULE_SINGLE, "single", "one stage at the final size", NULL },
};

static const NsParamSpec specs[] = {
  {
    .key = "preserve-colors", .type = NS_PARAM_ENUM, .offset = FIELD (preserve_colors), CHOICES (colors),
    .min = NS_COLORS_STYLE, .max = NS_COLORS_MATCH, .default_value = NS_COLORS_STYLE,
    .name = N_("colour mode"),
    .blurb = "Whose colours the result has",
    .label = N_("Colo_urs"),
    .tooltip = N_("Whose colours the result has: the style's own; your picture's, with only the style's "
                  "brushwork and texture in its light and dark; or the style's, shifted to your picture's "
                  "palette first."),
    .group = NS_GROUP_STYLE, .fronts = ALL_FRONTS, .effects = NS_EFFECT_LOOK | NS_EFFECT_COST,
  },
  {
    .key = "style-scale", .type = NS_PARAM_DOUBLE, .offset = FIELD (style_scale),
    .min = NS_MIN_STYLE_SCALE, .max = NS_MAX_STYLE_SCALE, .default_value = 1.0,
    .name = N_("style scale"), .note = N_("1 = the style image seen at the working size"),
    .blurb = "Size of the style's brush strokes: the style image's long side relative to the result's; "
             "smaller makes the painting's motifs the texture, larger enlarges its strokes",
    .label = N_("_Brush size"),
    .tooltip = N_("How big the style's brush strokes and patterns are painted on your picture. 1 paints them "
                  "at the size they have in the style image (seen at your picture's size); smaller gives "
                  "finer strokes, larger bolder ones."),
    .group = NS_GROUP_STYLE, .fronts = ALL_FRONTS, .effects = NS_EFFECT_LOOK | NS_EFFECT_COST,
    .soft_min = NS_MIN_STYLE_SCALE, .soft_max = NS_MAX_STYLE_SCALE, .step = 0.05, .digits = 2, .log_scale = TRUE,
  },
  {
    .key = "content-weight", .type = NS_PARAM_DOUBLE, .offset = FIELD (content_weight),
    .min = 0, .max = NS_MAX_RELATIVE_WEIGHT, .default_value = 1.0,
    /* TRANSLATORS: the name starts the sentence "%s must be %s, not %s". */
    .name = N_("content weight"), .note = N_("1 = the balanced default"),
    .blurb = "Weight of the content's structure, relative",
    .label = N_("Con_tent weight"),
    .tooltip = N_("How firmly your picture keeps its own shapes. Raise it to keep faces and outlines "
                  "recognisable; lower it to let the style take over."),
    .group = NS_GROUP_BALANCE, .fronts = ALL_FRONTS, .effects = NS_EFFECT_LOOK,
    .soft_min = 0, .soft_max = 5, .step = 0.05, .digits = 2,
  },
  {
    .key = "style-weight", .type = NS_PARAM_DOUBLE, .offset = FIELD (style_weight),
    .min = 0, .max = NS_MAX_RELATIVE_WEIGHT, .default_value = 1.0,
    .name = N_("style weight"), .note = N_("1 = the balanced default"),
    .blurb = "Weight of the style's textures and colours, relative",
    .label = N_("St_yle weight"),
    .tooltip = N_("How thickly the style's brushwork, texture and palette are laid on. Each step to the "
                  "right is bolder and more painterly; to the left, a lighter glaze."),
    .group = NS_GROUP_BALANCE, .fronts = ALL_FRONTS, .effects = NS_EFFECT_LOOK,
    .soft_min = 0.01, .soft_max = 100, .step = 0.01, .digits = 2, .log_scale = TRUE,
  },
  {
    .key = "tv-weight", .type = NS_PARAM_DOUBLE, .offset = FIELD (tv_weight),
    .min = 0, .max = NS_MAX_RELATIVE_WEIGHT, .default_value = 1.0,
    .name = N_("tv weight"), .note = N_("1 = the balanced default"),
    .blurb = "Weight of the smoothness (total variation) term, relative",
    .label = N_("S_moothness"),
    .tooltip = N_("Evens out speckles and grain. A little gives cleaner strokes; too much looks soft and "
                  "blurry."),
    .group = NS_GROUP_BALANCE, .fronts = ALL_FRONTS, .effects = NS_EFFECT_LOOK,
    .soft_min = 0, .soft_max = 5, .step = 0.05, .digits = 2,
  },
  {
    /* Frames only (ns_frames_next): the tool's --frames runs and the
     * plug-in's frames procedure; not the filter's. */
    .key = "temporal-weight", .type = NS_PARAM_DOUBLE, .offset = FIELD (temporal_weight),
    .min = 0, .max = NS_MAX_RELATIVE_WEIGHT, .default_value = 1.0,
    .name = N_("temporal weight"), .note = N_("0 = each frame independent"),
    .blurb = "Animation frames: how firmly each frame keeps the one before it where the picture moved "
             "but did not change, relative",
    .label = N_("Steadi_ness"),
    .tooltip = N_("How firmly each frame of an animation keeps the brush strokes of the frame before it, "
                  "carried along with the motion. Higher is steadier; 0 paints every frame on its own, "
                  "which flickers."),
    .group = NS_GROUP_BALANCE, .fronts = NS_FRONT_CLI | NS_FRONT_FRAMES, .effects = NS_EFFECT_LOOK,
    .soft_min = 0, .soft_max = 10, .step = 0.1, .digits = 2,
  },
  {
    .key = "iterations", .short_flag = 'i', .type = NS_PARAM_INT, .offset = FIELD (iterations),
    .min = 1, .max = NS_MAX_ITERATIONS, .default_value = 150,
    .name = N_("iterations"),
    .blurb = "L-BFGS iterations over the whole schedule; more is slower and stronger",
    .label = N_("_Iterations"),
    .tooltip = N_("How long the painting is worked on. More passes give a more finished look but take "
                  "longer; the preview above always uses a short sketch."),
    .group = NS_GROUP_QUALITY, .fronts = ALL_FRONTS, .effects = NS_EFFECT_COST,
    .soft_min = 1, .soft_max = 2000, .step = 10, .digits = 0,
  },
  {
    .key = "size", .type = NS_PARAM_INT, .offset = FIELD (size),
    .min = 0, .max = NS_MAX_SIZE, .default_value = 0,
    .name = N_("size"), .note = N_("0 = the picture's own size"),
    .blurb = "Long side of the result in pixels, both sides at least " G_STRINGIFY (NS_MIN_SIDE)
             "; smaller is faster",
    .label = N_("_Working size"),
    .tooltip = N_("How big the painting is worked on, in pixels on its long side. Brush strokes keep "
                  "their size in pixels, so a smaller working size gives bolder strokes and is much "
                  "faster; the result is scaled to your layer."),
    .group = NS_GROUP_QUALITY, .fronts = ALL_FRONTS, .effects = NS_EFFECT_COST,
    .step = 16, .digits = 0,
  },
  {
    .key = "init", .type = NS_PARAM_ENUM, .offset = FIELD (init), CHOICES (inits),
    .min = NS_INIT_CONTENT, .max = NS_INIT_BLEND, .default_value = NS_INIT_CONTENT,
    .name = N_("initialisation"),
    .blurb = "Starting image",
    .label = N_("Start _from"),
    .tooltip = N_("What is on the canvas before painting starts. Your picture gives the most faithful "
                  "result; noise gives a wilder, more abstract one."),
    .group = NS_GROUP_START, .fronts = ALL_FRONTS, .effects = NS_EFFECT_START,
  },
  {
    .key = "seed", .type = NS_PARAM_UINT32, .offset = FIELD (seed),
    .min = 0, .max = G_MAXUINT32, .default_value = 0,
    .name = N_("seed"),
    .blurb = "Seed of the noise for the noise and blend starts",
    .label = N_("S_eed"),
    .tooltip = N_("The number behind the random noise. The same number paints the same picture again; "
                  "another number gives another variation."),
    .group = NS_GROUP_START, .fronts = ALL_FRONTS, .effects = NS_EFFECT_START,
    .soft_min = 0, .soft_max = G_MAXUINT32, .step = 1, .digits = 0,
  },
  {
    .key = "threads", .short_flag = 'j', .type = NS_PARAM_INT, .offset = FIELD (threads),
    .min = 0, .max = 1024, .default_value = 0,
    .name = N_("threads"), .note = N_("0 = one per processor"),
    .blurb = "Worker threads",
    .group = NS_GROUP_RUN, .fronts = NS_FRONT_CLI, .effects = NS_EFFECT_COST,
  },
  {
    .key = "schedule", .type = NS_PARAM_ENUM, .offset = FIELD (schedule), CHOICES (schedules),
    .min = NS_SCHEDULE_MULTISCALE, .max = NS_SCHEDULE_SINGLE, .default_value = NS_SCHEDULE_MULTISCALE,
    .name = N_("schedule"),
    .blurb = "How the run reaches the final size",
    .group = NS_GROUP_RUN, .fronts = NS_FRONT_CLI, .effects = NS_EFFECT_COST,
  },
  {
    /* No front end shows it: NS_INIT_BLEND mixes half and half. */
    .key = "init-noise-ratio", .type = NS_PARAM_DOUBLE, .offset = FIELD (init_noise_ratio),
    .min = 0, .max = 1, .default_value = 0.5,
    .name = N_("noise ratio"), .note = N_("0 = the content, 1 = noise"),
    .blurb = "Share of the noise in the blend start",
    .group = NS_GROUP_START, .effects = NS_EFFECT_START,
  },
  {
    /* The tool's --memory-limit is its own option: its default is the
     * memory available when the run starts, not "no limit". */
    .key = "memory-limit", .type = NS_PARAM_DOUBLE, .offset = FIELD (memory_limit_mb),
    .min = 0, .max = INFINITY, .default_value = 0,
    .name = N_("memory limit in MB"), .note = N_("0 = no limit"),
    .blurb = "Refuse a run whose estimated peak memory exceeds this many MB",
    .group = NS_GROUP_RUN,
  },
};

const NsParamSpec *
ns_param_specs (int *n_specs)
{
  *n_specs = G_N_ELEMENTS (specs);
  return specs;
}

const NsParamSpec *
ns_param_find (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (specs); i++)
    if (g_strcmp0 (specs[i].key, key) == 0)
      return &specs[i];
  return NULL;
}
