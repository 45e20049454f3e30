/* ns-preview-area.c: GtkDrawingArea showing an NsImage. */
#include "ns-preview-area.h"

#include <math.h>

typedef struct
{
  int              size;      /* long side of the picture on screen */
  GtkWidget       *drawing;
  GtkWidget       *status;
  cairo_surface_t *surface;   /* the last image, 1:1 */
} PreviewArea;

static cairo_surface_t *
surface_from_image (const NsImage *image)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, image->width, image->height);
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < image->height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      const float *src = image->pixels + (gsize) y * image->width * 3;
      for (int x = 0; x < image->width; x++, src += 3)
        {
          guint32 rgb = 0;
          for (int c = 0; c < 3; c++)
            rgb = (rgb << 8) | (guint32) lrintf (CLAMP (src[c], 0.0f, 1.0f) * 255.0f);
          row[x] = rgb;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static gboolean
on_draw (GtkWidget *widget, cairo_t *cr, PreviewArea *area)
{
  int width = gtk_widget_get_allocated_width (widget);
  int height = gtk_widget_get_allocated_height (widget);

  if (area->surface == NULL)
    return FALSE;
  int iw = cairo_image_surface_get_width (area->surface);
  int ih = cairo_image_surface_get_height (area->surface);
  /* Fit and centre. */
  double scale = MIN ((double) width / iw, (double) height / ih);
  cairo_translate (cr, floor ((width - iw * scale) / 2), floor ((height - ih * scale) / 2));
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, area->surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  return TRUE;
}

static void
preview_area_free (PreviewArea *area)
{
  g_clear_pointer (&area->surface, cairo_surface_destroy);
  g_free (area);
}

GtkWidget *
ns_preview_area_new (int size)
{
  PreviewArea *area = g_new0 (PreviewArea, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_frame_new (NULL);

  area->size = size;
  area->drawing = gtk_drawing_area_new ();
  gtk_widget_set_size_request (area->drawing, size, size);
  g_signal_connect (area->drawing, "draw", G_CALLBACK (on_draw), area);
  gtk_container_add (GTK_CONTAINER (frame), area->drawing);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);

  area->status = gtk_label_new (NULL);
  /* A fixed width: the text changes every frame and must not resize the dialog. */
  gtk_label_set_line_wrap (GTK_LABEL (area->status), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (area->status), 30);
  gtk_label_set_max_width_chars (GTK_LABEL (area->status), 30);
  gtk_label_set_justify (GTK_LABEL (area->status), GTK_JUSTIFY_CENTER);
  gtk_style_context_add_class (gtk_widget_get_style_context (area->status), "dim-label");

  gtk_box_pack_start (GTK_BOX (box), frame, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), area->status, FALSE, FALSE, 0);
  g_object_set_data_full (G_OBJECT (box), "ns-preview-area", area, (GDestroyNotify) preview_area_free);
  return box;
}

void
ns_preview_area_set_image (GtkWidget *box, const NsImage *image)
{
  PreviewArea *area = g_object_get_data (G_OBJECT (box), "ns-preview-area");

  g_clear_pointer (&area->surface, cairo_surface_destroy);
  if (image != NULL)
    {
      area->surface = surface_from_image (image);
      /* Hug the picture's shape so no empty band shows around it. */
      double scale = (double) area->size / MAX (image->width, image->height);
      gtk_widget_set_size_request (area->drawing, MAX (1, (int) lround (image->width * scale)),
                                   MAX (1, (int) lround (image->height * scale)));
    }
  gtk_widget_queue_draw (area->drawing);
}

void
ns_preview_area_set_status (GtkWidget *box, const char *text)
{
  PreviewArea *area = g_object_get_data (G_OBJECT (box), "ns-preview-area");
  gtk_label_set_text (GTK_LABEL (area->status), text);
}
