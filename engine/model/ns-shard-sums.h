/* ns-shard-sums.h: checking weight shards against the SHA256SUMS that
 * weights/fetch-weights.sh writes beside them. Hashing 100 MB on every load
 * would cost about half a second, so a shard that verified once is stamped
 * (size, modification time and sum, in the user cache folder) and not
 * re-hashed while the stamp still matches. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NsShardSums NsShardSums;

/* Reads folder/SHA256SUMS. With no such file, returns NULL and no error:
 * the model is a user's own (e.g. a converted VGG-19) and is not checked. */
NsShardSums *ns_shard_sums_load   (const char *folder, GError **error);
/* Checks the file name (a plain name in the folder) whose bytes are data. */
gboolean     ns_shard_sums_verify (NsShardSums *sums, const char *name, const char *data, gsize length,
                                   GError **error);
/* Saves new stamps (failing silently: a stamp is only a shortcut). */
void         ns_shard_sums_free   (NsShardSums *sums);

G_END_DECLS
