/* ns-frames.c: a sequence of frames, each steady against the one before
 * (neural-style.h, "animation"; Ruder et al. 2016).
 *
 * Frame t's content and frame t-1's are compared at the working size of the
 * last optimised stage: the flow from t to t-1 carries t-1's optimised
 * picture onto t (its start and the temporal term's target), and the flow
 * back gives the mask of where that can be trusted (ns-flow.h). Frame t
 * then runs that one stage for a share of the iterations the first frame
 * gave it (NS_FRAMES_FOLLOW_SHARE: bench-frames --follow-share measures
 * what more or fewer give). A photo's final size gets its brushwork anew in every
 * frame (ns-brushwork.h); its fine band is then carried from the frame
 * before where the mask trusts the motion (ns-carry.h), so that the
 * texture sticks to what moves instead of boiling. Held between frames:
 * the last frame's content at that size, its optimised picture and, for a
 * photo, its fine band at the final size; nothing more. */
#include "ns-frames.h"
#include "ns-stages.h"
#include "ns-schedule.h"
#include "ns-flow.h"
#include "ns-carry.h"

#include <math.h>
#include <glib/gi18n-lib.h>

/* The temporal term's absolute weight at temporal_weight 1: the objective's
 * terms are of the order of 1 to 10 (the recipe's balance); a mean squared
 * difference of 0.01 per channel then weighs as much as about a tenth of
 * them. */
#define TEMPORAL_SCALE 100.0

struct _NsFrames
{
  const NsModel *model;
  NsStyleSet    *styles;
  NsParams       params;
  int            index;          /* frames done */
  int            width, height;  /* the first frame's content */
  int            iterations;     /* of the first frame's last optimised stage */
  double         follow_share;   /* a later frame's share of them */
  NsImage       *content;        /* the last frame's, at the size of */
  NsImage       *optimised;      /* its last optimised stage's picture */
  NsImage       *band;           /* a photo's: its final picture's fine band (ns-carry.h) */
};

NsFrames *
ns_frames_new (const NsModel *model, const NsStyle *styles, int n_styles, const NsParams *params, GError **error)
{
  if (!ns_params_validate (params, error) || !ns_styles_validate (styles, n_styles, error))
    return NULL;
  NsStyleSet *set = ns_style_set_copy (styles, n_styles, error);
  if (!set)
    return NULL;
  NsFrames *frames = g_new0 (NsFrames, 1);
  *frames = (NsFrames) { .model = model, .styles = set, .params = *params, .follow_share = NS_FRAMES_FOLLOW_SHARE };
  return frames;
}

void
ns_frames_set_follow_share (NsFrames *frames, double share)
{
  frames->follow_share = CLAMP (share, 1e-6, 1.0);
}

void
ns_frames_free (NsFrames *frames)
{
  if (!frames)
    return;
  ns_style_set_free (frames->styles);
  ns_image_free (frames->content);
  ns_image_free (frames->optimised);
  ns_image_free (frames->band);
  g_free (frames);
}

/* The motion from content (at its size) to the last frame's content, and
 * where it can be trusted. */
static gboolean
motion (const NsFrames *frames, const NsImage *content, NsFlow **back, NsMask **mask, GError **error)
{
  *back = ns_flow_estimate (content, frames->content);
  g_autoptr (NsFlow) forth = *back ? ns_flow_estimate (frames->content, content) : NULL;
  *mask = forth ? ns_flow_consistency (*back, forth) : NULL;
  if (*mask)
    return TRUE;
  g_clear_pointer (back, ns_flow_free);
  g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), content->width,
               content->height);
  return FALSE;
}

/* Frame t > 0, following the last along back, trusted where mask says.
 * It starts from the carried picture, but from its content (small: at the
 * working size) where the motion comes from outside the frame before: what
 * enters at an edge. The carried picture would be the edge smeared there,
 * which the few iterations of a later frame leave streaky. (Starting from
 * the content wherever the mask distrusts the motion was measured too: on
 * a zoom the spots of a noisy flow then restart from the photo and flicker,
 * 0.33x instead of 0.26x the independent frames' change.) */
static NsPainting *
follow_frame (NsFrames *frames, const NsImage *content, const NsImage *small, const NsFlow *back,
              const NsMask *mask, NsProgressFunc progress, gpointer user_data, NsStats *stats, GError **error)
{
  g_autoptr (NsImage) carried = ns_flow_warp (frames->optimised, back);
  g_autoptr (NsImage) start = carried ? ns_image_copy (carried) : NULL;
  if (!start)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), back->width,
                   back->height);
      return NULL;
    }
  int w = start->width, h = start->height;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize p = (gsize) y * w + x;
        float qx = x + back->u[p], qy = y + back->v[p];
        if (qx < -0.5f || qy < -0.5f || qx > w - 0.5f || qy > h - 0.5f)
          for (int c = 0; c < 3; c++)
            start->pixels[p * 3 + c] = small->pixels[p * 3 + c];
      }
  NsFollow follow = { start, carried, mask, TEMPORAL_SCALE * frames->params.temporal_weight,
                      MAX (1, (int) ceil (frames->follow_share * frames->iterations)) };
  return ns_painting_follow (frames->model, content, ns_style_set_styles (frames->styles),
                             ns_style_set_count (frames->styles), &frames->params, NULL, &follow, TRUE, progress,
                             user_data, stats, error);
}

/* Iterations of the last optimised stage of a run on content. */
static int
last_stage_iterations (const NsFrames *frames, const NsImage *content)
{
  NsSchedulePlan plan;
  ns_schedule_plan (frames->model->recipe, &frames->params, content->width, content->height, &plan);
  int last = plan.iterations[plan.n_stages - 1] > 0 ? plan.n_stages - 1 : plan.n_stages - 2;
  return plan.iterations[last];
}

static gboolean
no_memory (int width, int height, GError **error)
{
  g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
  return FALSE;
}

/* A photo's final picture (larger than the optimised one), its fine band
 * carried from the last frame's (none for the first: back NULL); the band
 * it has now becomes frames->band. */
static gboolean
carry_band (NsFrames *frames, NsImage *result, const NsImage *optimised, const NsFlow *back, const NsMask *mask,
            GError **error)
{
  if (result->width <= optimised->width)
    return TRUE;   /* no brushwork stage */
  /* as the brushwork's base is blurred: 0.7 times the enlargement */
  double sigma = CLAMP (0.7 * result->width / optimised->width, 1.0, 5.0);
  NsImage *band = NULL;
  if (!ns_carry_texture (result, back ? frames->band : NULL, back, mask, sigma, &band))
    return no_memory (result->width, result->height, error);
  ns_image_free (frames->band);
  frames->band = band;
  return TRUE;
}

/* A frame with the temporal term: the first as a whole run, the others
 * following the last; frames->content and optimised become this frame's. */
static NsImage *
steady_frame (NsFrames *frames, const NsImage *content, NsProgressFunc progress, gpointer user_data,
              NsStats *stats, GError **error)
{
  const NsStyle *styles = ns_style_set_styles (frames->styles);
  int n_styles = ns_style_set_count (frames->styles);
  g_autoptr (NsImage) small = NULL;
  g_autoptr (NsPainting) painting = NULL;
  g_autoptr (NsFlow) back = NULL;
  g_autoptr (NsMask) mask = NULL;
  if (frames->index == 0)
    painting = ns_painting_follow (frames->model, content, styles, n_styles, &frames->params, NULL, NULL, TRUE,
                                   progress, user_data, stats, error);
  else if (!(small = ns_image_resize (content, frames->optimised->width, frames->optimised->height)))
    no_memory (frames->optimised->width, frames->optimised->height, error);
  else if (motion (frames, small, &back, &mask, error))
    painting = follow_frame (frames, content, small, back, mask, progress, user_data, stats, error);
  g_autoptr (NsImage) result = painting ? ns_painting_picture (painting, progress, user_data, stats, error) : NULL;
  g_autoptr (NsImage) optimised = result ? ns_painting_optimised (painting) : NULL;
  if (optimised && !small && !(small = ns_image_resize (content, optimised->width, optimised->height)))
    no_memory (optimised->width, optimised->height, error);
  if (!small || !optimised || !carry_band (frames, result, optimised, back, mask, error))
    return NULL;
  ns_image_free (frames->content);
  ns_image_free (frames->optimised);
  frames->content = g_steal_pointer (&small);
  frames->optimised = g_steal_pointer (&optimised);
  return g_steal_pointer (&result);
}

NsImage *
ns_frames_next (NsFrames *frames, const NsImage *content, NsProgressFunc progress, gpointer user_data,
                NsStats *stats, GError **error)
{
  if (!content || content->width <= 0 || content->height <= 0 || !content->pixels)
    {
      g_set_error_literal (error, NS_ERROR, NS_ERROR_IMAGE, _("the content image is empty"));
      return NULL;
    }
  if (frames->index > 0 && (content->width != frames->width || content->height != frames->height))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_IMAGE, _("frame %d is %dx%d, not %dx%d as the first frame"),
                   frames->index + 1, content->width, content->height, frames->width, frames->height);
      return NULL;
    }
  if (frames->index == 0)
    frames->iterations = last_stage_iterations (frames, content);
  NsImage *result = frames->params.temporal_weight > 0
                      ? steady_frame (frames, content, progress, user_data, stats, error)
                      : ns_stylize_blend (frames->model, content, ns_style_set_styles (frames->styles),
                                          ns_style_set_count (frames->styles), &frames->params, NULL, progress,
                                          user_data, stats, error);
  if (result && frames->index++ == 0)
    frames->width = content->width, frames->height = content->height;
  return result;
}
