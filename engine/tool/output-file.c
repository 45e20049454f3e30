/* output-file.c: the command-line tool's safe output (see output-file.h). */
#include "output-file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#define MAX_LINKS 40   /* as the kernel's ELOOP limit */

/* The file that writing to path would change: path with its symbolic links
 * followed (the last one may point to a file not there yet). */
static char *
resolve_links (const char *option, const char *path, GError **error)
{
  g_autofree char *current = g_strdup (path);
  for (int hops = 0; hops < MAX_LINKS; hops++)
    {
      GStatBuf st;
      if (g_lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);
      g_autoptr (GError) link_error = NULL;
      g_autofree char *target = g_file_read_link (current, &link_error);
      if (target == NULL)
        {
          g_set_error (error, G_FILE_ERROR, link_error->code, "--%s %s: %s", option, path, link_error->message);
          return NULL;
        }
      if (!g_path_is_absolute (target))
        {
          g_autofree char *folder = g_path_get_dirname (current);
          g_autofree char *joined = g_build_filename (folder, target, NULL);
          g_free (target);
          target = g_steal_pointer (&joined);
        }
      g_free (current);
      current = g_steal_pointer (&target);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_LOOP, "--%s %s: too many levels of symbolic links", option, path);
  return NULL;
}

static gboolean
refuse (GError **error, const char *option, const char *path, const char *reason)
{
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "--%s %s: %s", option, path, reason);
  return FALSE;
}

/* Checks the resolved target; *exists and *st describe it. */
static gboolean
check_target (const char *option, const char *path, const char *target, gboolean *exists, GStatBuf *st,
              GError **error)
{
  g_autofree char *folder = g_path_get_dirname (target);

  *exists = g_stat (target, st) == 0;
  if (!*exists && errno != ENOENT)
    {
      g_autofree char *reason = g_strdup_printf ("cannot check it (%s)", g_strerror (errno));
      return refuse (error, option, path, reason);
    }
  if (*exists && S_ISDIR (st->st_mode))
    return refuse (error, option, path, "is a folder");
  if (*exists && !S_ISREG (st->st_mode))
    return refuse (error, option, path, "is not a regular file (a device, FIFO or socket); "
                   "results are written to regular files only");
  /* access() says yes to root for any file; the mode bits say what the
   * owner meant: a file without write permission is not to be replaced. */
  if (*exists && ((st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || g_access (target, W_OK) != 0))
    return refuse (error, option, path, "is read-only; not replaced");
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *reason = g_strdup_printf ("folder %s does not exist", folder);
      return refuse (error, option, path, reason);
    }
  if (g_access (folder, W_OK) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("folder %s is not writable", folder);
      return refuse (error, option, path, reason);
    }
  return TRUE;
}

gboolean
output_file_check (const char *option, const char *path, GError **error)
{
  g_autofree char *target = resolve_links (option, path, error);
  gboolean exists;
  GStatBuf st;
  return target != NULL && check_target (option, path, target, &exists, &st, error);
}

/* A file's identity: its device and inode, or for a file not there yet its
 * folder's and its name. */
typedef struct
{
  dev_t dev;
  ino_t ino;
  char *name;   /* NULL when the file exists */
} Identity;

static gboolean
identify (const char *path, Identity *id)
{
  GStatBuf st;
  g_autofree char *target = resolve_links ("", path, NULL);
  if (target == NULL)
    return FALSE;
  if (g_stat (target, &st) == 0)
    {
      *id = (Identity) { st.st_dev, st.st_ino, NULL };
      return TRUE;
    }
  g_autofree char *folder = g_path_get_dirname (target);
  if (g_stat (folder, &st) != 0)
    return FALSE;
  *id = (Identity) { st.st_dev, st.st_ino, g_path_get_basename (target) };
  return TRUE;
}

gboolean
output_file_same (const char *a, const char *b)
{
  Identity ia, ib;
  if (!identify (a, &ia))
    return FALSE;
  if (!identify (b, &ib))
    {
      g_free (ia.name);
      return FALSE;
    }
  gboolean same = ia.dev == ib.dev && ia.ino == ib.ino && g_strcmp0 (ia.name, ib.name) == 0;
  g_free (ia.name);
  g_free (ib.name);
  return same;
}

static gboolean
write_all (int fd, const char *data, gsize size)
{
  while (size > 0)
    {
      gssize n = write (fd, data, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

gboolean
output_file_write (const char *option, const char *path, const void *data, gsize size, GError **error)
{
  g_autofree char *target = resolve_links (option, path, error);
  gboolean exists;
  GStatBuf st;
  if (target == NULL || !check_target (option, path, target, &exists, &st, error))
    return FALSE;

  g_autofree char *folder = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *template = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *temp = g_build_filename (folder, template, NULL);
  int fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0666);   /* 0666 less the umask */
  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "--%s %s: cannot create a file in %s (%s)",
                   option, path, folder, g_strerror (errno));
      return FALSE;
    }
  /* The replaced file's permissions (and, for root, owner) carry over. */
  gboolean ok = !exists || (fchmod (fd, st.st_mode & 0777) == 0
                            && (geteuid () != 0 || fchown (fd, st.st_uid, st.st_gid) == 0));
  ok = ok && write_all (fd, data, size) && fsync (fd) == 0;
  int saved = ok ? 0 : errno;
  if (close (fd) != 0 && ok)
    {
      saved = errno;
      ok = FALSE;
    }
  if (ok && g_rename (temp, target) != 0)
    {
      saved = errno;
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (temp);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "--%s %s: cannot write (%s)",
                   option, path, g_strerror (saved));
    }
  return ok;
}
