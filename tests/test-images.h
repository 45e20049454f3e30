/* test-images.h: the photographs the set-up fetches for the tests. */
#pragma once

#include "neural-style.h"

/* Darknet's dog.jpg and The Scream: the content and style photographs. */
#define TEST_CONTENT_IMAGE "dog.jpg"
#define TEST_STYLE_IMAGE   "scream.jpg"

/* Loads name from $NS_TEST_IMAGES (meson sets it to <build>/test-images,
 * which .ci/setup fills). A missing image fails the test, with the command
 * that fetches it: these tests are not to be skipped. */
NsImage *test_image_load (const char *name);
