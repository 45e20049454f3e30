/* ns-schedule.h: the working sizes and iteration counts of a run. */
#pragma once

#include "ns-model.h"

#define NS_MAX_STAGES 16

typedef struct
{
  int n_stages;
  int width[NS_MAX_STAGES], height[NS_MAX_STAGES];
  int iterations[NS_MAX_STAGES];   /* 0: a brushwork stage (the last only): no optimisation, the
                                    * previous stage's result brought up to this size */
} NsSchedulePlan;

/* Final size from params->size and the content's aspect ratio; for
 * NS_SCHEDULE_MULTISCALE, stages grow by the recipe's factor from about its
 * minimum size, with fewer iterations at each larger stage, up to the
 * final size or, beyond the recipe's max_stage_size and no larger than the
 * content, up to that size (larger if the final size is more than
 * max_upsample times it) followed by a brushwork stage at the final size
 * (ns-brushwork.h). */
void ns_schedule_plan (const NsRecipe *recipe, const NsParams *params, int content_width,
                       int content_height, NsSchedulePlan *plan);
