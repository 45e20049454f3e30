/* test-params.c: the parameter table (neural-style.h, "the parameters,
 * described once"), walked row by row: each row is well formed, its default
 * is what ns_params_init() gives and passes ns_params_validate(), a value
 * just outside its range is refused with a message naming it, its text
 * reads back exactly, and its description states its range and default. */
#include "neural-style.h"

#include <math.h>
#include <string.h>

static const NsParamSpec *specs;
static int n_specs;

static gsize
field_size (const NsParamSpec *spec)
{
  return spec->type == NS_PARAM_DOUBLE ? sizeof (double) : spec->type == NS_PARAM_UINT32 ? sizeof (guint32)
                                                                                           : sizeof (int);
}

static void
test_rows_well_formed (void)
{
  g_assert_cmpint (n_specs, >, 0);
  for (int i = 0; i < n_specs; i++)
    {
      const NsParamSpec *s = &specs[i];
      g_test_message ("row %s", s->key);
      g_assert_nonnull (s->key);
      g_assert_true (ns_param_find (s->key) == s);
      g_assert_nonnull (s->name);
      g_assert_nonnull (s->blurb);
      g_assert_cmpuint (s->offset + field_size (s), <=, sizeof (NsParams));
      g_assert_true (s->min <= s->default_value && s->default_value <= s->max);
      if (s->fronts & NS_FRONT_DIALOG)
        {
          g_assert_nonnull (s->label);
          g_assert_nonnull (s->tooltip);
          g_assert_nonnull (strchr (s->label, '_'));   /* a mnemonic */
        }
      if (s->type == NS_PARAM_ENUM)
        {
          g_assert_cmpint (s->n_choices, >, 1);
          g_assert_nonnull (ns_param_choice (s, (int) s->default_value));
          for (int c = 0; c < s->n_choices; c++)
            {
              g_assert_true (s->choices[c].value >= s->min && s->choices[c].value <= s->max);
              g_assert_nonnull (s->choices[c].blurb);
              g_assert_true (!(s->fronts & NS_FRONT_DIALOG) || s->choices[c].label != NULL);
              for (int o = 0; o < c; o++)
                g_assert_true (s->choices[o].value != s->choices[c].value
                               && g_strcmp0 (s->choices[o].name, s->choices[c].name) != 0);
            }
        }
      else if (s->fronts & NS_FRONT_DIALOG && s->type == NS_PARAM_DOUBLE)
        {
          /* The slider's useful range lies within the accepted one. */
          g_assert_true (s->min <= s->soft_min && s->soft_min < s->soft_max && s->soft_max <= s->max);
          g_assert_true (!s->log_scale || s->soft_min > 0);
        }
      for (int o = 0; o < i; o++)
        {
          const NsParamSpec *t = &specs[o];
          g_assert_cmpstr (t->key, !=, s->key);
          g_assert_true (s->short_flag == 0 || t->short_flag != s->short_flag);
          /* Fields do not overlap. */
          g_assert_true (s->offset + field_size (s) <= t->offset || t->offset + field_size (t) <= s->offset);
        }
    }
  g_assert_null (ns_param_find ("no-such-parameter"));
}

static void
test_defaults (void)
{
  NsParams p;
  memset (&p, 0xa5, sizeof p);
  ns_params_init (&p);
  for (int i = 0; i < n_specs; i++)
    g_assert_cmpfloat (ns_param_get (&specs[i], &p), ==, specs[i].default_value);
  g_assert_true (ns_params_validate (&p, NULL));
  /* A few read as the engine has always had them. */
  g_assert_cmpint (p.iterations, ==, 150);
  g_assert_cmpint (p.size, ==, 0);
  g_assert_cmpfloat (p.style_weight, ==, 1.0);
  g_assert_cmpint (p.init, ==, NS_INIT_CONTENT);
  g_assert_cmpint (p.schedule, ==, NS_SCHEDULE_MULTISCALE);
}

/* params with row s set to value must be refused, naming the row. */
static void
assert_refused (const NsParamSpec *s, double value)
{
  NsParams p;
  ns_params_init (&p);
  ns_param_set (s, &p, value);
  GError *error = NULL;
  g_assert_false (ns_param_check (s, &p, NULL));
  g_assert_false (ns_params_validate (&p, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  g_test_message ("%s = %g: %s", s->key, value, error->message);
  if (strstr (error->message, s->name) == NULL)
    g_error ("%s = %g: “%s” does not name %s", s->key, value, error->message, s->name);
  g_error_free (error);
}

static void
test_ranges (void)
{
  for (int i = 0; i < n_specs; i++)
    {
      const NsParamSpec *s = &specs[i];
      NsParams p;
      ns_params_init (&p);
      ns_param_set (s, &p, s->min);
      g_assert_true (ns_param_check (s, &p, NULL));
      if (isfinite (s->max))
        {
          ns_param_set (s, &p, s->max);
          g_assert_true (ns_param_check (s, &p, NULL));
        }
      if (s->type == NS_PARAM_UINT32)
        continue;   /* its range is all the field holds */
      double below = s->type == NS_PARAM_DOUBLE ? s->min - 1e-3 : s->min - 1;
      assert_refused (s, below);
      if (isfinite (s->max))
        assert_refused (s, s->type == NS_PARAM_DOUBLE ? s->max * 1.001 + 1e-3 : s->max + 1);
      if (s->type == NS_PARAM_DOUBLE)
        assert_refused (s, NAN);
    }
  /* The one rule across rows. */
  NsParams p;
  ns_params_init (&p);
  p.content_weight = p.style_weight = 0;
  g_assert_false (ns_params_validate (&p, NULL));
}

static void
test_text (void)
{
  for (int i = 0; i < n_specs; i++)
    {
      const NsParamSpec *s = &specs[i];
      double values[] = { s->default_value, s->min, isfinite (s->max) ? s->max : 1e9,
                          s->type == NS_PARAM_DOUBLE ? s->min + 0.1234567890123 : s->min + 1 };
      for (gsize v = 0; v < G_N_ELEMENTS (values); v++)
        {
          if (s->type == NS_PARAM_ENUM && ns_param_choice (s, (int) values[v]) == NULL)
            continue;
          NsParams p;
          ns_params_init (&p);
          g_autofree char *text = ns_param_format (s, values[v]);
          GError *error = NULL;
          g_assert_true (ns_param_parse (s, text, NULL, &p, &error));
          g_assert_no_error (error);
          g_assert_cmpfloat (ns_param_get (s, &p), ==, values[v]);
        }
      /* What is no value of the row names what was given. */
      NsParams p;
      ns_params_init (&p);
      GError *error = NULL;
      g_assert_false (ns_param_parse (s, "lots", "--option", &p, &error));
      g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
      g_assert_nonnull (strstr (error->message, "--option"));
      g_assert_nonnull (strstr (error->message, "lots"));
      g_clear_error (&error);
      g_assert_cmpfloat (ns_param_get (s, &p), ==, s->default_value);   /* untouched */
    }
  const NsParamSpec *seed = ns_param_find ("seed"), *iterations = ns_param_find ("iterations");
  NsParams p;
  ns_params_init (&p);
  g_assert_false (ns_param_parse (seed, "-1", NULL, &p, NULL));
  g_assert_false (ns_param_parse (seed, "4294967296", NULL, &p, NULL));
  g_assert_true (ns_param_parse (seed, "4294967295", NULL, &p, NULL));
  g_assert_cmpuint (p.seed, ==, G_MAXUINT32);
  g_assert_false (ns_param_parse (iterations, "1.5", NULL, &p, NULL));
  g_assert_true (ns_param_parse (iterations, "0", NULL, &p, NULL));   /* the range is the check's */
  g_assert_false (ns_params_validate (&p, NULL));
}

static void
test_descriptions (void)
{
  for (int i = 0; i < n_specs; i++)
    {
      const NsParamSpec *s = &specs[i];
      g_autofree char *cli = ns_param_describe (s, FALSE), *pdb = ns_param_describe (s, TRUE);
      g_autofree char *fallback = ns_param_format (s, s->default_value);
      g_test_message ("%s: %s | %s", s->key, cli, pdb);
      g_assert_true (g_str_has_prefix (cli, s->blurb));
      g_assert_nonnull (strstr (cli, "default"));
      if (s->type == NS_PARAM_ENUM)
        for (int c = 0; c < s->n_choices; c++)
          {
            g_autofree char *upper = g_ascii_strup (s->choices[c].name, -1);
            g_autofree char *numbered = g_strdup_printf ("%s (%d)", upper, s->choices[c].value);
            g_assert_nonnull (strstr (cli, s->choices[c].name));
            g_assert_nonnull (strstr (pdb, numbered));
          }
      else
        {
          g_autofree char *range = g_strdup_printf ("%g to %g, default %s", s->min, s->max, fallback);
          g_assert_true (isinf (s->max) || s->type == NS_PARAM_UINT32 || strstr (cli, range) != NULL);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  specs = ns_param_specs (&n_specs);
  g_test_add_func ("/params/rows-well-formed", test_rows_well_formed);
  g_test_add_func ("/params/defaults", test_defaults);
  g_test_add_func ("/params/ranges", test_ranges);
  g_test_add_func ("/params/text", test_text);
  g_test_add_func ("/params/descriptions", test_descriptions);
  return g_test_run ();
}
