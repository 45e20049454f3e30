/* neural-style-plugin.c: the GIMP 2.10 plug-in's PDB procedures:
 * plug-in-neural-style (one style, the menu entry),
 * plug-in-neural-style-full (several styles, regions, style scale, colours)
 * and plug-in-neural-style-frames (an animation's frames, the layers):
 * registration, arguments, run modes and return values. */
#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <libgimp/gimp.h>

#include "ns-dialog.h"
#include "ns-plugin-i18n.h"
#include "ns-plugin-job.h"
#include "ns-plugin-frames.h"

#define NS_PLUGIN_PROC "plug-in-neural-style"
#define NS_PLUGIN_FULL_PROC "plug-in-neural-style-full"
#define NS_PLUGIN_FRAMES_PROC "plug-in-neural-style-frames"

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

/* The published procedures' arguments by name, in order: a promise to
 * every script (README; tests/gimp/test-plugin.py holds the PDB to it).
 * A name of the engine's parameter table (neural-style.h) takes its type
 * and description from its row; the others are the plug-in's own. */
static const char *const basic_args[] = {
  "run-mode", "image", "drawable", "style-drawable",
  "content-weight", "style-weight", "tv-weight", "iterations", "size", "seed", "init",
};
static const char *const full_args[] = {
  "run-mode", "image", "drawable",
  "num-styles", "style-drawables", "num-blends", "style-blends", "num-regions", "style-regions",
  "num-areas", "style-areas", "style-scale", "preserve-colors",
  "content-weight", "style-weight", "tv-weight", "iterations", "size", "seed", "init",
};
static const char *const frames_args[] = {
  "run-mode", "image", "drawable",
  "num-styles", "style-drawables", "num-blends", "style-blends", "style-scale", "preserve-colors",
  "content-weight", "style-weight", "tv-weight", "temporal-weight", "iterations", "size", "seed", "init",
};

typedef struct
{
  const char        *name;
  const char *const *args;
  int                n_args;
} Procedure;

static const Procedure basic_procedure = { NS_PLUGIN_PROC, basic_args, G_N_ELEMENTS (basic_args) };
static const Procedure full_procedure = { NS_PLUGIN_FULL_PROC, full_args, G_N_ELEMENTS (full_args) };
static const Procedure frames_procedure = { NS_PLUGIN_FRAMES_PROC, frames_args, G_N_ELEMENTS (frames_args) };

/* The arguments that are not the engine's parameters. GIMP 2.10 shows
 * argument descriptions untranslated, so they stay English. */
static const GimpParamDef own_args[] = {
  { GIMP_PDB_INT32, "run-mode",
    "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }" },
  { GIMP_PDB_IMAGE, "image", "Input image (the one holding drawable)" },
  { GIMP_PDB_DRAWABLE, "drawable",
    "Content layer to stylise (RGB or grayscale; with a selection only the selected part changes)" },
  { GIMP_PDB_DRAWABLE, "style-drawable",
    "Drawable whose look is transferred (any open image, RGB or grayscale, alpha ignored)" },
  { GIMP_PDB_INT32, "num-styles", "Number of style drawables (1 to " G_STRINGIFY (NS_MAX_STYLES) ")" },
  { GIMP_PDB_INT32ARRAY, "style-drawables",
    "Drawable IDs whose look is transferred (any open images, RGB or grayscale, alpha ignored)" },
  { GIMP_PDB_INT32, "num-blends", "Number of blend weights (= num-styles)" },
  { GIMP_PDB_FLOATARRAY, "style-blends", "Each style's share of the blend (>= 0, not all 0; normalised to sum 1)" },
  { GIMP_PDB_INT32, "num-regions", "Number of regions (= num-styles)" },
  { GIMP_PDB_INT32ARRAY, "style-regions",
    "Where each style goes: -1 = the whole image, else a channel or layer-mask ID of the image (white = this "
    "style; e.g. the selection saved with gimp-selection-save). Pixels no region covers keep the drawable's" },
  { GIMP_PDB_INT32, "num-areas", "Number of style areas (= num-styles)" },
  { GIMP_PDB_INT32ARRAY, "style-areas",
    "Which part of each style drawable is used: -1 = all of it, else a channel or layer-mask ID of that style "
    "drawable's image" },
};

static const GimpParamDef *
own_arg (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (own_args); i++)
    if (g_str_equal (own_args[i].name, name))
      return &own_args[i];
  return NULL;
}

/* The procedure's argument definitions; texts keeps the descriptions made
 * from the table. */
static GimpParamDef *
argument_defs (const Procedure *proc, GPtrArray *texts)
{
  GimpParamDef *defs = g_new (GimpParamDef, proc->n_args);
  for (int i = 0; i < proc->n_args; i++)
    {
      const GimpParamDef *own = own_arg (proc->args[i]);
      if (own != NULL)
        {
          defs[i] = *own;
          continue;
        }
      const NsParamSpec *spec = ns_param_find (proc->args[i]);
      if (spec == NULL || !(spec->fronts & (NS_FRONT_PDB | NS_FRONT_FRAMES)))
        g_error ("%s: argument %s is neither the plug-in's nor a PDB row of the parameter table", proc->name,
                 proc->args[i]);
      char *description = ns_param_describe (spec, TRUE);
      g_ptr_array_add (texts, description);
      defs[i] = (GimpParamDef) { spec->type == NS_PARAM_DOUBLE ? GIMP_PDB_FLOAT : GIMP_PDB_INT32,
                                 (gchar *) spec->key, description };
    }
  return defs;
}

/* The argument of that name in the procedure's list, or -1. */
static int
arg_index (const Procedure *proc, const char *name)
{
  for (int i = 0; i < proc->n_args; i++)
    if (g_str_equal (proc->args[i], name))
      return i;
  return -1;
}

/* The argument called name in a call of proc (a name of its list). */
static const GimpParam *
arg (const Procedure *proc, const GimpParam *params, const char *name)
{
  int i = arg_index (proc, name);
  g_assert (i >= 0);
  return &params[i];
}

/* Every row the table gives the PDB is an argument of the full procedure
 * and of the frames procedure, as is every row it gives the frames. */
static void
check_table (void)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    {
      if ((specs[i].fronts & NS_FRONT_PDB) && arg_index (&full_procedure, specs[i].key) < 0)
        g_error ("the parameter %s is for the PDB but no argument of %s", specs[i].key, NS_PLUGIN_FULL_PROC);
      if ((specs[i].fronts & (NS_FRONT_PDB | NS_FRONT_FRAMES)) && arg_index (&frames_procedure, specs[i].key) < 0)
        g_error ("the parameter %s is for the frames but no argument of %s", specs[i].key, NS_PLUGIN_FRAMES_PROC);
    }
}

/* The procedure called name. */
static const Procedure *
procedure_named (const char *name)
{
  return g_strcmp0 (name, NS_PLUGIN_FULL_PROC) == 0     ? &full_procedure
         : g_strcmp0 (name, NS_PLUGIN_FRAMES_PROC) == 0 ? &frames_procedure
                                                        : &basic_procedure;
}

static void
query (void)
{
  static const GimpParamDef return_vals[] = {
    { GIMP_PDB_LAYER, "styled-layer", "The new layer, directly above the drawable" },
  };
  static const GimpParamDef frames_return_vals[] = {
    { GIMP_PDB_IMAGE, "styled-image", "The new image: one styled layer per frame, in the same order, with the "
      "same names" },
  };
  check_table ();
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree GimpParamDef *basic = argument_defs (&basic_procedure, texts);
  g_autofree GimpParamDef *full = argument_defs (&full_procedure, texts);
  g_autofree GimpParamDef *frames = argument_defs (&frames_procedure, texts);

  /* GIMP 2.10 translates the blurb, help and menu label with the domain
   * registered here. */
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
                          basic_procedure.n_args, G_N_ELEMENTS (return_vals),
                          basic, return_vals);
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
                          full_procedure.n_args, G_N_ELEMENTS (return_vals),
                          full, return_vals);
  gimp_install_procedure (NS_PLUGIN_FRAMES_PROC,
                          N_("Paint every frame of an animation in the style of other images, steady from "
                             "frame to frame"),
                          N_("Neural style transfer on an animation: every top-level layer of the image is a "
                             "frame (the bottom layer first, as Filters > Animation plays them), all of the "
                             "same size. Each frame after the first starts from the one before carried along "
                             "the motion and keeps its brush strokes where the picture only moved, so the "
                             "animation does not flicker (temporal-weight; 0 styles each frame on its own). "
                             "The result is a new image with the frames in the same order and with the same "
                             "names, so their timings, e.g. \"(100ms)\", are kept; the image itself is not "
                             "changed. Styles apply to whole frames."),
                          "The gimp-neural-style authors",
                          "The gimp-neural-style authors",
                          "2026",
                          N_("Neural Style _Frames..."),
                          "RGB*, GRAY*",
                          GIMP_PLUGIN,
                          frames_procedure.n_args, G_N_ELEMENTS (frames_return_vals),
                          frames, frames_return_vals);
  gimp_plugin_menu_register (NS_PLUGIN_FRAMES_PROC, "<Image>/Filters/Animation");
}

/* An array's count must be num-styles'. */
static gboolean
check_count (const Procedure *proc, const GimpParam *count, const char *name, gint n_styles, GError **error)
{
  if (count->data.d_int32 == n_styles)
    return TRUE;
  g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: %s is %d but num-styles is %d; give one per style"),
               proc->name, name, count->data.d_int32, n_styles);
  return FALSE;
}

/* A region or area: -1 or an ID (checked with the images by the job). */
static const gint32 *
where_ids (const Procedure *proc, const GimpParam *params, const char *count, const char *name, gint n,
           GError **error)
{
  static const gint32 everywhere[NS_MAX_STYLES] = { -1, -1, -1, -1, -1, -1, -1, -1 };
  G_STATIC_ASSERT (NS_MAX_STYLES == 8 && NS_WHERE_EVERYWHERE == -1);
  if (arg_index (proc, name) < 0)
    return everywhere;   /* the frames procedure: whole frames */
  if (!check_count (proc, arg (proc, params, count), count, n, error))
    return NULL;
  const gint32 *ids = arg (proc, params, name)->data.d_int32array;
  if (ids == NULL)
    g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: an array is missing"), proc->name);
  return ids;
}

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

/* The full procedure's styles: its four arrays, each after its count. */
static gboolean
styles_from_params (const Procedure *proc, const GimpParam *params, NsValues *values, GError **error)
{
  gint n = arg (proc, params, "num-styles")->data.d_int32;
  if (n < 1 || n > NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: num-styles is %d; give 1 to %d styles"),
                   proc->name, n, NS_MAX_STYLES);
      return FALSE;
    }
  const gint32 *drawables = arg (proc, params, "style-drawables")->data.d_int32array;
  const gdouble *blends = arg (proc, params, "style-blends")->data.d_floatarray;
  if (!check_count (proc, arg (proc, params, "num-blends"), "num-blends", n, error))
    return FALSE;
  const gint32 *regions = where_ids (proc, params, "num-regions", "style-regions", n, error);
  const gint32 *areas = regions ? where_ids (proc, params, "num-areas", "style-areas", n, error) : NULL;
  if (!regions || !areas)
    return FALSE;
  if (drawables == NULL || blends == NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s: an array is missing"), proc->name);
      return FALSE;
    }
  if (!check_where (regions, "style-regions", n, error) || !check_where (areas, "style-areas", n, error))
    return FALSE;
  values->n_styles = n;
  for (gint i = 0; i < n; i++)
    values->styles[i] = (NsStyleValues) { drawables[i], blends[i], regions[i], areas[i] };
  return TRUE;
}

/* The values of a call: its styles, and each parameter of the table the
 * procedure has, read by name; the others keep their defaults. */
static gboolean
values_from_params (const Procedure *proc, const GimpParam *params, NsValues *values, GError **error)
{
  int style = arg_index (proc, "style-drawable");
  if (style >= 0)
    {
      values->n_styles = 1;
      values->styles[0] = NS_STYLE_VALUES (params[style].data.d_drawable);
    }
  else if (!styles_from_params (proc, params, values, error))
    return FALSE;

  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    {
      int k = (specs[i].fronts & (NS_FRONT_PDB | NS_FRONT_FRAMES)) ? arg_index (proc, specs[i].key) : -1;
      if (k < 0)
        continue;
      const GimpParam *p = &params[k];
      double value = specs[i].type == NS_PARAM_DOUBLE ? p->data.d_float
                     : specs[i].type == NS_PARAM_UINT32 ? (double) (guint32) p->data.d_int32
                     : p->data.d_int32;
      ns_param_set (&specs[i], &values->params, value);
    }
  return TRUE;
}

/* The dialog reads masks of any drawable whole. */
static NsMask *
read_whole_mask (gint32 where, gint32 drawable_id, GError **error)
{
  return ns_pixels_read_mask (where, drawable_id, NULL, error);
}

/* The 100% view's inputs: the job OK would run, read as it reads them. */
static gboolean
read_job_inputs (gint32 image_id, gint32 drawable_id, const NsValues *values, NsImage **content,
                 NsStyleSet **styles, GError **error)
{
  NsPluginJob job;
  if (!ns_plugin_job_prepare (&job, image_id, drawable_id, values, error))
    return FALSE;
  if (job.region.x != 0 || job.region.y != 0 || job.region.width != gimp_drawable_width (drawable_id)
      || job.region.height != gimp_drawable_height (drawable_id))
    {
      g_set_error_literal (error, NS_ERROR, NS_ERROR_PARAMS,
                           _("the selection limits the change; the 100% view shows whole layers only"));
      return FALSE;
    }
  return ns_plugin_job_read (&job, content, styles, error);
}

static const NsDialogHost dialog_host = { read_whole_mask, read_job_inputs };

/* The last values, from whichever procedure or the dialog ran last; FALSE
 * (values the defaults) if there are none of this plug-in's layout. */
static gboolean
get_last_values (NsValues *values)
{
  gint size = gimp_get_data_size (NS_PLUGIN_PROC);   /* 0: none */
  g_autofree guint8 *data = size > 0 ? g_malloc (size) : NULL;
  if (data != NULL && !gimp_get_data (NS_PLUGIN_PROC, data))
    g_clear_pointer (&data, g_free);
  return ns_values_decode (data, data != NULL ? (gsize) size : 0, values);
}

static void
set_last_values (const NsValues *values)
{
  g_autoptr (GBytes) bytes = ns_values_encode (values);
  gsize size = 0;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  gimp_set_data (NS_PLUGIN_PROC, data, size);
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
choose_values (const Procedure *proc,
               GimpRunMode      run_mode,
               gint32           image_id,
               gint32           drawable_id,
               const GimpParam *params,
               NsValues        *values,
               const NsModel   *model,
               const GError    *model_error,
               GError         **error)
{
  switch (run_mode)
    {
    case GIMP_RUN_NONINTERACTIVE:
      return values_from_params (proc, params, values, error);

    case GIMP_RUN_WITH_LAST_VALS:
      if (!get_last_values (values))
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS,
                       _("Neural Style has no last values: it has not run yet, or they were stored by "
                         "another version"));
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

  /* As GIMP's own plug-ins: another count of arguments is the caller's
   * error, in any run mode (the arguments are read by name from the list). */
  const Procedure *proc = procedure_named (name);
  if (n_params != proc->n_args)
    {
      results[0].data.d_status = GIMP_PDB_CALLING_ERROR;
      results[1].type = GIMP_PDB_STRING;
      results[1].data.d_string = g_strdup_printf (_("%s takes %d arguments, got %d"), proc->name, proc->n_args,
                                                  n_params);
      *n_return_vals = 2;
      return;
    }

  gegl_init (NULL, NULL);
  GimpRunMode run_mode = arg (proc, params, "run-mode")->data.d_int32;
  gint32 image_id = arg (proc, params, "image")->data.d_image;
  gint32 drawable_id = arg (proc, params, "drawable")->data.d_drawable;

  NsValues values;
  ns_values_init (&values);
  GError *error = NULL, *model_error = NULL;
  NsModel *model = NULL;
  NsPluginJob job;
  gint32 result_id = -1;   /* the new layer, or the frames' new image */

  /* The dialog shows a preview, so it gets the model (or why there is
   * none); in the other modes the cheap checks come first so bad calls fail
   * fast. */
  if (run_mode == GIMP_RUN_INTERACTIVE)
    model = ns_model_load (NULL, &model_error);
  gboolean chosen = choose_values (proc, run_mode, image_id, drawable_id, params, &values, model,
                                   model_error, &error);

  gboolean frames = proc == &frames_procedure;
  if (frames && chosen && (model != NULL || (model = load_model (&model_error, &error)) != NULL))
    result_id = ns_plugin_frames_run (image_id, &values, model, &error);
  else if (!frames && chosen && ns_plugin_job_prepare (&job, image_id, drawable_id, &values, &error)
           && (model != NULL || (model = load_model (&model_error, &error)) != NULL))
    result_id = ns_plugin_job_run (&job, model, &error);

  if (result_id != -1)
    {
      set_last_values (&values);
      if (frames && run_mode != GIMP_RUN_NONINTERACTIVE)
        gimp_display_new (result_id);
      if (run_mode != GIMP_RUN_NONINTERACTIVE)
        gimp_displays_flush ();
      results[0].data.d_status = GIMP_PDB_SUCCESS;
      results[1].type = frames ? GIMP_PDB_IMAGE : GIMP_PDB_LAYER;
      results[1].data.d_int32 = result_id;
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
