/* fuzz-frame-pattern: the tool's frame patterns (--frames, --output with
 * it; engine/tool/frame-pattern.h) on any text. The input is a pattern, a
 * NUL, then a file name: the pattern parses or is refused with a message;
 * a parsed one names its frames so that each name reads back as its
 * number, and the name is matched against it (and, if it is a frame of
 * it, is exactly what the pattern writes for that number). */
#include "fuzz-common.h"
#include "tool/frame-pattern.h"

#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_setup ();
  return 0;
}

static void
round_trip (const FramePattern *p, int number)
{
  g_autofree char *path = frame_pattern_path (p, number), *name = g_path_get_basename (path);
  int back = -1;
  if (!frame_pattern_match (p, name, &back))
    g_error ("%s (frame %d) is not a frame of its own pattern", name, number);
  if (back != number)
    g_error ("%s reads back as %d, not %d", name, back, number);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);   /* up to the first NUL */
  gsize used = strlen (text);
  g_autofree char *name = used < size ? g_strndup ((const char *) data + used + 1, size - used - 1) : g_strdup ("");
  FramePattern p;
  GError *error = NULL;
  if (!frame_pattern_parse ("frames", text, &p, &error))
    {
      if (!error || !error->message[0])
        g_error ("refused without a message");
      g_clear_error (&error);
      return 0;
    }
  for (int number = 0; number < 3; number++)
    round_trip (&p, number);
  round_trip (&p, 999999999);
  int number = -1;
  if (frame_pattern_match (&p, name, &number))
    {
      g_autofree char *path = frame_pattern_path (&p, number), *written = g_path_get_basename (path);
      if (number < 0 || strcmp (written, name) != 0)
        g_error ("%s matched as frame %d, which is written %s", name, number, written);
    }
  frame_pattern_clear (&p);
  return 0;
}
