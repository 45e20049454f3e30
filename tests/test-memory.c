/* test-memory.c: a stylisation that runs out of memory ends with
 * NS_ERROR_MEMORY and a message, never an abort (docs/architecture.md,
 * "Memory"). A child process runs a photo-sized job (a 2000x1500 content
 * painted at 1600 px: one optimised stage at 512 px, then the detail
 * stage at full size) with its address space capped (RLIMIT_AS) at what it
 * held before the run plus some headroom, so that the failure falls on a
 * different allocation at each headroom:
 *   - capped from the start, 1 to 384 MB more: the network passes, the
 *     style and content targets, the optimised stage;
 *   - capped from the last iteration on, 1 to 256 MB more: the detail
 *     stage's full-size images (not under AddressSanitizer, see below).
 * Every run either succeeds or reports NS_ERROR_MEMORY, and the tightest
 * cap of each kind fails.
 *
 * Needs the weights (test-model.h) and the photographs (test-images.h). */
#include "test-model.h"
#include "test-images.h"

#include <malloc.h>
#include <unistd.h>
#include <sys/resource.h>

#define MB ((rlim_t) 1 << 20)

/* Under AddressSanitizer (.ci/sanitize), a malloc that fails must return
 * NULL as glibc's does, not end the process with a report; and small blocks
 * are reused at once, as glibc reuses them, not held in quarantine: ASan
 * dies when it cannot map more room for them. */
G_GNUC_UNUSED const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "allocator_may_return_null=1:quarantine_size_mb=0";
}

static NsModel *model;
static NsImage *content, *style;
static char *skip_reason;

/* Bytes of address space the process holds now (/proc/self/statm). */
static rlim_t
address_space (void)
{
  g_autofree char *statm = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, &error))
    g_error ("%s", error->message);
  return (rlim_t) g_ascii_strtoull (statm, NULL, 10) * (rlim_t) sysconf (_SC_PAGESIZE);
}

/* Caps the address space at bytes (0: no cap). */
static void
cap_address_space (rlim_t bytes)
{
  struct rlimit limit;
  g_assert_cmpint (getrlimit (RLIMIT_AS, &limit), ==, 0);
  limit.rlim_cur = bytes ? MIN (bytes, limit.rlim_max) : limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
}

/* The progress callback of a run capped from its last iteration on (at
 * less than the run holds then: what it allocates after its last
 * optimised stage must fit in what that stage frees plus the headroom). */
static gboolean
cap_at_last_iteration (const NsProgress *progress, gpointer cap)
{
  if (progress->iteration == progress->iterations)
    cap_address_space (*(rlim_t *) cap);
  return TRUE;
}

/* The job with headroom MB more than the process holds, from the start or
 * from the last iteration on (headroom 0: no cap); TRUE if it succeeded,
 * FALSE if it ran out of memory (any other end fails the test). */
static gboolean
run_capped (const NsImage *photo, int size, rlim_t headroom, gboolean from_last_iteration)
{
  NsParams params;
  ns_params_init (&params);
  params.size = size;
  params.iterations = 1;   /* one stage at 512 px, then the brushwork stage */
  params.threads = 2;
  params.memory_limit_mb = 0;   /* no refusal from the plan: the allocations themselves must fail */
  g_autoptr (GError) error = NULL;
  rlim_t cap = headroom ? address_space () + headroom * MB : 0;
  if (!from_last_iteration)
    cap_address_space (cap);
  g_autoptr (NsImage) result = ns_stylize (model, photo, style, &params, NULL,
                                           from_last_iteration ? cap_at_last_iteration : NULL, &cap, NULL, &error);
  cap_address_space (0);
  const char *when = from_last_iteration ? "from the last iteration" : "from the start";
  if (result)
    {
      g_assert_no_error (error);
      g_print ("%4u MB more %s: a %dx%d result\n", (unsigned) headroom, when, result->width, result->height);
      return TRUE;
    }
  g_assert_error (error, NS_ERROR, NS_ERROR_MEMORY);
  g_print ("%4u MB more %s: %s\n", (unsigned) headroom, when, error->message);
  return FALSE;
}

static void
test_address_space_limit (void)
{
  if (skip_reason)
    {
      g_test_skip (skip_reason);
      return;
    }
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 900 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);   /* not a hang */
      g_test_trap_assert_passed ();
      g_test_trap_assert_stdout ("*1 MB more from the start: not enough memory*");
#ifndef __SANITIZE_ADDRESS__
      g_test_trap_assert_stdout ("*1 MB more from the last iteration: not enough memory*");
#endif
      return;
    }
  /* Every buffer of a megabyte or more mapped and unmapped on its own, so
   * that what a run frees no longer counts and what it allocates does
   * (glibc would otherwise serve such buffers from the free memory it keeps). */
  mallopt (M_MMAP_THRESHOLD, 1 << 20);
  mallopt (M_TRIM_THRESHOLD, 1 << 20);
  g_autoptr (NsImage) photo = ns_image_resize (content, 2000, 1500);
  /* A whole run first: OpenBLAS' buffers, the helper threads and the small
   * blocks every run needs exist before any cap. */
  g_assert_true (run_capped (photo, 1600, 0, FALSE));
  g_assert_false (run_capped (photo, 1600, 1, FALSE));
  for (rlim_t headroom = 96; headroom <= 384; headroom += 96)
    run_capped (photo, 1600, headroom, FALSE);
#ifdef __SANITIZE_ADDRESS__
  /* A cap below what the process holds (the optimised stage's memory, not
   * yet freed) leaves AddressSanitizer itself no room for its shadow
   * bookkeeping, and it dies: these caps are for the plain build. */
  g_print ("the caps from the last iteration on are not run under AddressSanitizer\n");
#else
  g_assert_false (run_capped (photo, 1600, 1, TRUE));
  for (rlim_t headroom = 16; headroom <= 256; headroom *= 4)
    run_capped (photo, 1600, headroom, TRUE);
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  model = test_model_load (&skip_reason);
  if (model)
    {
      content = test_image_load (TEST_CONTENT_IMAGE);
      style = test_image_load (TEST_STYLE_IMAGE);
    }
  g_test_add_func ("/memory/address-space-limit", test_address_space_limit);
  int status = g_test_run ();
  ns_image_free (content);
  ns_image_free (style);
  ns_model_free (model);
  g_free (skip_reason);
  return status;
}
