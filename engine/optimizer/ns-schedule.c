/* ns-schedule.c: coarse-to-fine planning. */
#include "ns-schedule.h"

#include <math.h>

static void
fit_long_side (int width, int height, int long_side, int *w, int *h)
{
  double scale = (double) long_side / MAX (width, height);
  *w = MAX (1, (int) lround (width * scale));
  *h = MAX (1, (int) lround (height * scale));
}

void
ns_schedule_plan (const NsRecipe *recipe, const NsParams *params, int content_width, int content_height,
                  NsSchedulePlan *plan)
{
  int final_long = params->size > 0 ? params->size : MAX (content_width, content_height);
  gboolean multiscale = params->schedule == NS_SCHEDULE_MULTISCALE;
  /* Above the recipe's max_size, the optimised stages are those of a run
   * at that size, and one more stage brings their result up to the final
   * size with the painting's own brushwork (ns-brushwork.h): the network
   * sees the picture at the scale where its strokes look painted, and the
   * cost grows far slower than the photo's pixels. The brushwork stage's
   * enlargement ... */
  int top = final_long;
  /* A result larger than the content (an upscale) is optimised at its own
   * size, as the user asked for that size of the content. */
  gboolean upscaled = final_long > MAX (content_width, content_height);
  if (multiscale && !upscaled && recipe->max_stage_size > 0 && final_long > recipe->max_stage_size)
    {
      /* ... at most max_upsample times: beyond that the large strokes come
       * out as soft blobs under the brushwork, so larger photos get stages
       * above max_size, in the schedule's steps. */
      top = recipe->max_stage_size;
      while (recipe->max_upsample >= 1 && final_long > recipe->max_upsample * top
             && lround (top * recipe->stage_factor) > top)
        top = (int) lround (top * recipe->stage_factor);
      top = MIN (top, final_long);
    }
  gboolean brushwork_stage = top < final_long;
  int sides[NS_MAX_STAGES];
  int n = 0;
  sides[n++] = top;
  if (multiscale)
    while (n < NS_MAX_STAGES - 1 && sides[n - 1] / recipe->stage_factor >= recipe->min_stage_size)
      {
        sides[n] = (int) lround (sides[n - 1] / recipe->stage_factor);
        n++;
      }
  /* Iterations: a geometric share per stage, the most at the coarsest. */
  int total = MAX (params->iterations, 1);
  n = MIN (n, total);
  double share[NS_MAX_STAGES], sum = 0;
  for (int k = 0; k < n; k++)
    sum += share[k] = pow (recipe->stage_iteration_ratio, k);
  plan->n_stages = n;
  int given = 0;
  for (int k = 0; k < n; k++)
    {
      int side = sides[n - 1 - k];
      fit_long_side (content_width, content_height, side, &plan->width[k], &plan->height[k]);
      plan->iterations[k] = MAX (1, (int) lround (total * share[k] / sum));
      given += plan->iterations[k];
    }
  plan->iterations[0] += total - given;   /* rounding goes to the cheapest stage */
  if (plan->iterations[0] < 1)
    plan->iterations[0] = 1;
  if (brushwork_stage)
    {
      fit_long_side (content_width, content_height, final_long, &plan->width[n], &plan->height[n]);
      plan->iterations[n] = 0;
      plan->n_stages = n + 1;
    }
}
