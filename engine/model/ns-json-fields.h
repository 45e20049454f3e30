/* ns-json-fields.h: reading model.json's fields with their types and ranges
 * checked. json-glib's getters return NULL or 0 (and log a critical) for a
 * value of the wrong type, so a crafted file could otherwise pass NULL names
 * and zero strides on. Each failure is one NS_ERROR_MODEL that names the
 * owner (e.g. "layer “conv1”"; NULL for the top level) and the member. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Marks an int member as required (no fallback). */
#define NS_JSON_REQUIRED G_MININT

/* Members of the given type; absent or null gives NULL without an error when
 * optional, an error when required; any other type is an error. */
gboolean ns_json_object (JsonObject *object, const char *member, gboolean required, const char *owner,
                         JsonObject **value, GError **error);
gboolean ns_json_array  (JsonObject *object, const char *member, gboolean required, const char *owner,
                         JsonArray **value, GError **error);
/* A string member; fallback when absent (NULL fallback: required). */
gboolean ns_json_string (JsonObject *object, const char *member, const char *fallback, const char *owner,
                         const char **value, GError **error);
gboolean ns_json_boolean (JsonObject *object, const char *member, gboolean fallback, const char *owner,
                          gboolean *value, GError **error);
gboolean ns_json_double (JsonObject *object, const char *member, double fallback, const char *owner,
                         double *value, GError **error);
/* An integer member in [min, max]; fallback when absent (NS_JSON_REQUIRED: required). */
gboolean ns_json_int    (JsonObject *object, const char *member, int fallback, int min, int max,
                         const char *owner, int *value, GError **error);
/* A window parameter like "kernel_size": 3, [3] or [3, 3], each in [min, max];
 * fallback (both values) when absent. */
gboolean ns_json_int_pair (JsonObject *object, const char *member, const int fallback[2], int min, int max,
                           const char *owner, int value[2], GError **error);
/* An array member of at most max_length integers, each in [min, max]
 * (e.g. a tensor shape); n receives the length. */
gboolean ns_json_int_array (JsonObject *object, const char *member, int max_length, gint64 min, gint64 max,
                            const char *owner, gint64 *values, int *n, GError **error);

/* A node that must be an integer in [min, max]; member names it in the error. */
gboolean ns_json_int_value (JsonNode *node, gint64 min, gint64 max, const char *owner, const char *member,
                            gint64 *value, GError **error);

/* Element i of an array as an object or a string; error when of another type. */
JsonObject *ns_json_object_element (JsonArray *array, guint i, const char *what, GError **error);
const char *ns_json_string_element (JsonArray *array, guint i, const char *what, GError **error);
JsonArray  *ns_json_array_element  (JsonArray *array, guint i, const char *what, GError **error);

G_END_DECLS
