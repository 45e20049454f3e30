/* neural-style-plugin.c: the GIMP 2.10 plug-in's PDB procedures:
 * plug-in-neural-style (one style, the menu entry) and
 * plug-in-neural-style-full (several styles, regions, style scale, colours):
 * registration, arguments, run modes and return values. */
#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <libgimp/gimp.h>

#include "ns-dialog.h"
#include "ns-plugin-i18n.h"
#include "ns-plugin-job.h"

#define NS_PLUGIN_PROC "plug-in-neural-style"
#define NS_PLUGIN_FULL_PROC "plug-in-neural-style-full"

static void query (void);
static void run   (const gchar      *name,
                   gint              n_params,
                   const GimpParam  *params,
                   gint             *n_return_vals,
                   GimpParam       **return_vals);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

/* libgimp's MAIN(), with the text domain bound first. */
int
main (int argc, char *argv[])
{
  ns_plugin_i18n_init (argc > 0 ? argv[0] : NULL);
  return gimp_main (&PLUG_IN_INFO, argc, argv);
}

#define N_ARGS 11
#define N_FULL_ARGS 20

static void
query (void)
{
  /* GIMP 2.10 translates the blurb, help and menu label with the domain
   * registered below; the argument descriptions stay English (GIMP shows
   * them untranslated), so they can carry the engine's limits. */
  g_autofree gchar *weight_range = g_strdup_printf ("0 to %g; 1.0 = the engine's balanced default",
                                                    NS_MAX_RELATIVE_WEIGHT);
  g_autofree gchar *content_weight = g_strdup_printf ("Weight of the content's structure, relative (%s)",
                                                      weight_range);
  g_autofree gchar *style_weight = g_strdup_printf ("Weight of the style's textures and colours, relative (%s)",
                                                    weight_range);
  g_autofree gchar *tv_weight = g_strdup_printf ("Weight of the smoothness (total variation) term, "
                                                 "relative (%s)", weight_range);
  g_autofree gchar *iterations = g_strdup_printf ("Optimiser (L-BFGS) iterations (1 to %d; more is slower "
                                                  "and stronger)", NS_MAX_ITERATIONS);
  g_autofree gchar *size = g_strdup_printf ("Longest side of the working resolution in pixels (0 to %d; "
                                            "0 = the layer's own size; smaller is faster, the result is "
                                            "scaled to the layer; both sides at least %d)",
                                            NS_MAX_SIZE, NS_MIN_SIDE);
  const GimpParamDef args[N_ARGS] = {
    { GIMP_PDB_INT32,    "run-mode",
      "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }" },
    { GIMP_PDB_IMAGE,    "image", "Input image (the one holding drawable)" },
    { GIMP_PDB_DRAWABLE, "drawable",
      "Content layer to stylise (RGB or grayscale; with a selection only the "
      "selected part changes)" },
    { GIMP_PDB_DRAWABLE, "style-drawable",
      "Drawable whose look is transferred (any open image, RGB or grayscale, "
      "alpha ignored)" },
    { GIMP_PDB_FLOAT,    "content-weight", content_weight },
    { GIMP_PDB_FLOAT,    "style-weight", style_weight },
    { GIMP_PDB_FLOAT,    "tv-weight", tv_weight },
    { GIMP_PDB_INT32,    "iterations", iterations },
    { GIMP_PDB_INT32,    "size", size },
    { GIMP_PDB_INT32,    "seed",
      "Seed of the random noise for init NOISE and BLEND (any value)" },
    { GIMP_PDB_INT32,    "init",
      "Starting image { CONTENT (0), NOISE (1), BLEND (2) }" },
  };
  g_autofree gchar *scale = g_strdup_printf ("Size of the style's brush strokes: the style images' long side "
                                             "relative to the working size's (%g to %g; 1.0 = the same)",
                                             NS_MIN_STYLE_SCALE, NS_MAX_STYLE_SCALE);
  g_autofree gchar *num_styles = g_strdup_printf ("Number of style drawables (1 to %d)", NS_MAX_STYLES);
  const GimpParamDef full_args[N_FULL_ARGS] = {
    args[0], args[1], args[2],
    { GIMP_PDB_INT32,      "num-styles", num_styles },
    { GIMP_PDB_INT32ARRAY, "style-drawables",
      "Drawable IDs whose look is transferred (any open images, RGB or grayscale, alpha ignored)" },
    { GIMP_PDB_INT32,      "num-blends", "Number of blend weights (= num-styles)" },
    { GIMP_PDB_FLOATARRAY, "style-blends",
      "Each style's share of the blend (>= 0, not all 0; normalised to sum 1)" },
    { GIMP_PDB_INT32,      "num-regions", "Number of regions (= num-styles)" },
    { GIMP_PDB_INT32ARRAY, "style-regions",
      "Where each style goes: -1 = the whole image, else a channel or layer-mask ID of the image "
      "(white = this style; e.g. the selection saved with gimp-selection-save). Pixels no region covers "
      "keep the drawable's" },
    { GIMP_PDB_INT32,      "num-areas", "Number of style areas (= num-styles)" },
    { GIMP_PDB_INT32ARRAY, "style-areas",
      "Which part of each style drawable is used: -1 = all of it, else a channel or layer-mask ID of "
      "that style drawable's image" },
    { GIMP_PDB_FLOAT,      "style-scale", scale },
    { GIMP_PDB_INT32,      "preserve-colors",
      "Whose colours the result has { STYLE (0): the style's, LUMINANCE (1): the drawable's (style "
      "in luminance only), MATCH (2): the style's matched to the drawable's }" },
    args[4], args[5], args[6], args[7], args[8], args[9], args[10],
  };
  static const GimpParamDef return_vals[] = {
    { GIMP_PDB_LAYER, "styled-layer", "The new layer, directly above the drawable" },
  };

  gimp_plugin_domain_register (GETTEXT_PACKAGE, ns_plugin_i18n_locale_dir ());
  gimp_install_procedure (NS_PLUGIN_PROC,
                          N_("Repaint a layer in the style of another image"),
                          N_("Neural style transfer (Gatys et al.) with a pretrained ResNet-50: "
                             "optimises a new layer so its content features match the drawable and "
                             "its feature correlations (Gram matrices) match the style drawable. The "
                             "result is a new layer named \"<layer> (Neural Style)\" directly above "
                             "the drawable, with its size, offsets and alpha; with a selection only "
                             "the selected area changes. One undo step removes it. Needs the network "
                             "weights (see NEURAL_STYLE_WEIGHTS)."),
                          "The gimp-neural-style authors",
                          "The gimp-neural-style authors",
                          "2024",
                          N_("Neural _Style..."),
                          "RGB*, GRAY*",
                          GIMP_PLUGIN,
                          G_N_ELEMENTS (args), G_N_ELEMENTS (return_vals),
                          args, return_vals);
  gimp_plugin_menu_register (NS_PLUGIN_PROC, "<Image>/Filters/Artistic");
  gimp_install_procedure (NS_PLUGIN_FULL_PROC,
                          N_("Repaint a layer in the blended styles of other images, each where you say"),
                          N_("Neural style transfer as plug-in-neural-style, with 1 to 8 style drawables "
                             "blended by weight, each in its own region of the image (a channel or layer "
                             "mask) and from its own area of its image, the size of the style's brush "
                             "strokes, and whose colours the result keeps."),
                          "The gimp-neural-style authors",
                          "The gimp-neural-style authors",
                          "2024",
                          NULL,
                          "RGB*, GRAY*",
                          GIMP_PLUGIN,
                          G_N_ELEMENTS (full_args), G_N_ELEMENTS (return_vals),
                          full_args, return_vals);
}

/* The parameters both procedures share, from first on: content, style and
 * tv weights, iterations, size, seed, init. */
static void
common_from_params (NsValues *values, const GimpParam *p)
{
  values->params.content_weight = p[0].data.d_float;
  values->params.style_weight = p[1].data.d_float;
  values->params.tv_weight = p[2].data.d_float;
  values->params.iterations = p[3].data.d_int32;
  values->params.size = p[4].data.d_int32;
  values->params.seed = (guint32) p[5].data.d_int32;
  values->params.init = (NsInit) p[6].data.d_int32;
}

static void
values_from_params (NsValues *values, const GimpParam *params)
{
  values->n_styles = 1;
  values->styles[0] = NS_STYLE_VALUES (params[3].data.d_drawable);
  common_from_params (values, &params[4]);
}

/* An array's count must be num-styles'. */
static gboolean
check_count (const GimpParam *count, const char *name, gint n_styles, GError **error)
{
  if (count->data.d_int32 == n_styles)
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: %s is %d but num-styles is %d; give one per style"),
               NS_PLUGIN_FULL_PROC, name, count->data.d_int32, n_styles);
  return FALSE;
}

/* A region or area: -1 or an ID (checked with the images by the job). */
static gboolean
check_where (const gint32 *ids, const char *name, gint n, GError **error)
{
  for (gint i = 0; i < n; i++)
    if (ids[i] < NS_WHERE_EVERYWHERE)
      {
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS,
                     _("%s: %s[%d] is %d; give -1 (all of it) or a channel or layer-mask ID"),
                     NS_PLUGIN_FULL_PROC, name, i, ids[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
values_from_full_params (NsValues *values, const GimpParam *params, GError **error)
{
  gint n = params[3].data.d_int32;
  if (n < 1 || n > NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: num-styles is %d; give 1 to %d styles"),
                   NS_PLUGIN_FULL_PROC, n, NS_MAX_STYLES);
      return FALSE;
    }
  const gint32 *drawables = params[4].data.d_int32array, *regions = params[8].data.d_int32array;
  const gint32 *areas = params[10].data.d_int32array;
  const gdouble *blends = params[6].data.d_floatarray;
  if (!check_count (&params[5], "num-blends", n, error) || !check_count (&params[7], "num-regions", n, error)
      || !check_count (&params[9], "num-areas", n, error))
    return FALSE;
  if (drawables == NULL || blends == NULL || regions == NULL || areas == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: an array is missing"), NS_PLUGIN_FULL_PROC);
      return FALSE;
    }
  if (!check_where (regions, "style-regions", n, error) || !check_where (areas, "style-areas", n, error))
    return FALSE;

  values->n_styles = n;
  for (gint i = 0; i < n; i++)
    values->styles[i] = (NsStyleValues) { drawables[i], blends[i], regions[i], areas[i] };
  values->params.style_scale = params[11].data.d_float;
  values->params.preserve_colors = (NsPreserveColors) params[12].data.d_int32;
  common_from_params (values, &params[13]);
  return TRUE;
}

/* The dialog reads masks of any drawable whole. */
static NsMask *
read_whole_mask (gint32 where, gint32 drawable_id, GError **error)
{
  return ns_pixels_read_mask (where, drawable_id, NULL, error);
}

static const NsDialogHost dialog_host = { read_whole_mask };

/* The last values, if there are some of this layout; both procedures share
 * them (the last run's settings, whichever procedure ran). */
static gboolean
get_last_values (NsValues *values)
{
  return gimp_get_data_size (NS_PLUGIN_PROC) == sizeof *values && gimp_get_data (NS_PLUGIN_PROC, values);
}

/* The model, loaded now unless an earlier attempt (kept in load_error)
 * already failed; the error says why and how to fetch the weights. */
static NsModel *
load_model (GError **load_error, GError **error)
{
  NsModel *model = *load_error == NULL ? ns_model_load (NULL, load_error) : NULL;
  if (model == NULL)   /* the loader's message ends with how to get weights */
    g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("Neural Style could not load its network weights: %s"),
                 (*load_error)->message);
  return model;
}

/* The values to run with, per run mode. Returns FALSE with error unset if
 * the user cancelled the dialog. */
static gboolean
choose_values (const gchar     *name,
               GimpRunMode      run_mode,
               gint32           image_id,
               gint32           drawable_id,
               const GimpParam *params,
               gint             n_params,
               NsValues        *values,
               const NsModel   *model,
               const GError    *model_error,
               GError         **error)
{
  switch (run_mode)
    {
    case GIMP_RUN_NONINTERACTIVE:
      {
        gboolean full = g_strcmp0 (name, NS_PLUGIN_FULL_PROC) == 0;
        gint expected = full ? N_FULL_ARGS : N_ARGS;
        if (n_params != expected)
          {
            g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s takes %d arguments, got %d"),
                         name, expected, n_params);
            return FALSE;
          }
        if (full)
          return values_from_full_params (values, params, error);
        values_from_params (values, params);
        return TRUE;
      }

    case GIMP_RUN_WITH_LAST_VALS:
      if (!get_last_values (values))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS,
                       _("Neural Style has not run yet; there are no last values"));
          return FALSE;
        }
      return TRUE;

    case GIMP_RUN_INTERACTIVE:
    default:
      get_last_values (values);   /* keeps the defaults if none */
      return ns_dialog_run (image_id, drawable_id, values, &dialog_host, model, model_error, error);
    }
}

static void
run (const gchar      *name,
     gint              n_params,
     const GimpParam  *params,
     gint             *n_return_vals,
     GimpParam       **return_vals)
{
  static GimpParam results[2];
  *n_return_vals = 1;
  *return_vals = results;
  results[0].type = GIMP_PDB_STATUS;

  if (n_params < 3)
    {
      results[0].data.d_status = GIMP_PDB_CALLING_ERROR;
      return;
    }

  gegl_init (NULL, NULL);
  GimpRunMode run_mode = params[0].data.d_int32;
  gint32 image_id = params[1].data.d_image;
  gint32 drawable_id = params[2].data.d_drawable;

  NsValues values;
  ns_values_init (&values);
  GError *error = NULL, *model_error = NULL;
  NsModel *model = NULL;
  NsPluginJob job;
  gint32 layer_id = -1;

  /* The dialog shows a preview, so it gets the model (or why there is
   * none); in the other modes the cheap checks come first so bad calls fail
   * fast. */
  if (run_mode == GIMP_RUN_INTERACTIVE)
    model = ns_model_load (NULL, &model_error);
  gboolean chosen = choose_values (name, run_mode, image_id, drawable_id, params, n_params, &values, model,
                                   model_error, &error);

  if (chosen && ns_plugin_job_prepare (&job, image_id, drawable_id, &values, &error)
      && (model != NULL || (model = load_model (&model_error, &error)) != NULL))
    layer_id = ns_plugin_job_run (&job, model, &error);

  if (layer_id != -1)
    {
      gimp_set_data (NS_PLUGIN_PROC, &values, sizeof values);
      if (run_mode != GIMP_RUN_NONINTERACTIVE)
        gimp_displays_flush ();
      results[0].data.d_status = GIMP_PDB_SUCCESS;
      results[1].type = GIMP_PDB_LAYER;
      results[1].data.d_layer = layer_id;
      *n_return_vals = 2;
    }
  else if (error == NULL)
    results[0].data.d_status = GIMP_PDB_CANCEL;
  else
    {
      results[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
      results[1].type = GIMP_PDB_STRING;
      results[1].data.d_string = g_strdup (error->message);   /* GIMP's convention: lives until exit */
      *n_return_vals = 2;   /* GIMP shows it to interactive users */
      g_error_free (error);
    }

  g_clear_error (&model_error);
  g_clear_pointer (&model, ns_model_free);
}
