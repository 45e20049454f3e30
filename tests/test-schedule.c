/* test-schedule.c: the coarse-to-fine plan and the brushwork stage.
 *   - a photo larger than the recipe's max_size is optimised at the stages
 *     of a run at that size (same sizes, same iterations), then brought up
 *     to its own size by one brushwork stage with no iterations; photos more
 *     than max_upsample times larger get larger optimised stages;
 *   - results up to that size, and single-scale runs, keep their plans;
 *   - ns_upsample_change() keeps the content's detail at full size and the
 *     coarse result's change, against a hand computation.
 *   - the shipped ResNet-50 recipe with the defaults: five stages of equal
 *     iterations from 128 px (docs/performance.md, "Equal iterations per
 *     stage"), the same at 512 px and for a 1920x1080 photo.
 * No weights needed: the schedule reads only the recipe. */
#include "ns-schedule.h"
#include "ns-upsample.h"

#include <math.h>
#include <stdlib.h>

static NsRecipe
photo_recipe (void)
{
  return (NsRecipe) { .name = "test", .min_stage_size = 160, .stage_factor = sqrt (2.0),
                      .stage_iteration_ratio = 0.6, .max_stage_size = 512, .max_upsample = 6 };
}

static void
plan_for (const NsRecipe *recipe, int size, NsSchedule schedule, int iterations, int width, int height,
          NsSchedulePlan *plan)
{
  NsParams params;
  ns_params_init (&params);
  params.size = size;
  params.schedule = schedule;
  if (iterations > 0)   /* else the default */
    params.iterations = iterations;
  ns_schedule_plan (recipe, &params, width, height, plan);
}

/* 512 px: four stages 181, 256, 362, 512 (each sqrt 2 apart, from about
 * 160), all optimised, 300 iterations in shares 1 : 0.6 : 0.36 : 0.216. */
static void
test_512 (void)
{
  NsRecipe recipe = photo_recipe ();
  NsSchedulePlan plan;
  plan_for (&recipe, 512, NS_SCHEDULE_MULTISCALE, 300, 1024, 768, &plan);
  static const int widths[] = { 181, 256, 362, 512 }, heights[] = { 136, 192, 272, 384 };
  g_assert_cmpint (plan.n_stages, ==, 4);
  int total = 0;
  for (int k = 0; k < 4; k++)
    {
      g_assert_cmpint (plan.width[k], ==, widths[k]);
      g_assert_cmpint (plan.height[k], ==, heights[k]);
      g_assert_cmpint (plan.iterations[k], >, 0);
      total += plan.iterations[k];
    }
  g_assert_cmpint (total, ==, 300);
  double sum = 1 + 0.6 + 0.36 + 0.216;
  g_assert_cmpint (plan.iterations[3], ==, (int) lround (300 * 0.216 / sum));
  g_assert_cmpint (plan.iterations[1], ==, (int) lround (300 * 0.6 / sum));
}

/* A 1920x1080 photo at its own size: the 512 px run's stages and
 * iterations, then one brushwork stage at 1920x1080 (3.75x). */
static void
test_photo (void)
{
  NsRecipe recipe = photo_recipe ();
  NsSchedulePlan small, photo;
  plan_for (&recipe, 512, NS_SCHEDULE_MULTISCALE, 300, 1920, 1080, &small);
  plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 300, 1920, 1080, &photo);
  g_assert_cmpint (photo.n_stages, ==, small.n_stages + 1);
  for (int k = 0; k < small.n_stages; k++)
    {
      g_assert_cmpint (photo.width[k], ==, small.width[k]);
      g_assert_cmpint (photo.height[k], ==, small.height[k]);
      g_assert_cmpint (photo.iterations[k], ==, small.iterations[k]);
    }
  int last = photo.n_stages - 1;
  g_assert_cmpint (photo.width[last], ==, 1920);
  g_assert_cmpint (photo.height[last], ==, 1080);
  g_assert_cmpint (photo.iterations[last], ==, 0);
  g_assert_cmpint (photo.width[last - 1], ==, 512);
  g_assert_cmpint (photo.height[last - 1], ==, 288);

  /* An explicit size above the limit too, and a portrait photo. */
  NsSchedulePlan sized, portrait;
  plan_for (&recipe, 1000, NS_SCHEDULE_MULTISCALE, 50, 1920, 1080, &sized);
  g_assert_cmpint (sized.width[sized.n_stages - 1], ==, 1000);
  g_assert_cmpint (sized.height[sized.n_stages - 1], ==, 563);
  g_assert_cmpint (sized.iterations[sized.n_stages - 1], ==, 0);
  g_assert_cmpint (sized.width[sized.n_stages - 2], ==, 512);
  plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 300, 1080, 1920, &portrait);
  g_assert_cmpint (portrait.height[portrait.n_stages - 2], ==, 512);
  g_assert_cmpint (portrait.width[portrait.n_stages - 2], ==, 288);
}

/* Larger photos: the optimised stages go up in the schedule's steps (512,
 * 724, 1024, ...) until the brushwork stage magnifies at most max_upsample
 * (6) times: 4000 px from 724 (5.5x, not 7.8x from 512), 6000 px from
 * 1024 (5.9x); below the top, the 512 px run's sizes. */
static void
test_large_photo (void)
{
  NsRecipe recipe = photo_recipe ();
  static const int longs[] = { 3072, 3073, 4000, 6000 }, tops[] = { 512, 724, 724, 1024 };
  for (int i = 0; i < 4; i++)
    {
      NsSchedulePlan plan;
      plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 300, longs[i], longs[i] * 3 / 4, &plan);
      int last = plan.n_stages - 1;
      g_assert_cmpint (plan.width[last], ==, longs[i]);
      g_assert_cmpint (plan.iterations[last], ==, 0);
      g_assert_cmpint (plan.width[last - 1], ==, tops[i]);
      g_assert_cmpfloat ((double) longs[i] / plan.width[last - 1], <=, 6.0);
      g_assert_cmpint (plan.width[0], ==, 181);
      int total = 0;
      for (int k = 0; k < last; k++)
        {
          g_assert_cmpint (plan.iterations[k], >, 0);
          total += plan.iterations[k];
          if (k > 0)   /* sqrt 2 apart */
            g_assert_cmpint (abs (plan.width[k] - (int) lround (plan.width[k - 1] * sqrt (2.0))), <=, 1);
        }
      g_assert_cmpint (total, ==, 300);
    }
  /* Without the limit, 4000 px is brought up from 512. */
  recipe.max_upsample = 0;
  NsSchedulePlan plan;
  plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 300, 4000, 3000, &plan);
  g_assert_cmpint (plan.width[plan.n_stages - 2], ==, 512);
}

/* Up to the limit, above the content's size, without a limit, and
 * single-scale: no brushwork stage. */
static void
test_no_detail_stage (void)
{
  NsRecipe recipe = photo_recipe ();
  NsSchedulePlan plan;
  plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 300, 512, 300, &plan);
  g_assert_cmpint (plan.width[plan.n_stages - 1], ==, 512);
  g_assert_cmpint (plan.iterations[plan.n_stages - 1], >, 0);
  plan_for (&recipe, 0, NS_SCHEDULE_SINGLE, 10, 1920, 1080, &plan);
  g_assert_cmpint (plan.n_stages, ==, 1);
  g_assert_cmpint (plan.width[0], ==, 1920);
  g_assert_cmpint (plan.iterations[0], ==, 10);
  /* Larger than the content: optimised at the final size. */
  plan_for (&recipe, 2048, NS_SCHEDULE_MULTISCALE, 300, 1024, 768, &plan);
  g_assert_cmpint (plan.width[plan.n_stages - 1], ==, 2048);
  g_assert_cmpint (plan.iterations[plan.n_stages - 1], >, 0);
  recipe.max_stage_size = 0;
  plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 300, 1920, 1080, &plan);
  g_assert_cmpint (plan.width[plan.n_stages - 1], ==, 1920);
  g_assert_cmpint (plan.iterations[plan.n_stages - 1], >, 0);
  for (int k = 0; k < plan.n_stages; k++)
    g_assert_cmpint (plan.iterations[k], >, 0);
}

/* Fewer iterations than stages: the coarsest stages go, the brushwork stage
 * stays and the optimised ones get one each. */
static void
test_few_iterations (void)
{
  NsRecipe recipe = photo_recipe ();
  NsSchedulePlan plan;
  plan_for (&recipe, 0, NS_SCHEDULE_MULTISCALE, 2, 2000, 1500, &plan);
  g_assert_cmpint (plan.n_stages, ==, 3);
  g_assert_cmpint (plan.width[0], ==, 362);
  g_assert_cmpint (plan.width[1], ==, 512);
  g_assert_cmpint (plan.iterations[0], ==, 1);
  g_assert_cmpint (plan.iterations[1], ==, 1);
  g_assert_cmpint (plan.iterations[2], ==, 0);
  g_assert_cmpint (plan.width[2], ==, 2000);
}

/* The defaults as shipped: 150 iterations, 30 at each of 128, 181, 256,
 * 362 and 512 px; a 1920x1080 photo gets the same and its brushwork stage. */
static void
test_shipped_defaults (void)
{
  const char *resnet_layers[] = { "conv1", "res2a_branch2a", "activation", "activation_9", "activation_21",
                                  "activation_39", NULL };
  GError *error = NULL;
  NsRecipe *recipe = ns_recipe_for_layers (resnet_layers, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (recipe->name, ==, "resnet50");
  static const int widths[] = { 128, 181, 256, 362, 512 };
  NsSchedulePlan plan, photo;
  plan_for (recipe, 512, NS_SCHEDULE_MULTISCALE, 0, 1024, 768, &plan);
  plan_for (recipe, 0, NS_SCHEDULE_MULTISCALE, 0, 1920, 1080, &photo);
  g_assert_cmpint (plan.n_stages, ==, 5);
  g_assert_cmpint (photo.n_stages, ==, 6);
  for (int k = 0; k < 5; k++)
    {
      g_assert_cmpint (plan.width[k], ==, widths[k]);
      g_assert_cmpint (plan.iterations[k], ==, 30);
      g_assert_cmpint (photo.width[k], ==, widths[k]);
      g_assert_cmpint (photo.iterations[k], ==, 30);
    }
  g_assert_cmpint (photo.width[5], ==, 1920);
  g_assert_cmpint (photo.iterations[5], ==, 0);
  ns_recipe_free (recipe);
}

/* content: a fine checkerboard (detail only the full size holds) on a
 * ramp; coarse: the content at 8x8 with +0.1 on red. The result is the
 * content plus 0.1 on red everywhere (a constant change upsamples to
 * itself), the checkerboard kept. */
static void
test_upsample_change (void)
{
  int w = 64, h = 48, cw = 8, ch = 6;
  g_autoptr (NsImage) content = ns_image_new (w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        content->pixels[((gsize) y * w + x) * 3 + c] = 0.3f + 0.3f * x / w + (((x + y) & 1) ? 0.1f : -0.1f);
  g_autoptr (NsImage) small = ns_image_resize (content, cw, ch);
  g_autofree double *coarse = g_new (double, cw * ch * 3);
  for (int i = 0; i < cw * ch * 3; i++)
    coarse[i] = small->pixels[i] + (i % 3 == 0 ? 0.1 : 0.0);
  g_autoptr (NsImage) up = ns_upsample_change (content, coarse, cw, ch, w, h);
  g_assert_nonnull (up);
  g_assert_cmpint (up->width, ==, w);
  g_assert_cmpint (up->height, ==, h);
  double worst = 0;
  for (int i = 0; i < w * h * 3; i++)
    worst = MAX (worst, fabs (up->pixels[i] - (content->pixels[i] + (i % 3 == 0 ? 0.1 : 0.0))));
  g_test_message ("largest difference from content + change: %.3g", worst);
  g_assert_cmpfloat (worst, <, 1e-5);

  /* To another size: the content resized, plus the change. */
  g_autoptr (NsImage) half = ns_upsample_change (content, coarse, cw, ch, 32, 24);
  g_autoptr (NsImage) content_half = ns_image_resize (content, 32, 24);
  worst = 0;
  for (int i = 0; i < 32 * 24 * 3; i++)
    worst = MAX (worst, fabs (half->pixels[i] - (content_half->pixels[i] + (i % 3 == 0 ? 0.1 : 0.0))));
  g_assert_cmpfloat (worst, <, 1e-5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/schedule/512", test_512);
  g_test_add_func ("/schedule/photo", test_photo);
  g_test_add_func ("/schedule/large-photo", test_large_photo);
  g_test_add_func ("/schedule/no-detail-stage", test_no_detail_stage);
  g_test_add_func ("/schedule/few-iterations", test_few_iterations);
  g_test_add_func ("/schedule/upsample-change", test_upsample_change);
  g_test_add_func ("/schedule/shipped-defaults", test_shipped_defaults);
  return g_test_run ();
}
