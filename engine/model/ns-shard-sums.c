/* ns-shard-sums.c: see ns-shard-sums.h. */
#include "ns-shard-sums.h"
#include "neural-style.h"

#include <gio/gio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

struct _NsShardSums
{
  char       *folder;
  GHashTable *sums;          /* file name -> lower-case hex SHA-256 */
  GKeyFile   *stamps;        /* group: SHA-256 of the shard's path; keys path, stamp */
  char       *stamps_path;
  gboolean    stamps_changed;
};

/* One "HASH  NAME" or "HASH *NAME" line of sha256sum's output. */
static gboolean
parse_line (const char *line, GHashTable *sums)
{
  if (strlen (line) < 66 || (line[64] != ' ') || (line[65] != ' ' && line[65] != '*'))
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (line[i]))
      return FALSE;
  g_hash_table_insert (sums, g_strdup (line + 66), g_ascii_strdown (line, 64));
  return TRUE;
}

static char *
stamps_file (void)
{
  return g_build_filename (g_get_user_cache_dir (), "neural-style", "verified-weights", NULL);
}

NsShardSums *
ns_shard_sums_load (const char *folder, GError **error)
{
  g_autofree char *path = g_build_filename (folder, "SHA256SUMS", NULL);
  g_autofree char *text = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  GError *local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("cannot read %s: %s"), path, local->message);
      g_error_free (local);
      return NULL;
    }
  NsShardSums *sums = g_new0 (NsShardSums, 1);
  sums->folder = g_strdup (folder);
  sums->sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (g_str_has_suffix (lines[i], "\r"))           /* written on Windows */
      lines[i][strlen (lines[i]) - 1] = '\0';
  for (int i = 0; lines[i]; i++)
    if (*lines[i] && !parse_line (lines[i], sums->sums))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("%s: line %d is not “SHA-256  file name”. %s"),
                     path, i + 1, ns_weights_fetch_hint ());
        ns_shard_sums_free (sums);
        return NULL;
      }
  sums->stamps = g_key_file_new ();
  sums->stamps_path = stamps_file ();
  g_key_file_load_from_file (sums->stamps, sums->stamps_path, G_KEY_FILE_NONE, NULL);
  return sums;
}

/* What changes whenever a file's bytes can have changed: size, inode and
 * the modification and status-change times (the latter cannot be set back
 * by tar or cp -p). NULL if the file cannot be queried. */
static char *
file_identity (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ",time::*,unix::inode",
                                                  G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (!info)
    return NULL;
  return g_strdup_printf ("%" G_GOFFSET_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT ".%06u %"
                          G_GUINT64_FORMAT ".%06u", g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_CHANGED),
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_CHANGED_USEC));
}

gboolean
ns_shard_sums_verify (NsShardSums *sums, const char *name, const char *data, gsize length, GError **error)
{
  g_autofree char *path = g_build_filename (sums->folder, name, NULL);
  const char *expected = g_hash_table_lookup (sums->sums, name);
  if (!expected)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight shard %s is not listed in SHA256SUMS: the "
                   "weights do not match their checksums. %s"), path, ns_weights_fetch_hint ());
      return FALSE;
    }
  /* A key file group name may not hold every character a path can. */
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *group = g_compute_checksum_for_string (G_CHECKSUM_SHA256, absolute, -1);
  g_autofree char *identity = file_identity (absolute);
  g_autofree char *stamp = identity ? g_strdup_printf ("%s %s", expected, identity) : NULL;
  g_autofree char *stamped = g_key_file_get_string (sums->stamps, group, "stamp", NULL);
  if (stamp && g_strcmp0 (stamp, stamped) == 0)
    return TRUE;
  g_autofree char *actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  if (strcmp (actual, expected) != 0)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_WEIGHTS, _("weight shard %s is corrupt (its SHA-256 is %s, "
                   "SHA256SUMS says %s). %s"), path, actual, expected, ns_weights_fetch_hint ());
      return FALSE;
    }
  if (stamp)
    {
      g_key_file_set_string (sums->stamps, group, "path", absolute);
      g_key_file_set_string (sums->stamps, group, "stamp", stamp);
      sums->stamps_changed = TRUE;
    }
  return TRUE;
}

void
ns_shard_sums_free (NsShardSums *sums)
{
  if (!sums)
    return;
  if (sums->stamps_changed)
    {
      g_autofree char *dir = g_path_get_dirname (sums->stamps_path);
      if (g_mkdir_with_parents (dir, 0700) == 0)
        g_key_file_save_to_file (sums->stamps, sums->stamps_path, NULL);
    }
  g_clear_pointer (&sums->stamps, g_key_file_unref);
  g_hash_table_unref (sums->sums);
  g_free (sums->stamps_path);
  g_free (sums->folder);
  g_free (sums);
}
