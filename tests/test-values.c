/* test-values.c: the plug-in's stored last values (plugin/ns-values.c):
 * they read back exactly; bytes of another layout (an older plug-in's raw
 * struct, another header, version or size, garbage) give the defaults and
 * FALSE, never values misread from raw bytes; a stored text missing a key,
 * holding one no longer known or a value out of range keeps the default
 * for that key alone. */
#include "ns-values.h"

#include <string.h>

/* The layout plug-ins before the versioned one stored with gimp_set_data(). */
typedef struct
{
  gdouble content_weight, style_weight, tv_weight;
  gint32  iterations, size, seed, init, n_styles;
  NsStyleValues styles[NS_MAX_STYLES];
  gdouble style_scale;
  gint32  preserve_colors;
} OldValues;

static void
assert_defaults (const NsValues *values)
{
  NsValues defaults;
  ns_values_init (&defaults);
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (ns_param_get (&specs[i], &values->params), ==, specs[i].default_value);
  g_assert_cmpint (values->n_styles, ==, 1);
  g_assert_cmpint (values->styles[0].drawable, ==, -1);
  g_assert_cmpint (values->styles[0].region, ==, NS_WHERE_EVERYWHERE);
}

/* Every stored row away from its default, three styles. */
static void
unusual_values (NsValues *v)
{
  ns_values_init (v);
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    if (specs[i].fronts & (NS_FRONT_PDB | NS_FRONT_DIALOG | NS_FRONT_FRAMES))
      ns_param_set (&specs[i], &v->params, specs[i].type == NS_PARAM_ENUM ? specs[i].max
                                           : specs[i].type == NS_PARAM_DOUBLE ? specs[i].min + 0.3
                                           : specs[i].min + 7);
  v->params.seed = 4000000000u;
  v->n_styles = 3;
  v->styles[0] = (NsStyleValues) { 12, 0.25, NS_WHERE_SELECTION, NS_WHERE_EVERYWHERE };
  v->styles[1] = (NsStyleValues) { 13, 1.0 / 3, NS_WHERE_OUTSIDE_SELECTION, 40 };
  v->styles[2] = (NsStyleValues) { 14, 2.0, 41, 42 };
}

static void
assert_same (const NsValues *a, const NsValues *b)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  for (int i = 0; i < n; i++)
    g_assert_cmpfloat (ns_param_get (&specs[i], &a->params), ==, ns_param_get (&specs[i], &b->params));
  g_assert_cmpint (a->n_styles, ==, b->n_styles);
  for (int i = 0; i < a->n_styles; i++)
    {
      g_assert_cmpint (a->styles[i].drawable, ==, b->styles[i].drawable);
      g_assert_cmpfloat (a->styles[i].blend, ==, b->styles[i].blend);
      g_assert_cmpint (a->styles[i].region, ==, b->styles[i].region);
      g_assert_cmpint (a->styles[i].area, ==, b->styles[i].area);
    }
}

static void
test_round_trip (void)
{
  NsValues stored, read;
  unusual_values (&stored);
  g_autoptr (GBytes) bytes = ns_values_encode (&stored);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint32 header[3];
  memcpy (header, data, sizeof header);
  g_assert_cmpuint (header[0], ==, NS_VALUES_MAGIC);
  g_assert_cmpuint (header[1], ==, NS_VALUES_VERSION);
  g_assert_cmpuint (header[2], ==, size - sizeof header);
  g_assert_true (ns_values_decode (data, size, &read));
  assert_same (&stored, &read);
}

/* What is not this layout gives the defaults, whatever it holds. */
static void
test_other_layouts (void)
{
  NsValues read;
  OldValues old = { 2.0, 3.0, 0.5, 77, 512, 9, 1, 2, { { 12, 1, -1, -1 }, { 13, 1, -1, -1 } }, 2.0, 1 };
  g_assert_false (ns_values_decode (&old, sizeof old, &read));
  assert_defaults (&read);

  NsValues stored;
  unusual_values (&stored);
  g_autoptr (GBytes) bytes = ns_values_encode (&stored);
  gsize size = 0;
  const guint8 *good = g_bytes_get_data (bytes, &size);
  g_autofree guint8 *bad = g_memdup2 (good, size);

  bad[0] ^= 1;   /* another magic */
  g_assert_false (ns_values_decode (bad, size, &read));
  assert_defaults (&read);
  memcpy (bad, good, size);
  bad[4] += 1;   /* a later version */
  g_assert_false (ns_values_decode (bad, size, &read));
  assert_defaults (&read);
  g_assert_false (ns_values_decode (good, size - 1, &read));   /* cut short */
  assert_defaults (&read);
  g_assert_false (ns_values_decode (good, 12, &read));         /* the header alone */
  g_assert_false (ns_values_decode (good, 5, &read));
  g_assert_false (ns_values_decode (NULL, 0, &read));
  assert_defaults (&read);

  /* The right header over text that is not a key file. */
  const char garbage[] = "\x01\x02\xff not [a key file";
  guint32 header[3] = { NS_VALUES_MAGIC, NS_VALUES_VERSION, sizeof garbage };
  g_autofree guint8 *framed = g_malloc (sizeof header + sizeof garbage);
  memcpy (framed, header, sizeof header);
  memcpy (framed + sizeof header, garbage, sizeof garbage);
  g_assert_false (ns_values_decode (framed, sizeof header + sizeof garbage, &read));
  assert_defaults (&read);
}

static gboolean
decode_text (const char *text, NsValues *values)
{
  guint32 header[3] = { NS_VALUES_MAGIC, NS_VALUES_VERSION, (guint32) strlen (text) };
  g_autofree guint8 *data = g_malloc (sizeof header + strlen (text));
  memcpy (data, header, sizeof header);
  memcpy (data + sizeof header, text, strlen (text));
  return ns_values_decode (data, sizeof header + strlen (text), values);
}

/* A key at a time: missing, unknown, unreadable or out of range. */
static void
test_migration (void)
{
  NsValues read;
  g_assert_true (decode_text ("[neural-style]\n"
                              "iterations=77\n"
                              "style-weight=lots\n"
                              "tv-weight=-3\n"
                              "init=noise\n"
                              "edge-preservation=0.5\n"
                              "[style 1]\n"
                              "drawable=5\n"
                              "blend=0.5\n"
                              "[style 2]\n"
                              "drawable=6\n"
                              "region=many\n", &read));
  NsParams defaults;
  ns_params_init (&defaults);
  g_assert_cmpint (read.params.iterations, ==, 77);
  g_assert_cmpint (read.params.init, ==, NS_INIT_NOISE);
  g_assert_cmpfloat (read.params.style_weight, ==, defaults.style_weight);   /* unreadable */
  g_assert_cmpfloat (read.params.tv_weight, ==, defaults.tv_weight);         /* out of range */
  g_assert_cmpfloat (read.params.style_scale, ==, defaults.style_scale);     /* missing */
  g_assert_cmpint (read.n_styles, ==, 2);
  g_assert_cmpint (read.styles[0].drawable, ==, 5);
  g_assert_cmpfloat (read.styles[0].blend, ==, 0.5);
  g_assert_cmpint (read.styles[0].region, ==, NS_WHERE_EVERYWHERE);
  g_assert_cmpint (read.styles[1].drawable, ==, 6);
  g_assert_cmpfloat (read.styles[1].blend, ==, 1.0);
  g_assert_cmpint (read.styles[1].region, ==, NS_WHERE_EVERYWHERE);

  /* The parameters' group is what makes the text this plug-in's. */
  g_assert_false (decode_text ("[something else]\niterations=77\n", &read));
  assert_defaults (&read);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/values/round-trip", test_round_trip);
  g_test_add_func ("/values/other-layouts", test_other_layouts);
  g_test_add_func ("/values/migration", test_migration);
  return g_test_run ();
}
