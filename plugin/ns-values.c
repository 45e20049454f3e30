/* ns-values.c: the plug-in's values (ns-values.h). */
#include "ns-values.h"

#include <string.h>

#define PARAMS_GROUP "neural-style"
#define STYLE_GROUP  "style %d"   /* 1-based */

typedef struct
{
  guint32 magic, version, size;
} Header;

void
ns_values_init (NsValues *values)
{
  ns_params_init (&values->params);
  values->n_styles = 1;
  for (int i = 0; i < NS_MAX_STYLES; i++)
    values->styles[i] = NS_STYLE_VALUES (-1);
}

gboolean
ns_values_use_selection (const NsValues *values)
{
  for (int i = 0; i < values->n_styles && i < NS_MAX_STYLES; i++)
    if (values->styles[i].region == NS_WHERE_SELECTION || values->styles[i].region == NS_WHERE_OUTSIDE_SELECTION)
      return TRUE;
  return FALSE;
}

/* The rows the plug-in shows, and so stores. */
static gboolean
stored (const NsParamSpec *spec)
{
  return (spec->fronts & (NS_FRONT_PDB | NS_FRONT_DIALOG | NS_FRONT_FRAMES)) != 0;
}

GBytes *
ns_values_encode (const NsValues *values)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    if (stored (&specs[i]))
      {
        g_autofree char *text = ns_param_format (&specs[i], ns_param_get (&specs[i], &values->params));
        g_key_file_set_string (file, PARAMS_GROUP, specs[i].key, text);
      }
  for (int i = 0; i < CLAMP (values->n_styles, 0, NS_MAX_STYLES); i++)
    {
      const NsStyleValues *s = &values->styles[i];
      g_autofree char *group = g_strdup_printf (STYLE_GROUP, i + 1);
      g_key_file_set_integer (file, group, "drawable", s->drawable);
      g_key_file_set_double (file, group, "blend", s->blend);
      g_key_file_set_integer (file, group, "region", s->region);
      g_key_file_set_integer (file, group, "area", s->area);
    }
  gsize length = 0;
  g_autofree char *text = g_key_file_to_data (file, &length, NULL);
  Header header = { NS_VALUES_MAGIC, NS_VALUES_VERSION, (guint32) length };
  GByteArray *bytes = g_byte_array_sized_new (sizeof header + length);
  g_byte_array_append (bytes, (const guint8 *) &header, sizeof header);
  g_byte_array_append (bytes, (const guint8 *) text, length);
  return g_byte_array_free_to_bytes (bytes);
}

/* One style field: its stored number, else what it was. */
static void
read_int (GKeyFile *file, const char *group, const char *key, gint32 *value)
{
  GError *error = NULL;
  gint stored_value = g_key_file_get_integer (file, group, key, &error);
  if (error == NULL)
    *value = stored_value;
  g_clear_error (&error);
}

static void
read_styles (GKeyFile *file, NsValues *values)
{
  int n = 0;
  for (; n < NS_MAX_STYLES; n++)
    {
      g_autofree char *group = g_strdup_printf (STYLE_GROUP, n + 1);
      if (!g_key_file_has_group (file, group))
        break;
      NsStyleValues *s = &values->styles[n];
      GError *error = NULL;
      double blend = g_key_file_get_double (file, group, "blend", &error);
      if (error == NULL)
        s->blend = blend;
      g_clear_error (&error);
      read_int (file, group, "drawable", &s->drawable);
      read_int (file, group, "region", &s->region);
      read_int (file, group, "area", &s->area);
    }
  values->n_styles = MAX (n, 1);
}

gboolean
ns_values_decode (const void *data, gsize size, NsValues *values)
{
  ns_values_init (values);
  Header header;
  if (data == NULL || size < sizeof header)
    return FALSE;
  memcpy (&header, data, sizeof header);
  if (header.magic != NS_VALUES_MAGIC || header.version != NS_VALUES_VERSION || header.size != size - sizeof header)
    return FALSE;
  g_autoptr (GKeyFile) file = g_key_file_new ();
  if (!g_key_file_load_from_data (file, (const char *) data + sizeof header, header.size, G_KEY_FILE_NONE, NULL)
      || !g_key_file_has_group (file, PARAMS_GROUP))
    return FALSE;

  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *text = stored (&specs[i]) ? g_key_file_get_string (file, PARAMS_GROUP, specs[i].key, NULL)
                                                 : NULL;
      /* A text that does not parse, or a value out of today's range, leaves the default. */
      NsParams read = values->params;
      if (text != NULL && ns_param_parse (&specs[i], text, NULL, &read, NULL) && ns_param_check (&specs[i], &read, NULL))
        values->params = read;
    }
  read_styles (file, values);
  return TRUE;
}
