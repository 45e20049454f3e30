/* ns-painting.c: the public entry points. A painting is a run's optimised
 * stages (ns-stages.h) and its final picture, made whole or a part at a
 * time: for a photo, the brushwork stage (ns-brushwork.h) paints any
 * window of the final size from its own tiles, so the dialog's 100% view
 * costs only what it shows, and gives the pixels ns_stylize_blend() gives
 * there. */
#include "ns-stages.h"
#include "ns-brushwork.h"
#include "ns-finish.h"
#include "ns-memory.h"

#include <string.h>
#include <glib/gi18n-lib.h>

struct _NsPainting
{
  NsStages     stages;
  int          width, height;   /* the final picture's */
  NsImage     *result;          /* the final picture, when its stage was optimised; */
  NsBrushwork *brushwork;       /* else a photo's brushwork stage */
  NsFinish    *finish;          /* and the colours and regions of the final size */
  NsImage     *optimised;       /* ns_painting_follow's follow_on: the last optimised stage's x */
};

void
ns_painting_free (NsPainting *painting)
{
  if (!painting)
    return;
  ns_stages_clear (&painting->stages);
  ns_image_free (painting->result);
  ns_brushwork_free (painting->brushwork);
  ns_finish_free (painting->finish);
  ns_image_free (painting->optimised);
  g_free (painting);
}

NsPainting *
ns_painting_new (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                 const NsParams *params, const NsImage *warm_start, NsProgressFunc progress, gpointer user_data,
                 NsStats *stats, GError **error)
{
  return ns_painting_follow (model, content, styles, n_styles, params, warm_start, NULL, FALSE, progress, user_data,
                             stats, error);
}

NsPainting *
ns_painting_follow (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                    const NsParams *params, const NsImage *warm_start, const NsFollow *follow, gboolean follow_on,
                    NsProgressFunc progress, gpointer user_data, NsStats *stats, GError **error)
{
  g_autoptr (NsPainting) p = g_new0 (NsPainting, 1);
  NsStages *s = &p->stages;
  if (!ns_stages_follow (model, content, styles, n_styles, params, warm_start, follow, follow_on, progress,
                         user_data, stats, s, error))
    return NULL;
  p->optimised = g_steal_pointer (&s->optimised);
  const NsSchedulePlan *plan = &s->plan.schedule;
  int final = plan->n_stages - 1;
  p->width = plan->width[final], p->height = plan->height[final];
  if (plan->iterations[final] > 0)
    {
      p->result = g_steal_pointer (&s->picture);
      return g_steal_pointer (&p);
    }
  p->brushwork = ns_brushwork_new (s->picture, p->width, p->height, s->styles, s->n_styles, s->params.style_scale,
                                   s->params.seed, s->params.threads, error);
  p->finish = p->brushwork ? ns_finish_new (s->params.preserve_colors, content, s->styles, s->n_styles, p->width,
                                            p->height, error)
                           : NULL;
  if (!p->finish)
    return NULL;
  /* The brushwork holds the styles' bands now; the optimised picture and
   * the recoloured styles are not needed any more. */
  ns_stages_clear (s);
  return g_steal_pointer (&p);
}

void
ns_painting_size (const NsPainting *painting, int *width, int *height)
{
  *width = painting->width;
  *height = painting->height;
}

typedef struct
{
  NsPainting    *painting;
  NsProgressFunc progress;
  gpointer       user_data;
} Render;

static gboolean
brushwork_progress (int tiles_done, int tiles, gpointer data)
{
  Render *r = data;
  if (!r->progress)
    return TRUE;
  NsProgress state = r->painting->stages.state;
  state.stage = state.n_stages - 1;
  state.width = r->painting->width, state.height = r->painting->height;
  state.tiles = tiles, state.tiles_done = tiles_done;
  state.seconds = (g_get_monotonic_time () - r->painting->stages.start_time) / 1e6;
  state.current = NULL;
  return r->progress (&state, r->user_data);
}

NsImage *
ns_painting_render (NsPainting *painting, int x, int y, int width, int height, NsProgressFunc progress,
                    gpointer user_data, GError **error)
{
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > painting->width || y + height > painting->height)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the part %dx%d at %d,%d is not inside the %dx%d "
                   "picture"), width, height, x, y, painting->width, painting->height);
      return NULL;
    }
  g_autoptr (NsImage) out = ns_image_new (width, height);
  if (!out)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
      return NULL;
    }
  if (painting->result)
    {
      for (int row = 0; row < height; row++)
        memcpy (out->pixels + (gsize) row * width * 3,
                painting->result->pixels + ((gsize) (y + row) * painting->width + x) * 3,
                (gsize) width * 3 * sizeof (float));
      return g_steal_pointer (&out);
    }
  Render r = { painting, progress, user_data };
  if (!ns_brushwork_paint (painting->brushwork, (NsWindow) { x, y, x + width, y + height }, out, brushwork_progress,
                           &r, error))
    return NULL;
  ns_finish_apply_window (painting->finish, out, x, y);
  return g_steal_pointer (&out);
}

NsImage *
ns_painting_optimised (NsPainting *painting)
{
  return g_steal_pointer (&painting->optimised);
}

NsImage *
ns_painting_picture (NsPainting *painting, NsProgressFunc progress, gpointer user_data, NsStats *stats,
                     GError **error)
{
  NsImage *result = painting->result ? g_steal_pointer (&painting->result)
                                     : ns_painting_render (painting, 0, 0, painting->width, painting->height,
                                                           progress, user_data, error);
  if (result && stats)
    {
      stats->seconds = (g_get_monotonic_time () - painting->stages.start_time) / 1e6;
      stats->peak_rss_mb = ns_peak_rss_mb ();
    }
  return result;
}

NsImage *
ns_stylize_blend (const NsModel *model, const NsImage *content, const NsStyle *styles, int n_styles,
                  const NsParams *params, const NsImage *warm_start, NsProgressFunc progress, gpointer user_data,
                  NsStats *stats, GError **error)
{
  g_autoptr (NsPainting) painting = ns_painting_new (model, content, styles, n_styles, params, warm_start, progress,
                                                     user_data, stats, error);
  return painting ? ns_painting_picture (painting, progress, user_data, stats, error) : NULL;
}

NsImage *
ns_stylize (const NsModel *model, const NsImage *content, const NsImage *style, const NsParams *params,
            const NsImage *warm_start, NsProgressFunc progress, gpointer user_data, NsStats *stats,
            GError **error)
{
  NsStyle one = { .image = style, .blend = 1.0 };
  return ns_stylize_blend (model, content, &one, 1, params, warm_start, progress, user_data, stats, error);
}
