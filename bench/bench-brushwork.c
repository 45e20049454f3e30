/* bench-brushwork: the brushwork stage alone (engine/texture/ns-brushwork.h),
 * from a finished optimised picture (say a --size 512 result of the CLI) to
 * the final size, with its time.
 *
 *   bench-brushwork --sketch S.png --style STYLE --width W --height H
 *                   [--style-scale X] [--seed N] [-j THREADS] [-o OUT.png]
 *
 * Prints {"seconds": ..., "megapixels": ..., "seconds_per_megapixel": ...}. */
#include "ns-brushwork.h"
#include "image-file.h"

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  g_autofree char *sketch_path = NULL, *style_path = NULL, *output = NULL;
  int width = 0, height = 0, threads = 0, seed = 0;
  double style_scale = 1.0;
  GOptionEntry entries[] = {
    { "sketch", 0, 0, G_OPTION_ARG_FILENAME, &sketch_path, "the optimised picture", "FILE" },
    { "style", 's', 0, G_OPTION_ARG_FILENAME, &style_path, "the style image", "FILE" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "final width", "N" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "final height", "N" },
    { "style-scale", 0, 0, G_OPTION_ARG_DOUBLE, &style_scale, "the style's scale", "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "seed", "N" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "threads (0: all)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "write the picture here", "FILE" },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- the brushwork stage alone");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !sketch_path || !style_path || width <= 0
      || height <= 0)
    {
      fprintf (stderr, "bench-brushwork: %s\n", error ? error->message : "--sketch, --style, --width and --height "
               "are needed");
      return 2;
    }
  g_autoptr (NsImage) sketch = image_file_load (sketch_path, &error);
  g_autoptr (NsImage) style = sketch ? image_file_load (style_path, &error) : NULL;
  NsStyle one = { .image = style, .blend = 1.0 };
  gint64 start = g_get_monotonic_time ();
  g_autoptr (NsBrushwork) b = style ? ns_brushwork_new (sketch, width, height, &one, 1, style_scale, (guint32) seed,
                                                        threads, &error) : NULL;
  g_autoptr (NsImage) out = b ? ns_image_new (width, height) : NULL;
  if (!out || !ns_brushwork_paint (b, (NsWindow) { 0, 0, width, height }, out, NULL, NULL, &error))
    {
      fprintf (stderr, "bench-brushwork: %s\n", error ? error->message : "out of memory");
      return 1;
    }
  double seconds = (g_get_monotonic_time () - start) / 1e6, mp = (double) width * height / 1e6;
  g_autofree char *png = NULL;
  gsize png_size = 0;
  if (output && (!image_file_encode_png (out, &png, &png_size, &error)
                 || !g_file_set_contents (output, png, (gssize) png_size, &error)))
    {
      fprintf (stderr, "bench-brushwork: %s\n", error->message);
      return 1;
    }
  printf ("{ \"seconds\": %.3f, \"megapixels\": %.2f, \"seconds_per_megapixel\": %.3f }\n", seconds, mp,
          seconds / mp);
  return 0;
}
