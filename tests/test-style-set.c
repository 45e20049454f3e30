/* test-style-set.c: NsStyleSet owns what it takes (the sanitizer build's
 * leak checker and use-after-free checks see every path), copies deeply,
 * and the one check of a run's styles and blend weights refuses exactly
 * what it should, naming it. */
#include "neural-style.h"

#include <math.h>
#include <string.h>

static NsImage *
filled_image (int width, int height, float value)
{
  NsImage *image = ns_image_new (width, height);
  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    image->pixels[i] = value;
  return image;
}

static NsMask *
filled_mask (int width, int height, float value)
{
  NsMask *mask = ns_mask_new (width, height);
  for (gsize i = 0; i < (gsize) width * height; i++)
    mask->values[i] = value;
  return mask;
}

static void
test_takes_and_frees (void)
{
  g_autoptr (NsStyleSet) set = ns_style_set_new ();
  g_assert_cmpint (ns_style_set_count (set), ==, 0);
  for (int i = 0; i < NS_MAX_STYLES; i++)
    {
      NsStyle style = { filled_image (4, 3, i / 10.0f), i + 1.0, filled_mask (5, 5, 1), NULL };
      g_assert_true (ns_style_set_add (set, &style, NS_STYLE_TAKE_ALL, NULL));
    }
  g_assert_cmpint (ns_style_set_count (set), ==, NS_MAX_STYLES);
  const NsStyle *view = ns_style_set_styles (set);
  g_assert_cmpfloat (view[3].blend, ==, 4.0);
  g_assert_cmpfloat (view[3].image->pixels[0], ==, 0.3f);

  /* One too many: refused, and what it was given is freed (no leak). */
  GError *error = NULL;
  NsStyle extra = { filled_image (2, 2, 0), 1, filled_mask (2, 2, 1), filled_mask (2, 2, 1) };
  g_assert_false (ns_style_set_add (set, &extra, NS_STYLE_TAKE_ALL, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  g_assert_nonnull (strstr (error->message, "give 1 to 8"));
  g_clear_error (&error);
  g_assert_cmpint (ns_style_set_count (set), ==, NS_MAX_STYLES);

  /* No image: refused, its masks freed. */
  g_autoptr (NsStyleSet) other = ns_style_set_new ();
  NsStyle empty = { NULL, 1, filled_mask (2, 2, 1), NULL };
  g_assert_false (ns_style_set_add (other, &empty, NS_STYLE_TAKE_ALL, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_IMAGE);
  g_clear_error (&error);
  g_assert_cmpint (ns_style_set_count (other), ==, 0);
}

/* NS_STYLE_TAKE_IMAGE: the masks stay the caller's and outlive the set. */
static void
test_borrowed_masks (void)
{
  g_autoptr (NsMask) region = filled_mask (3, 3, 0.5f);
  NsStyleSet *set = ns_style_set_new ();
  NsStyle style = { filled_image (3, 3, 0.2f), 1, region, NULL };
  g_assert_true (ns_style_set_add (set, &style, NS_STYLE_TAKE_IMAGE, NULL));
  g_assert_true (ns_style_set_styles (set)[0].region == region);
  ns_style_set_free (set);
  region->values[8] = 1.0f;   /* still the caller's: ASan reports it if the set freed it */
  g_assert_cmpfloat (region->values[0], ==, 0.5f);
}

static void
test_copy (void)
{
  g_autoptr (NsImage) image = filled_image (6, 4, 0.25f);
  g_autoptr (NsMask) area = filled_mask (6, 4, 0.75f);
  NsStyle styles[] = { { image, 2.0, NULL, area }, { image, 0.0, area, NULL } };
  g_autoptr (NsStyleSet) copy = ns_style_set_copy (styles, 2, NULL);
  g_assert_nonnull (copy);
  g_assert_cmpint (ns_style_set_count (copy), ==, 2);
  const NsStyle *view = ns_style_set_styles (copy);
  g_assert_true (view[0].image != image && view[0].area != area && view[1].region != area);
  g_assert_null (view[0].region);
  g_assert_null (view[1].area);
  g_assert_cmpint (view[0].image->width, ==, 6);
  g_assert_cmpfloat (view[0].image->pixels[71], ==, 0.25f);
  g_assert_cmpfloat (view[1].region->values[23], ==, 0.75f);
  g_assert_cmpfloat (view[1].blend, ==, 0.0);

  ns_style_set_set_blend (copy, 1, 3.5);
  g_assert_cmpfloat (ns_style_set_styles (copy)[1].blend, ==, 3.5);
  g_assert_cmpfloat (styles[1].blend, ==, 0.0);   /* the originals are not touched */
}

static void
assert_refused (const double *blends, int n, const char *words)
{
  GError *error = NULL;
  g_assert_false (ns_style_blends_validate (blends, n, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_error_free (error);
}

static void
test_blends (void)
{
  g_assert_true (ns_style_blends_validate ((double[]) { 1, 0 }, 2, NULL));
  g_assert_true (ns_style_blends_validate ((double[]) { 0, 1e-9, 7 }, 3, NULL));
  assert_refused ((double[]) { 0, 0 }, 2, "must not all be 0");
  assert_refused ((double[]) { 1, -0.5 }, 2, "not -0.5");
  assert_refused ((double[]) { NAN, 1 }, 2, "not nan");
  assert_refused ((double[]) { 1, INFINITY }, 2, "not inf");
  assert_refused (NULL, 0, "must not all be 0");
}

static void
test_styles (void)
{
  g_autoptr (NsImage) image = filled_image (4, 4, 0.5f);
  NsImage no_pixels = { 0, 0, NULL };
  NsStyle styles[NS_MAX_STYLES + 1];
  for (int i = 0; i <= NS_MAX_STYLES; i++)
    styles[i] = (NsStyle) { image, 1, NULL, NULL };
  GError *error = NULL;
  g_assert_true (ns_styles_validate (styles, NS_MAX_STYLES, NULL));
  g_assert_false (ns_styles_validate (styles, NS_MAX_STYLES + 1, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  g_clear_error (&error);
  g_assert_false (ns_styles_validate (styles, 0, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_PARAMS);
  g_clear_error (&error);
  styles[1].image = &no_pixels;
  g_assert_false (ns_styles_validate (styles, 2, &error));
  g_assert_error (error, NS_ERROR, NS_ERROR_IMAGE);
  g_clear_error (&error);
  styles[1] = (NsStyle) { image, -1, NULL, NULL };   /* the blends go through the one check */
  g_assert_false (ns_styles_validate (styles, 2, &error));
  g_assert_nonnull (strstr (error->message, "not -1"));
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/style-set/takes-and-frees", test_takes_and_frees);
  g_test_add_func ("/style-set/borrowed-masks", test_borrowed_masks);
  g_test_add_func ("/style-set/copy", test_copy);
  g_test_add_func ("/style-set/blends", test_blends);
  g_test_add_func ("/style-set/styles", test_styles);
  return g_test_run ();
}
