/* ns-json-fields.c: see ns-json-fields.h. */
#include "ns-json-fields.h"
#include "neural-style.h"

#include <glib/gi18n-lib.h>

/* What a node holds, for "must be a string, not a number". */
static const char *
node_kind (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT: return _("an object");
    case JSON_NODE_ARRAY:  return _("an array");
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:  break;
    }
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return _("a string");
  if (type == G_TYPE_BOOLEAN)
    return _("a boolean");
  return _("a number");
}

/* "owner: " before a member's name, or nothing for the top level (NULL). */
static const char *
prefix (const char *owner, char buffer[256])
{
  if (!owner)
    return "";
  g_snprintf (buffer, 256, "%s: ", owner);
  return buffer;
}

static gboolean
wrong_type (JsonNode *node, const char *owner, const char *member, const char *expected, GError **error)
{
  char buffer[256];
  /* "missing" apart: a language may not say it as "not <a kind>". */
  if (!node)
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s“%s” must be %s, not missing"), prefix (owner, buffer),
                 member, expected);
  else
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s“%s” must be %s, not %s"), prefix (owner, buffer), member,
                 expected, node_kind (node));
  return FALSE;
}

/* The member's node, NULL when absent or null. */
static JsonNode *
member_node (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  return node && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
holds_type (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
ns_json_object (JsonObject *object, const char *member, gboolean required, const char *owner,
                JsonObject **value, GError **error)
{
  JsonNode *node = member_node (object, member);
  *value = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  return *value || (!node && !required) || wrong_type (node, owner, member, _("an object"), error);
}

gboolean
ns_json_array (JsonObject *object, const char *member, gboolean required, const char *owner,
               JsonArray **value, GError **error)
{
  JsonNode *node = member_node (object, member);
  *value = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  return *value || (!node && !required) || wrong_type (node, owner, member, _("an array"), error);
}

gboolean
ns_json_string (JsonObject *object, const char *member, const char *fallback, const char *owner,
                const char **value, GError **error)
{
  JsonNode *node = member_node (object, member);
  *value = node ? NULL : fallback;
  if (node && holds_type (node, G_TYPE_STRING))
    *value = json_node_get_string (node);
  return *value || wrong_type (node, owner, member, _("a string"), error);
}

gboolean
ns_json_boolean (JsonObject *object, const char *member, gboolean fallback, const char *owner,
                 gboolean *value, GError **error)
{
  JsonNode *node = member_node (object, member);
  *value = fallback;
  if (!node)
    return TRUE;
  if (!holds_type (node, G_TYPE_BOOLEAN))
    return wrong_type (node, owner, member, _("true or false"), error);
  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
ns_json_double (JsonObject *object, const char *member, double fallback, const char *owner,
                double *value, GError **error)
{
  JsonNode *node = member_node (object, member);
  *value = fallback;
  if (!node)
    return TRUE;
  if (!holds_type (node, G_TYPE_DOUBLE) && !holds_type (node, G_TYPE_INT64))
    return wrong_type (node, owner, member, _("a number"), error);
  *value = json_node_get_double (node);
  return TRUE;
}

gboolean
ns_json_int_value (JsonNode *node, gint64 min, gint64 max, const char *owner, const char *what, gint64 *value,
          GError **error)
{
  if (!node || !holds_type (node, G_TYPE_INT64))
    return wrong_type (node, owner, what, _("an integer"), error);
  *value = json_node_get_int (node);
  if (*value < min || *value > max)
    {
      char buffer[256];
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s“%s” must be between %lld and %lld, not %lld"),
                   prefix (owner, buffer), what,
                   (long long) min, (long long) max, (long long) *value);
      return FALSE;
    }
  return TRUE;
}

gboolean
ns_json_int (JsonObject *object, const char *member, int fallback, int min, int max, const char *owner,
             int *value, GError **error)
{
  JsonNode *node = member_node (object, member);
  gint64 v = fallback;
  if ((node || fallback == NS_JSON_REQUIRED) && !ns_json_int_value (node, min, max, owner, member, &v, error))
    return FALSE;
  *value = (int) v;
  return TRUE;
}

gboolean
ns_json_int_pair (JsonObject *object, const char *member, const int fallback[2], int min, int max,
                  const char *owner, int value[2], GError **error)
{
  JsonNode *node = member_node (object, member);
  value[0] = fallback[0], value[1] = fallback[1];
  if (!node)
    return TRUE;
  gint64 v[2];
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      if (!ns_json_int_value (node, min, max, owner, member, &v[0], error))
        return FALSE;
      value[0] = value[1] = (int) v[0];
      return TRUE;
    }
  JsonArray *array = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = array ? json_array_get_length (array) : 0;
  if (n < 1 || n > 2)
    return wrong_type (node, owner, member, _("an integer or a list of one or two"), error);
  for (guint i = 0; i < n; i++)
    if (!ns_json_int_value (json_array_get_element (array, i), min, max, owner, member, &v[i], error))
      return FALSE;
  value[0] = (int) v[0];
  value[1] = (int) v[n - 1];
  return TRUE;
}

gboolean
ns_json_int_array (JsonObject *object, const char *member, int max_length, gint64 min, gint64 max,
                   const char *owner, gint64 *values, int *n, GError **error)
{
  JsonArray *array;
  if (!ns_json_array (object, member, TRUE, owner, &array, error))
    return FALSE;
  guint length = json_array_get_length (array);
  if (length > (guint) max_length)
    {
      char buffer[256];
      g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s“%s” has %u entries; at most %d are supported"),
                   prefix (owner, buffer), member, length, max_length);
      return FALSE;
    }
  for (guint i = 0; i < length; i++)
    if (!ns_json_int_value (json_array_get_element (array, i), min, max, owner, member, &values[i], error))
      return FALSE;
  *n = (int) length;
  return TRUE;
}

static JsonNode *
element_node (JsonArray *array, guint i)
{
  return array && i < json_array_get_length (array) ? json_array_get_element (array, i) : NULL;
}

static void
element_error (JsonNode *node, const char *what, const char *expected, GError **error)
{
  if (!node)
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s must be %s, not missing"), what, expected);
  else
    g_set_error (error, NS_ERROR, NS_ERROR_MODEL, _("%s must be %s, not %s"), what, expected, node_kind (node));
}

JsonObject *
ns_json_object_element (JsonArray *array, guint i, const char *what, GError **error)
{
  JsonNode *node = element_node (array, i);
  if (node && JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  element_error (node, what, _("an object"), error);
  return NULL;
}

JsonArray *
ns_json_array_element (JsonArray *array, guint i, const char *what, GError **error)
{
  JsonNode *node = element_node (array, i);
  if (node && JSON_NODE_HOLDS_ARRAY (node))
    return json_node_get_array (node);
  element_error (node, what, _("an array"), error);
  return NULL;
}

const char *
ns_json_string_element (JsonArray *array, guint i, const char *what, GError **error)
{
  JsonNode *node = element_node (array, i);
  if (node && holds_type (node, G_TYPE_STRING))
    return json_node_get_string (node);
  element_error (node, what, _("a string"), error);
  return NULL;
}
