/* ns-painting-cache.h: the preview worker's painting for the 100% view:
 * the optimised stages of the whole picture as OK runs them
 * (ns_painting_new()), kept while only the visible part changes and made
 * anew when the inputs or a parameter that shapes the picture change.
 * Worker thread only; no GTK. */
#pragma once

#include "neural-style.h"

typedef struct _NsPaintingCache NsPaintingCache;

NsPaintingCache *ns_painting_cache_new  (void);
void             ns_painting_cache_free (NsPaintingCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NsPaintingCache, ns_painting_cache_free)

/* Drops the kept painting: before its inputs (the styles' masks) go. */
void             ns_painting_cache_clear (NsPaintingCache *cache);

/* TRUE if a and b make the same picture: every parameter of the table
 * but the memory limit is equal. */
gboolean ns_painting_params_equal (const NsParams *a, const NsParams *b);

/* The painting of content and styles (inputs_serial names them: a new
 * serial is new inputs) with params: the kept one if it is of the same
 * inputs and parameters, else a new one, with progress as
 * ns_painting_new(). NULL with error (NS_ERROR_CANCELLED when progress
 * said stop); nothing is kept then. Owned by the cache. */
NsPainting    *ns_painting_cache_get      (NsPaintingCache *cache,
                                           const NsModel   *model,
                                           const NsImage   *content,
                                           const NsStyle   *styles,
                                           int              n_styles,
                                           const NsParams  *params,
                                           guint            inputs_serial,
                                           NsProgressFunc   progress,
                                           gpointer         user_data,
                                           GError         **error);
/* The content at the kept painting's size (the "before" picture); NULL
 * without a painting or memory. */
const NsImage *ns_painting_cache_original (NsPaintingCache *cache);
