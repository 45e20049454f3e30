/* ns-params.c: the parameters' defaults, checks, text and descriptions, all
 * from their table (ns-param-table.c). */
#include "neural-style.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

static void *
field (const NsParamSpec *spec, const NsParams *params)
{
  return (char *) params + spec->offset;
}

double
ns_param_get (const NsParamSpec *spec, const NsParams *params)
{
  switch (spec->type)
    {
    case NS_PARAM_DOUBLE:
      return *(const double *) field (spec, params);
    case NS_PARAM_UINT32:
      return *(const guint32 *) field (spec, params);
    case NS_PARAM_INT:
    case NS_PARAM_ENUM:
    default:
      return *(const int *) field (spec, params);
    }
}

void
ns_param_set (const NsParamSpec *spec, NsParams *params, double value)
{
  switch (spec->type)
    {
    case NS_PARAM_DOUBLE:
      *(double *) field (spec, params) = value;
      break;
    case NS_PARAM_UINT32:
      *(guint32 *) field (spec, params) = value >= 0 && value <= G_MAXUINT32 ? (guint32) llround (value) : 0;
      break;
    case NS_PARAM_INT:
    case NS_PARAM_ENUM:
    default:
      *(int *) field (spec, params) = value >= G_MININT && value <= G_MAXINT ? (int) lround (value)
                                                                              : value > 0 ? G_MAXINT : G_MININT;
      break;
    }
}

const NsParamChoice *
ns_param_choice (const NsParamSpec *spec, int value)
{
  for (int i = 0; i < spec->n_choices; i++)
    if (spec->choices[i].value == value)
      return &spec->choices[i];
  return NULL;
}

char *
ns_param_format (const NsParamSpec *spec, double value)
{
  const NsParamChoice *choice = spec->type == NS_PARAM_ENUM ? ns_param_choice (spec, (int) value) : NULL;
  if (choice != NULL)
    return g_strdup (choice->name);
  if (spec->type == NS_PARAM_DOUBLE)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_dtostr (text, sizeof text, value));   /* reads back exactly */
    }
  return g_strdup_printf ("%.0f", value);
}

/* The choices' names, "a, b, c". */
static char *
choice_names (const NsParamSpec *spec)
{
  GString *names = g_string_new (NULL);
  for (int i = 0; i < spec->n_choices; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", spec->choices[i].name);
  return g_string_free (names, FALSE);
}

/* "%g" for doubles, whole numbers as such. */
static char *
number_text (const NsParamSpec *spec, double value)
{
  return spec->type == NS_PARAM_DOUBLE ? g_strdup_printf ("%g", value) : g_strdup_printf ("%.0f", value);
}

/* "name must be from min to max (note), not value" in the engine's words. */
static void
set_range_error (const NsParamSpec *spec, const char *what, const char *value, GError **error)
{
  g_autofree char *min = number_text (spec, spec->min), *max = number_text (spec, spec->max);
  g_autofree char *range = isinf (spec->max) ? g_strdup_printf (_("%s or more"), min)
                                             : g_strdup_printf (_("from %s to %s"), min, max);
  if (spec->note != NULL)
    g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be %s (%s), not %s"), what, range, _(spec->note),
                 value);
  else
    g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be %s, not %s"), what, range, value);
}

gboolean
ns_param_check (const NsParamSpec *spec, const NsParams *params, GError **error)
{
  double value = ns_param_get (spec, params);
  if (spec->type == NS_PARAM_ENUM)
    {
      if (ns_param_choice (spec, (int) value) != NULL)
        return TRUE;
      g_autofree char *names = choice_names (spec);
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be one of %s, not %.0f"), _(spec->name), names,
                   value);
      return FALSE;
    }
  if (value >= spec->min && value <= spec->max)   /* NaN is neither */
    return TRUE;
  g_autofree char *text = number_text (spec, value);
  set_range_error (spec, _(spec->name), text, error);
  return FALSE;
}

gboolean
ns_param_parse (const NsParamSpec *spec, const char *text, const char *what, NsParams *params, GError **error)
{
  what = what != NULL ? what : spec->key;
  switch (spec->type)
    {
    case NS_PARAM_ENUM:
      {
        for (int i = 0; i < spec->n_choices; i++)
          if (g_strcmp0 (text, spec->choices[i].name) == 0)
            {
              ns_param_set (spec, params, spec->choices[i].value);
              return TRUE;
            }
        g_autofree char *names = choice_names (spec);
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be one of %s, not “%s”"), what, names, text);
        return FALSE;
      }

    case NS_PARAM_DOUBLE:
      {
        char *end = NULL;
        double value = g_ascii_strtod (text, &end);
        if (end == text || *end != '\0')
          {
            g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be a number, not “%s”"), what, text);
            return FALSE;
          }
        ns_param_set (spec, params, value);
        return TRUE;
      }

    case NS_PARAM_UINT32:
      {
        /* Only what the field can hold: the range is its whole. */
        guint64 value = 0;
        if (!g_ascii_string_to_unsigned (text, 10, (guint64) spec->min, (guint64) spec->max, &value, NULL))
          {
            g_autofree char *quoted = g_strdup_printf ("“%s”", text);
            set_range_error (spec, what, quoted, error);
            return FALSE;
          }
        ns_param_set (spec, params, (double) value);
        return TRUE;
      }

    case NS_PARAM_INT:
    default:
      {
        gint64 value = 0;
        if (!g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &value, NULL))
          {
            g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("%s must be a whole number, not “%s”"), what, text);
            return FALSE;
          }
        ns_param_set (spec, params, (double) value);
        return TRUE;
      }
    }
}

char *
ns_param_describe (const NsParamSpec *spec, gboolean numbered)
{
  GString *text = g_string_new (spec->blurb);
  g_autofree char *fallback = ns_param_format (spec, spec->default_value);
  if (spec->type == NS_PARAM_ENUM)
    {
      g_string_append (text, numbered ? " {" : ":");
      for (int i = 0; i < spec->n_choices; i++)
        {
          const NsParamChoice *c = &spec->choices[i];
          g_autofree char *name = numbered ? g_ascii_strup (c->name, -1) : g_strdup (c->name);
          if (numbered)
            g_string_append_printf (text, "%s %s (%d): %s", i > 0 ? ";" : "", name, c->value, c->blurb);
          else
            g_string_append_printf (text, "%s %s (%s)", i > 0 ? "," : "", name, c->blurb);
        }
      const NsParamChoice *d = ns_param_choice (spec, (int) spec->default_value);
      g_autofree char *name = numbered ? g_ascii_strup (d->name, -1) : g_strdup (d->name);
      g_string_append_printf (text, numbered ? " }; default %s" : "; default %s", name);
      return g_string_free (text, FALSE);
    }
  g_autofree char *min = number_text (spec, spec->min), *max = number_text (spec, spec->max);
  if (numbered && spec->type == NS_PARAM_UINT32)   /* an INT32's 32 bits, whatever its sign */
    g_string_append_printf (text, " (any integer, default %s", fallback);
  else if (isinf (spec->max))
    g_string_append_printf (text, " (%s or more, default %s", min, fallback);
  else
    g_string_append_printf (text, " (%s to %s, default %s", min, max, fallback);
  /* The note is English here, as the blurb: the tool and the PDB show it untranslated. */
  if (spec->note != NULL)
    g_string_append_printf (text, "; %s", spec->note);
  g_string_append (text, ")");
  return g_string_free (text, FALSE);
}

void
ns_params_init (NsParams *p)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  memset (p, 0, sizeof *p);
  for (int i = 0; i < n; i++)
    ns_param_set (&specs[i], p, specs[i].default_value);
}

gboolean
ns_params_validate (const NsParams *p, GError **error)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    if (!ns_param_check (&specs[i], p, error))
      return FALSE;
  if (p->content_weight == 0 && p->style_weight == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("content weight and style weight cannot both be 0"));
      return FALSE;
    }
  return TRUE;
}
