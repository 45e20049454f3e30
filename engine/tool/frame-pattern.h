/* frame-pattern.h: the tool's numbered frame files, as ffmpeg's image2
 * names them: a path with one printf conversion, %d or %0Nd (N 1 to 9),
 * in its file name ("in/f-%04d.png"); %% is a literal %. The frames are
 * numbered from 0 or 1, consecutively. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *folder;   /* the file names' folder ("." if the pattern has none) */
  char *head;     /* the file name before the number, %% read as % */
  char *tail;     /* and after it */
  int   digits;   /* %0Nd: N, the least number of digits (zero-padded); %d: 0 */
} FramePattern;

/* Reads text; option names it in messages. FALSE with a message if it has
 * no conversion or more than one, another conversion, or its number in a
 * folder's name. */
gboolean frame_pattern_parse  (const char *option, const char *text, FramePattern *pattern, GError **error);
void     frame_pattern_clear  (FramePattern *pattern);
/* The path of frame number. */
char    *frame_pattern_path   (const FramePattern *pattern, int number);
/* Whether a file name (in the pattern's folder) is one of its frames, as
 * frame_pattern_path() writes them, and which. */
gboolean frame_pattern_match  (const FramePattern *pattern, const char *name, int *number);
/* The frames there are: numbered from *first (0 or 1), *count of them,
 * consecutive. FALSE with a message naming the pattern if there are none,
 * or a file of the pattern beyond a gap in the numbering. */
gboolean frame_pattern_list   (const char *option, const char *text, const FramePattern *pattern, int *first,
                               int *count, GError **error);

G_END_DECLS
