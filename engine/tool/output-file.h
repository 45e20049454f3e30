/* output-file.h: where and how the command-line tool writes its results.
 *
 * The rules: a result replaces only a regular file, atomically (a temporary
 * file in the same folder, renamed over the target), and the replaced file's
 * permissions carry over; a read-only file, a folder, a device, a FIFO or a
 * socket is refused, never replaced; a symbolic link is followed, so its
 * target is replaced and the link stays a link. On error nothing is left
 * behind and an existing file is unchanged. Every error names the option
 * and the path. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks, before any work, that path may be written under those rules. */
gboolean output_file_check (const char *option, const char *path, GError **error);

/* TRUE if a and b name the same file: the same device and inode (through
 * links and hard links), or, for a file not there yet, the same name in the
 * same folder. */
gboolean output_file_same  (const char *a, const char *b);

/* Writes data to path under the rules (which are checked again). */
gboolean output_file_write (const char *option, const char *path, const void *data, gsize size,
                            GError **error);

G_END_DECLS
