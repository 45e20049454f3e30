/* call-probe.c: a GIMP 2.10 plug-in for the tests only. Its procedure
 * test-neural-style-call-probe (run-mode, procedure, count, image,
 * drawable) calls procedure with count arguments, which Script-Fu cannot
 * do (it checks the count itself), and returns the status and the message
 * that came back. The arguments follow the procedure's own list: the
 * probe's own run-mode (RUN-INTERACTIVE opens the plug-in's dialog), the
 * image and the drawable, 1.0 for floats, 0 for
 * integers and counts, empty arrays; beyond the list, more integers. */
#include <libgimp/gimp.h>

#define PROBE "test-neural-style-call-probe"

static void
query (void)
{
  static const GimpParamDef args[] = {
    { GIMP_PDB_INT32, "run-mode", "The run mode" },
    { GIMP_PDB_STRING, "procedure", "The procedure to call" },
    { GIMP_PDB_INT32, "count", "How many arguments to pass" },
    { GIMP_PDB_IMAGE, "image", "The image to pass" },
    { GIMP_PDB_DRAWABLE, "drawable", "The drawable to pass (for every drawable argument)" },
  };
  static const GimpParamDef values[] = {
    { GIMP_PDB_INT32, "status", "The GimpPDBStatusType that came back" },
    { GIMP_PDB_STRING, "message", "The message that came with it, or \"\"" },
  };
  gimp_install_procedure (PROBE, "Calls a procedure with a given number of arguments (tests only)",
                          "Calls a procedure with a given number of arguments (tests only)",
                          "The gimp-neural-style authors", "The gimp-neural-style authors", "2024", NULL, "",
                          GIMP_PLUGIN, G_N_ELEMENTS (args), G_N_ELEMENTS (values), args, values);
}

/* An argument of the given type, as the probe passes it. */
static GimpParam
argument (GimpPDBArgType type, gint32 image, gint32 drawable)
{
  GimpParam p = { .type = type };
  switch (type)
    {
    case GIMP_PDB_FLOAT:
      p.data.d_float = 1.0;
      break;
    case GIMP_PDB_IMAGE:
      p.data.d_image = image;
      break;
    case GIMP_PDB_DRAWABLE:
      p.data.d_drawable = drawable;
      break;
    default:
      p.data.d_int32 = 0;   /* integers and counts; arrays: NULL, with their count 0 */
      break;
    }
  return p;
}

static void
run (const gchar *name, gint n_params, const GimpParam *params, gint *n_return_vals, GimpParam **return_vals)
{
  static GimpParam results[3];
  const gchar *procedure = params[1].data.d_string;
  gint count = params[2].data.d_int32;
  gchar *blurb, *help, *author, *copyright, *date;
  GimpPDBProcType type;
  gint n_args = 0, n_values = 0;
  GimpParamDef *defs = NULL, *value_defs = NULL;

  *return_vals = results;
  *n_return_vals = 1;
  results[0].type = GIMP_PDB_STATUS;
  results[0].data.d_status = GIMP_PDB_CALLING_ERROR;
  if (count < 0 || count > 64
      || !gimp_procedural_db_proc_info (procedure, &blurb, &help, &author, &copyright, &date, &type, &n_args,
                                        &n_values, &defs, &value_defs))
    return;

  GimpParam *call = g_new0 (GimpParam, MAX (count, 1));
  for (gint i = 0; i < count; i++)
    call[i] = argument (i < n_args ? defs[i].type : GIMP_PDB_INT32, params[3].data.d_image,
                        params[4].data.d_drawable);
  if (count > 0 && n_args > 0 && defs[0].type == GIMP_PDB_INT32)
    call[0].data.d_int32 = params[0].data.d_int32;

  gint n_back = 0;
  GimpParam *back = gimp_run_procedure2 (procedure, &n_back, count, call);
  results[0].data.d_status = GIMP_PDB_SUCCESS;
  results[1].type = GIMP_PDB_INT32;
  results[1].data.d_int32 = n_back > 0 ? (gint32) back[0].data.d_status : -1;
  results[2].type = GIMP_PDB_STRING;
  results[2].data.d_string = g_strdup (n_back > 1 && back[1].type == GIMP_PDB_STRING && back[1].data.d_string
                                       ? back[1].data.d_string : "");
  *n_return_vals = 3;
  gimp_destroy_params (back, n_back);
  gimp_destroy_paramdefs (defs, n_args);
  gimp_destroy_paramdefs (value_defs, n_values);
  g_free (call);
  g_free (blurb);
  g_free (help);
  g_free (author);
  g_free (copyright);
  g_free (date);
}

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()
