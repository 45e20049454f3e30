/* frame-pattern.c: numbered frame files (frame-pattern.h). */
#include "frame-pattern.h"
#include "neural-style.h"

#include <string.h>

#define MAX_DIGITS 9
#define MAX_FRAME  999999999   /* the largest number a %d of int prints in MAX_DIGITS */

static gboolean
bad_pattern (const char *option, const char *text, const char *why, GError **error)
{
  g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, "--%s %s: %s", option, text, why);
  return FALSE;
}

void
frame_pattern_clear (FramePattern *p)
{
  g_clear_pointer (&p->folder, g_free);
  g_clear_pointer (&p->head, g_free);
  g_clear_pointer (&p->tail, g_free);
}

gboolean
frame_pattern_parse (const char *option, const char *text, FramePattern *p, GError **error)
{
  *p = (FramePattern) { 0 };
  g_autoptr (GString) before = g_string_new (NULL), after = g_string_new (NULL);
  const char *why = NULL;
  int conversions = 0, digits = 0;
  for (const char *c = text; *c && !why; c++)
    {
      GString *out = conversions ? after : before;
      if (*c != '%')
        {
          g_string_append_c (out, *c);
          continue;
        }
      c++;
      if (*c == '\0')
        {
          why = "it ends with a lone %; write a % as %%";
          break;
        }
      if (*c == '%')
        {
          g_string_append_c (out, '%');
          continue;
        }
      if (conversions++)
        why = "more than one %d or %0Nd in it";
      else if (*c == 'd')
        digits = 0;
      else if (*c == '0' && c[1] >= '1' && c[1] <= '0' + MAX_DIGITS && c[2] == 'd')
        digits = c[1] - '0', c += 2;
      else
        why = "the number must be written %d or %0Nd (N from 1 to 9), % as %%";
    }
  if (!why && conversions == 0)
    why = "no %d or %0Nd to number the frames";
  if (!why && strchr (after->str, '/'))
    why = "the number must be in the file's name, not a folder's";
  if (why)
    return bad_pattern (option, text, why, error);
  const char *slash = strrchr (before->str, '/');
  p->folder = slash ? g_strndup (before->str, MAX (1, slash - before->str)) : g_strdup (".");
  p->head = g_strdup (slash ? slash + 1 : before->str);
  p->tail = g_strdup (after->str);
  p->digits = digits;
  return TRUE;
}

char *
frame_pattern_path (const FramePattern *p, int number)
{
  g_autofree char *name = g_strdup_printf ("%s%0*d%s", p->head, p->digits, number, p->tail);
  return g_build_filename (p->folder, name, NULL);
}

gboolean
frame_pattern_match (const FramePattern *p, const char *name, int *number)
{
  gsize len = strlen (name), head = strlen (p->head), tail = strlen (p->tail);
  if (len <= head + tail || strncmp (name, p->head, head) != 0 || strcmp (name + len - tail, p->tail) != 0)
    return FALSE;
  gsize n = len - head - tail;
  const char *d = name + head;
  if (n > MAX_DIGITS || n < (gsize) MAX (p->digits, 1) || (n > (gsize) MAX (p->digits, 1) && d[0] == '0'))
    return FALSE;   /* as %0Nd prints: no more zeros than it pads with */
  int value = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (d[i]))
        return FALSE;
      value = value * 10 + (d[i] - '0');
    }
  *number = value;
  return TRUE;
}

static gboolean
frame_exists (const FramePattern *p, int number)
{
  g_autofree char *path = frame_pattern_path (p, number);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

gboolean
frame_pattern_list (const char *option, const char *text, const FramePattern *p, int *first, int *count,
                    GError **error)
{
  *first = frame_exists (p, 0) ? 0 : 1;
  int n = 0;
  while (*first + n <= MAX_FRAME && frame_exists (p, *first + n))
    n++;
  if (n == 0)
    {
      g_autofree char *zero = frame_pattern_path (p, 0), *one = frame_pattern_path (p, 1);
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "--%s %s: no frames (neither %s nor %s exists)", option, text,
                   zero, one);
      return FALSE;
    }
  /* A frame beyond the run of consecutive numbers means one is missing. */
  g_autoptr (GDir) dir = g_dir_open (p->folder, 0, NULL);
  const char *name;
  int number;
  while (dir && (name = g_dir_read_name (dir)))
    if (frame_pattern_match (p, name, &number) && number > *first + n - 1)
      {
        g_autofree char *missing = frame_pattern_path (p, *first + n), *found = frame_pattern_path (p, number);
        g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, "--%s %s: a gap in the numbering: %s is missing, but %s "
                     "exists", option, text, missing, found);
        return FALSE;
      }
  *count = n;
  return TRUE;
}
