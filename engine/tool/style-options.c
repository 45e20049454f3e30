/* style-options.c: --style, --region, --style-area and --style-blend
 * (style-options.h). */
#include "style-options.h"
#include "image-file.h"


gboolean
style_options_add_style (const char *option, const char *value, gpointer options, GError **error)
{
  StyleOptions *s = options;
  if (s->n == NS_MAX_STYLES)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--style %s: at most %d styles can be blended",
                   value, NS_MAX_STYLES);
      return FALSE;
    }
  s->files[s->n++].image = g_strdup (value);
  return TRUE;
}

/* A mask option: it belongs to the last --style, once. */
static gboolean
add_mask (StyleOptions *s, const char *option, const char *value, gboolean region, GError **error)
{
  if (s->n == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "%s %s comes before any --style: give it after the "
                   "--style it belongs to", option, value);
      return FALSE;
    }
  StyleFiles *files = &s->files[s->n - 1];
  char **slot = region ? &files->region : &files->area;
  if (*slot != NULL)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "%s given twice for --style %s (%s and %s)",
                   option, files->image, *slot, value);
      return FALSE;
    }
  *slot = g_strdup (value);
  return TRUE;
}

gboolean
style_options_add_region (const char *option, const char *value, gpointer options, GError **error)
{
  return add_mask (options, option, value, TRUE, error);
}

gboolean
style_options_add_area (const char *option, const char *value, gpointer options, GError **error)
{
  return add_mask (options, option, value, FALSE, error);
}

static gboolean
parse_blends (StyleOptions *s, GError **error)
{
  g_auto (GStrv) words = g_strsplit (s->blend_text, ",", -1);
  int count = (int) g_strv_length (words);
  if (count != s->n)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--style-blend %s gives %d weight%s for %d style%s: "
                   "give one per --style", s->blend_text, count, count == 1 ? "" : "s", s->n, s->n == 1 ? "" : "s");
      return FALSE;
    }
  for (int r = 0; r < count; r++)
    {
      char *end = NULL;
      s->blends[r] = g_ascii_strtod (words[r], &end);
      if (end == words[r] || *end != '\0')
        {
          g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--style-blend %s: “%s” is not a weight (a number "
                       "of 0 or more)", s->blend_text, words[r]);
          return FALSE;
        }
    }
  /* The engine's one check of blend weights, before any file is read. */
  if (!ns_style_blends_validate (s->blends, count, error))
    {
      g_prefix_error (error, "--style-blend %s: ", s->blend_text);
      return FALSE;
    }
  return TRUE;
}

gboolean
style_options_finish (StyleOptions *s, GError **error)
{
  if (s->n == 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--style FILE is required (see --help)");
      return FALSE;
    }
  if (s->blend_text != NULL)
    return parse_blends (s, error);
  for (int r = 0; r < s->n; r++)   /* the engine normalises them */
    s->blends[r] = 1;
  return TRUE;
}

void
style_options_clear (StyleOptions *s)
{
  for (int r = 0; r < s->n; r++)
    {
      g_free (s->files[r].image);
      g_free (s->files[r].region);
      g_free (s->files[r].area);
    }
  g_free (s->blend_text);
  *s = (StyleOptions) { 0 };
}

static NsMask *
load_mask (const char *option, const char *path, GError **error)
{
  NsMask *mask = image_file_load_mask (path, error);
  if (mask == NULL)
    g_prefix_error (error, "%s ", option);
  return mask;
}

NsStyleSet *
style_options_load (const StyleOptions *s, GError **error)
{
  g_autoptr (NsStyleSet) set = ns_style_set_new ();
  for (int r = 0; r < s->n; r++)
    {
      const StyleFiles *files = &s->files[r];
      NsStyle style = { .blend = s->blends[r] };
      gboolean ok = (style.image = image_file_load (files->image, error)) != NULL
                    && (!files->region || (style.region = load_mask ("--region", files->region, error)))
                    && (!files->area || (style.area = load_mask ("--style-area", files->area, error)));
      /* The set takes what was read, also when something was not. */
      if (!ns_style_set_add (set, &style, NS_STYLE_TAKE_ALL, ok ? error : NULL) || !ok)
        return NULL;
    }
  return g_steal_pointer (&set);
}
