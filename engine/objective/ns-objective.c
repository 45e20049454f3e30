/* ns-objective.c: content, style and smoothness losses of an image and their
 * gradient with respect to its pixels, through the network.
 *
 * The image is evaluated tile by tile (one tile, the whole image, unless a
 * tile size is given). Gram matrices are sums over feature positions, so a
 * first sweep accumulates them over each tile's core positions; the style
 * loss and d loss / d Gram then come from the full Gram; a second sweep runs
 * each tile again, injects the gradient at its core positions only, and adds
 * the gradient of its whole window into the image's (docs/tiling.md). */
#include "ns-objective.h"
#include "ns-losses.h"
#include "ns-parallel.h"

#include <string.h>

static int
n_layers (const NsObjective *o)
{
  return o->model->recipe->n_style + o->model->recipe->n_content;
}

/* Layer l: style layers first, then content layers. */
static int
layer_node (const NsObjective *o, int l)
{
  int n_style = o->model->recipe->n_style;
  return l < n_style ? o->model->style_nodes[l] : o->model->content_nodes[l - n_style];
}

static NsRect
layer_core (const NsObjective *o, const NsTilePlan *plan, int t, int l)
{
  return ns_tile_feature_core (plan, &plan->tiles[t], o->strides[l], o->pass->shapes[layer_node (o, l)]);
}

/* Runs the network on tile t's window of rgb (an image of the plan's size),
 * rebuilding the pass when the window size changes. */
static gboolean
run_tile (NsObjective *o, const NsTilePlan *plan, int t, const float *rgb, GError **error)
{
  NsRect w = plan->tiles[t].window;
  int ww = w.x1 - w.x0, wh = w.y1 - w.y0;
  if (!o->pass || o->pass->shapes[0].w != ww || o->pass->shapes[0].h != wh)
    {
      ns_pass_free (o->pass);
      o->pass = NULL;   /* the old pass goes first: only one exists at a time */
      if (!(o->pass = ns_pass_new (o->model->net, wh, ww, o->threads, error)))
        return FALSE;
    }
  for (int y = w.y0; y < w.y1; y++)
    ns_preprocess (o->model->recipe, rgb + ((gsize) y * plan->width + w.x0) * 3, ww,
                   o->input + (gsize) (y - w.y0) * ww * 3);
  ns_pass_forward (o->pass, o->input);
  o->last_tile = plan == o->plan ? t : -1;
  return TRUE;
}

/* The style image's Gram matrices, in tiles of the same plan parameters, at
 * a size whose long side matches the working size. */
static gboolean
compute_style_grams (NsObjective *o, const NsImage *style, int tile, int halo, GError **error)
{
  const NsRecipe *recipe = o->model->recipe;
  double scale = (double) MAX (o->width, o->height) / MAX (style->width, style->height);
  int w = MAX (1, (int) (style->width * scale + 0.5)), h = MAX (1, (int) (style->height * scale + 0.5));
  g_autoptr (NsImage) resized = ns_image_resize (style, w, h);
  if (!resized)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory to resize the style image");
      return FALSE;
    }
  g_autoptr (NsTilePlan) plan = ns_tile_plan_new (w, h, tile, halo);
  g_autofree gsize *positions = g_new0 (gsize, recipe->n_style);
  for (int t = 0; t < plan->n_tiles; t++)
    {
      if (!run_tile (o, plan, t, resized->pixels, error))
        return FALSE;
      for (int i = 0; i < recipe->n_style; i++)
        {
          int node = o->model->style_nodes[i];
          NsShape s = o->pass->shapes[node];
          NsRect r = layer_core (o, plan, t, i);
          if (!o->style_grams[i])
            o->style_grams[i] = g_new0 (float, (gsize) s.c * s.c);
          ns_core_gram (&o->scratch, o->pass->values[node], s, r, 1.0f / s.c, o->style_grams[i], o->threads);
          positions[i] += ns_rect_area (r);
        }
    }
  for (int i = 0; i < recipe->n_style; i++)
    {
      int c = o->pass->shapes[o->model->style_nodes[i]].c;
      for (gsize k = 0; k < (gsize) c * c; k++)
        o->style_grams[i][k] /= (float) positions[i];
    }
  return TRUE;
}

/* The content image's features in the cores of every tile, and the number
 * of feature positions of each layer over the whole image. */
static gboolean
compute_content_targets (NsObjective *o, const NsImage *content, GError **error)
{
  const NsRecipe *recipe = o->model->recipe;
  int n_style = recipe->n_style;
  g_autoptr (NsImage) resized = ns_image_resize (content, o->width, o->height);
  if (!resized)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for a %dx%d image", o->width, o->height);
      return FALSE;
    }
  GArray **targets = g_new0 (GArray *, recipe->n_content);
  gboolean ok = TRUE;
  for (int t = 0; t < o->plan->n_tiles && ok; t++)
    {
      if (!(ok = run_tile (o, o->plan, t, resized->pixels, error)))
        break;
      for (int i = 0; i < n_style; i++)
        o->style_positions[i] += ns_rect_area (layer_core (o, o->plan, t, i));
      for (int i = 0; i < recipe->n_content; i++)
        {
          int node = o->model->content_nodes[i];
          NsShape s = o->pass->shapes[node];
          NsRect r = layer_core (o, o->plan, t, n_style + i);
          if (!targets[i])
            {
              int stride = o->strides[n_style + i];
              gsize expected = (gsize) (o->width / stride + 1) * (o->height / stride + 1) * s.c;
              targets[i] = g_array_sized_new (FALSE, FALSE, sizeof (float), expected);
            }
          o->content_offsets[t * recipe->n_content + i] = targets[i]->len;
          for (int y = r.y0; y < r.y1 && r.x1 > r.x0; y++)
            g_array_append_vals (targets[i], o->pass->values[node] + ((gsize) y * s.w + r.x0) * s.c,
                                 (guint) ((r.x1 - r.x0) * s.c));
        }
    }
  for (int i = 0; i < recipe->n_content; i++)
    if (targets[i])
      {
        o->content_counts[i] = targets[i]->len;
        o->content_features[i] = (float *) (void *) g_array_free (targets[i], FALSE);
      }
  g_free (targets);
  return ok;
}

NsObjective *
ns_objective_new_tiled (const NsModel *model, const NsImage *content, const NsImage *style, int width, int height,
                        double content_weight, double style_weight, double tv_weight, int tile, int halo,
                        int threads, GError **error)
{
  const NsRecipe *recipe = model->recipe;
  NsObjective *o = g_new0 (NsObjective, 1);
  o->model = model;
  o->width = width, o->height = height;
  o->content_weight = content_weight, o->style_weight = style_weight, o->tv_weight = tv_weight;
  o->last_tile = -1;
  o->threads = ns_threads_resolve (threads);
  o->style_grams = g_new0 (float *, recipe->n_style);
  o->dgrams = g_new0 (float *, recipe->n_style);
  o->style_positions = g_new0 (gsize, recipe->n_style);
  o->content_features = g_new0 (float *, recipe->n_content);
  o->content_counts = g_new0 (gsize, recipe->n_content);
  o->plan = ns_tile_plan_new (width, height, tile, halo);
  o->content_offsets = g_new0 (gsize, (gsize) o->plan->n_tiles * recipe->n_content);
  o->strides = g_new (int, n_layers (o));
  int *nodes = g_new (int, n_layers (o));
  for (int l = 0; l < n_layers (o); l++)
    nodes[l] = layer_node (o, l);
  gboolean ok = ns_tile_strides (model->net, nodes, n_layers (o), o->strides, NULL, error);
  g_free (nodes);

  /* Windows are at most the image or tile + 2 halo + NS_TILE_ALIGN - 1 on a side. */
  int side = tile > 0 ? tile + 2 * halo + NS_TILE_ALIGN - 1 : MAX (width, height);
  double style_scale = (double) MAX (width, height) / MAX (style->width, style->height);
  gsize window = MAX ((gsize) MIN (width, side) * MIN (height, side),
                      (gsize) MIN ((int) (style->width * style_scale + 1.5), side)
                      * MIN ((int) (style->height * style_scale + 1.5), side));
  o->input = g_try_malloc (window * 3 * sizeof (float));
  o->dinput = g_try_malloc (window * 3 * sizeof (float));
  if (ok && (!o->input || !o->dinput))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for a %dx%d image", width, height);
      ok = FALSE;
    }
  /* Style first, so that its pass is freed before this size's pass exists. */
  ok = ok && compute_style_grams (o, style, tile, halo, error) && compute_content_targets (o, content, error);
  gsize pixels = (gsize) width * height;
  o->rgb = ok ? g_try_malloc (pixels * 3 * sizeof (float)) : NULL;
  o->grad_rgb = ok ? g_try_malloc (pixels * 3 * sizeof (float)) : NULL;
  if (ok && (!o->rgb || !o->grad_rgb))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for a %dx%d image", width, height);
      ok = FALSE;
    }
  for (int i = 0; i < recipe->n_style && ok; i++)
    {
      int c = o->pass->shapes[model->style_nodes[i]].c;
      o->dgrams[i] = g_new (float, (gsize) c * c);
    }
  if (!ok)
    {
      ns_objective_free (o);
      return NULL;
    }
  return o;
}

NsObjective *
ns_objective_new (const NsModel *model, const NsImage *content, const NsImage *style, int width, int height,
                  double content_weight, double style_weight, double tv_weight, int threads, GError **error)
{
  return ns_objective_new_tiled (model, content, style, width, height, content_weight, style_weight, tv_weight,
                                 0, 0, threads, error);
}

void
ns_objective_free (NsObjective *o)
{
  if (!o)
    return;
  for (int i = 0; i < o->model->recipe->n_style; i++)
    {
      g_free (o->style_grams[i]);
      g_free (o->dgrams[i]);
    }
  for (int i = 0; i < o->model->recipe->n_content; i++)
    g_free (o->content_features[i]);
  g_free (o->style_grams);
  g_free (o->dgrams);
  g_free (o->style_positions);
  g_free (o->content_features);
  g_free (o->content_offsets);
  g_free (o->content_counts);
  g_free (o->strides);
  ns_tile_plan_free (o->plan);
  ns_pass_free (o->pass);
  g_free (o->rgb);
  g_free (o->grad_rgb);
  g_free (o->input);
  g_free (o->dinput);
  g_free (o->scratch.data);
  g_free (o);
}

gsize
ns_objective_bytes (const NsModel *model, int width, int height)
{
  const NsRecipe *recipe = model->recipe;
  int n = recipe->n_style + recipe->n_content;
  g_autofree int *nodes = g_new (int, n), *strides = g_new (int, n), *channels = g_new (int, n);
  for (int l = 0; l < n; l++)
    nodes[l] = l < recipe->n_style ? model->style_nodes[l] : model->content_nodes[l - recipe->n_style];
  /* rgb and grad_rgb, and the gathering scratch */
  double bytes = (double) width * height * 3 * 2 * sizeof (float) + 2.0 * NS_TILE_SCRATCH_FLOATS * sizeof (float);
  if (ns_tile_strides (model->net, nodes, n, strides, channels, NULL))
    for (int l = 0; l < n; l++)
      bytes += l < recipe->n_style ? (double) channels[l] * channels[l] * 2 * sizeof (float)   /* targets, dgram */
                                   : (double) width * height / strides[l] / strides[l] * channels[l] * sizeof (float);
  return (gsize) bytes;
}

/* Sweep 2 for tile t: losses' gradients at its core positions, back to its
 * window, added into the image's gradient. */
static void
backward_tile (NsObjective *o, int t, gboolean with_style)
{
  const NsModel *model = o->model;
  const NsRecipe *recipe = model->recipe;
  NsPass *pass = o->pass;
  ns_pass_zero_grads (pass);
  for (int i = 0; i < recipe->n_style && with_style; i++)
    {
      int node = model->style_nodes[i];
      NsShape s = pass->shapes[node];
      ns_core_gram_backward (&o->scratch, pass->values[node], s, layer_core (o, o->plan, t, i), o->dgrams[i],
                          (float) (1.0 / ((double) o->style_positions[i] * s.c)), ns_pass_grad (pass, node), o->threads);
    }
  for (int i = 0; i < recipe->n_content; i++)
    {
      int node = model->content_nodes[i];
      const float *target = o->content_features[i] + o->content_offsets[t * recipe->n_content + i];
      o->content_loss += ns_core_content_loss (pass->values[node], pass->shapes[node],
                                          layer_core (o, o->plan, t, recipe->n_style + i), target,
                                          o->content_counts[i], o->content_weight * recipe->content[i].weight,
                                          ns_pass_grad (pass, node));
    }
  ns_pass_backward (pass, o->dinput);

  /* d input / d rgb: input[c] = 255 * rgb[2 - c] - mean[c] */
  NsRect w = o->plan->tiles[t].window;
  int ww = w.x1 - w.x0;
  for (int y = w.y0; y < w.y1; y++)
    {
      float *dst = o->grad_rgb + ((gsize) y * o->width + w.x0) * 3;
      const float *src = o->dinput + (gsize) (y - w.y0) * ww * 3;
      for (int p = 0; p < ww; p++)
        for (int c = 0; c < 3; c++)
          dst[p * 3 + (2 - c)] += 255.0f * src[p * 3 + c];
    }
}

static void
run_tile_or_die (NsObjective *o, int t)
{
  g_autoptr (GError) error = NULL;
  if (!run_tile (o, o->plan, t, o->rgb, &error))
    g_error ("%s", error->message);   /* like g_new: this size's pass was built before */
}

double
ns_objective_evaluate (NsObjective *o, const double *x, double *grad)
{
  const NsModel *model = o->model;
  const NsRecipe *recipe = model->recipe;
  gsize pixels = (gsize) o->width * o->height;
  for (gsize i = 0; i < pixels * 3; i++)
    o->rgb[i] = (float) x[i];
  memset (o->grad_rgb, 0, pixels * 3 * sizeof (float));
  o->last_tile = -1;
  int n_tiles = o->plan->n_tiles;

  /* Sweep 1: the Gram matrices, summed over the tiles' cores. */
  gboolean with_style = o->style_weight > 0 && recipe->n_style > 0;
  o->style_loss = 0;
  for (int i = 0; i < recipe->n_style && with_style; i++)
    memset (o->dgrams[i], 0, sizeof (float) * o->pass->shapes[model->style_nodes[i]].c
                                 * o->pass->shapes[model->style_nodes[i]].c);
  for (int t = 0; t < n_tiles && with_style; t++)
    {
      run_tile_or_die (o, t);
      for (int i = 0; i < recipe->n_style; i++)
        {
          int node = model->style_nodes[i];
          NsShape s = o->pass->shapes[node];
          ns_core_gram (&o->scratch, o->pass->values[node], s, layer_core (o, o->plan, t, i),
                        (float) (1.0 / ((double) o->style_positions[i] * s.c)), o->dgrams[i], o->threads);
        }
    }
  for (int i = 0; i < recipe->n_style && with_style; i++)
    {
      int c = o->pass->shapes[model->style_nodes[i]].c;
      o->style_loss += ns_style_loss (o->dgrams[i], o->style_grams[i], c, o->style_weight * recipe->style[i].weight,
                                      o->dgrams[i]);   /* in place: the Gram becomes its gradient */
    }

  /* Sweep 2, in reverse so that the last tile of sweep 1 need not run again. */
  o->content_loss = 0;
  for (int t = n_tiles - 1; t >= 0; t--)
    {
      if (o->last_tile != t)
        run_tile_or_die (o, t);
      backward_tile (o, t, with_style);
    }

  o->tv_loss = ns_tv_loss (o->rgb, o->width, o->height, 3, recipe->tv_epsilon, o->tv_weight, o->grad_rgb);
  for (gsize i = 0; i < pixels * 3; i++)
    grad[i] = o->grad_rgb[i];
  return o->content_loss + o->style_loss + o->tv_loss;
}
