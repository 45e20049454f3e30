/* ns-patch-match.c: PatchMatch between two feature maps (ns-patch-match.h). */
#include "ns-patch-match.h"
#include "ns-filter.h"

#include <float.h>

/* A neighbour's match shifted by one is taken even if this much worse, a
 * random one only if this much better (relative, and by COHERENCE_RMS per
 * feature value): coherent matches copy whole strokes where many patches
 * are about as good (flat areas), instead of every patch finding the same
 * best one and the picture repeating it. */
#define COHERENCE     1.15f
#define COHERENCE_RMS 0.01f
#include <string.h>

typedef struct
{
  const NsFeatureMap *source;
  const guint8       *valid;
  int                 patch, radius;
  float              *target;        /* the target padded by radius on each side, reflected */
  int                 tw;            /* padded target width */
  gsize               row;           /* floats per patch row */
  float               margin;        /* the coherence margin of a whole patch's distance */
  guint64             random;        /* xorshift state */
  int                 lo_x, hi_x, lo_y, hi_y;   /* inclusive range of usable source centres */
} Search;

static guint32
next_random (Search *s)
{
  /* xorshift64*: fast, and the same sequence for a seed on every machine. */
  s->random ^= s->random >> 12;
  s->random ^= s->random << 25;
  s->random ^= s->random >> 27;
  return (guint32) ((s->random * G_GUINT64_CONSTANT (2685821657736338717)) >> 32);
}

static int
uniform (Search *s, int lo, int hi)
{
  return lo + (int) (next_random (s) % (guint32) (hi - lo + 1));
}

/* Sum of squared differences between the target patch at (x, y) and the
 * source patch centred on m, given up once it exceeds limit. */
static float
distance (const Search *s, int x, int y, NsMatch m, float limit)
{
  const NsFeatureMap *src = s->source;
  int c = src->channels;
  float sum = 0;
  for (int dy = 0; dy < s->patch; dy++)
    {
      const float *a = s->target + ((gsize) (y + dy) * s->tw + x) * c;
      const float *b = src->values + ((gsize) (m.y - s->radius + dy) * src->width + m.x - s->radius) * c;
      for (gsize k = 0; k < s->row; k++)
        {
          float d = a[k] - b[k];
          sum += d * d;
        }
      if (sum > limit)
        return sum;
    }
  return sum;
}

static gboolean
usable (const Search *s, NsMatch m)
{
  return m.x >= s->lo_x && m.x <= s->hi_x && m.y >= s->lo_y && m.y <= s->hi_y
         && (!s->valid || s->valid[(gsize) m.y * s->source->width + m.x]);
}

/* Tries m: taken if its distance is below the best's times slack plus
 * margin. */
static void
try_match (const Search *s, int x, int y, NsMatch m, float slack, float margin, NsMatch *best,
           float *best_distance)
{
  if (!usable (s, m) || (m.x == best->x && m.y == best->y))
    return;
  float limit = *best_distance * slack + margin;
  float d = distance (s, x, y, m, limit);
  if (d < limit)
    *best = m, *best_distance = d;
}

/* A usable source centre at random (tries the valid ones by rejection). */
static gboolean
random_match (Search *s, NsMatch *m)
{
  for (int attempt = 0; attempt < 1000; attempt++)
    {
      *m = (NsMatch) { uniform (s, s->lo_x, s->hi_x), uniform (s, s->lo_y, s->hi_y) };
      if (usable (s, *m))
        return TRUE;
    }
  return FALSE;
}

static float *
pad_target (const NsFeatureMap *t, int r)
{
  int tw = t->width + 2 * r, th = t->height + 2 * r, c = t->channels;
  float *out = g_try_malloc_n ((gsize) tw * th * c, sizeof (float));
  if (!out)
    return NULL;
  for (int y = 0; y < th; y++)
    for (int x = 0; x < tw; x++)
      memcpy (out + ((gsize) y * tw + x) * c,
              t->values + ((gsize) ns_reflect (y - r, t->height) * t->width + ns_reflect (x - r, t->width)) * c,
              c * sizeof (float));
  return out;
}

/* One propagation and random search pass in scan order (dir 1: from the
 * top left, comparing the left and upper neighbours' matches; -1: from the
 * bottom right). */
static void
sweep (Search *s, int w, int h, int dir, NsMatch *field, float *dist)
{
  int radius0 = MAX (s->hi_x - s->lo_x, s->hi_y - s->lo_y) + 1;
  for (int i = 0; i < w * h; i++)
    {
      int p = dir > 0 ? i : w * h - 1 - i;
      int x = p % w, y = p / w;
      NsMatch best = field[p];
      float bd = dist[p];
      if (x - dir >= 0 && x - dir < w)
        {
          NsMatch n = field[p - dir];
          try_match (s, x, y, (NsMatch) { n.x + dir, n.y }, COHERENCE, s->margin, &best, &bd);
        }
      if (y - dir >= 0 && y - dir < h)
        {
          NsMatch n = field[p - dir * w];
          try_match (s, x, y, (NsMatch) { n.x, n.y + dir }, COHERENCE, s->margin, &best, &bd);
        }
      for (int r = radius0; r >= 1; r /= 2)
        {
          NsMatch m = { CLAMP (best.x + uniform (s, -r, r), s->lo_x, s->hi_x),
                        CLAMP (best.y + uniform (s, -r, r), s->lo_y, s->hi_y) };
          try_match (s, x, y, m, 1.0f / COHERENCE, -s->margin, &best, &bd);
        }
      field[p] = best, dist[p] = bd;
    }
}

gboolean
ns_patch_match (const NsFeatureMap *target, const NsFeatureMap *source, const guint8 *valid, int patch,
                int iterations, guint32 seed, NsMatch *field)
{
  g_return_val_if_fail (target->channels == source->channels && patch % 2 == 1, FALSE);
  int r = patch / 2, w = target->width, h = target->height;
  Search s = {
    .source = source, .valid = valid, .patch = patch, .radius = r, .tw = w + 2 * r,
    .row = (gsize) patch * source->channels,
    .margin = COHERENCE_RMS * COHERENCE_RMS * patch * patch * source->channels,
    .random = ((guint64) seed << 32 | 0x9E3779B9u) ^ G_GUINT64_CONSTANT (0xD1B54A32D192ED03),
    .lo_x = r, .hi_x = source->width - 1 - r, .lo_y = r, .hi_y = source->height - 1 - r,
  };
  if (s.hi_x < s.lo_x || s.hi_y < s.lo_y)
    return FALSE;
  s.target = pad_target (target, r);
  float *dist = g_try_malloc_n ((gsize) w * h, sizeof (float));
  gboolean ok = s.target && dist;
  for (int p = 0; p < w * h && ok; p++)
    if ((ok = random_match (&s, &field[p])))
      dist[p] = distance (&s, p % w, p / w, field[p], FLT_MAX);
  for (int it = 0; it < iterations && ok; it++)
    sweep (&s, w, h, it % 2 ? -1 : 1, field, dist);
  g_free (s.target);
  g_free (dist);
  return ok;
}
