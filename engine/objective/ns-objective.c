/* ns-objective.c: the Gatys objective at one working size and its gradient
 * with respect to the image's pixels, through the network.
 *
 *   L(x) = alpha * sum_l w_l L_content^l + beta * sum_l w_l L_style^l + gamma * L_tv
 *
 *   L_content^l = mean over n c of (F^l(x) - F^l(content))^2       (ns_content_loss)
 *   G^l(x)      = F^l(x)^T F^l(x) / (n c)                         (gram_scale, ns-gram.h)
 *   A^l         = sum_r b_r G^l(style_r),  sum_r b_r = 1           (blended style targets)
 *   L_style^l   = mean over c c of (G^l(x) - A^l)^2                (ns_style_loss)
 *
 * With regions (Gatys et al. 2017, guided Gram matrices), each group g of
 * styles sharing a region M_g has its own Gram and target,
 *   G_g^l(x)    = (M_g^l F^l)^T (M_g^l F^l) / (c sum M_g^l)
 * with M_g^l the region averaged over each feature position of layer l,
 * and L_style^l = sum_g W_g a_g^l mean (G_g^l(x) - A_g^l)^2, W_g = n_groups
 * times its styles' share of the blend (1 for a single group) and a_g^l the
 * region's share of the image (sum M_g^l / n): normalised by its own mass,
 * a region's Gram would otherwise pull each of its pixels 1/a_g^l times
 * harder than a whole-image style does, against the same content loss. A style's area
 * restricts its own Gram the same way over the style image.
 *   L_tv        = mean over pixels of sqrt(dx^2 + dy^2 + eps)      (ns_tv_loss)
 *   L_pixel     = mean over pixels of m_p |x_p - t_p|^2            (ns_pixel_target_loss)
 *
 * The last term, with its own absolute weight, is there only when a target
 * picture t is given (a frame's previous result carried along the motion,
 * m its mask; Ruder et al., "Artistic style transfer for videos", 2016).
 *
 * F^l is layer l's output (n positions, c channels), w_l the recipe's layer
 * weights, alpha, beta, gamma the absolute weights; docs/losses.md relates
 * this normalisation to the paper's 1/(4 N^2 M^2).
 *
 * The image is evaluated tile by tile (one tile, the whole image, unless a
 * tile size is given). Gram matrices are sums over feature positions, so a
 * first sweep accumulates them over each tile's core positions; the style
 * loss and d loss / d Gram then come from the whole image's Gram; a second
 * sweep runs each tile again, injects the gradients at its core positions
 * only, and adds the gradient of its whole window into the image's
 * (docs/tiling.md).
 *
 * The border (docs/tiling.md, "Margin"). With a margin m, x and the content
 * are seen on a canvas mirrored from their inside (ns-tiles.h), and only
 * the image's own feature positions count; the gradient that reaches the
 * margin goes back to the pixels it mirrors. Each style image's Gram counts
 * its inner part only, m pixels in (ns_tile_inset()), its windows seeing
 * its real pixels around that. So neither Gram holds an edge next to the
 * network's zero padding, nor the style image's outermost band (a canvas
 * edge, a frame): the optimiser would paint either into x's edges. */
#include "ns-objective.h"
#include "ns-losses.h"
#include "ns-parallel.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

/* ---- layers: style layers first, then content layers ------------------------------ */

static int
n_layers (const NsObjective *o)
{
  return o->model->recipe->n_style + o->model->recipe->n_content;
}

static int
layer_node (const NsObjective *o, int l)
{
  int n_style = o->model->recipe->n_style;
  return l < n_style ? o->model->style_nodes[l] : o->model->content_nodes[l - n_style];
}

static NsShape
layer_shape (const NsObjective *o, int l)
{
  return o->pass->shapes[layer_node (o, l)];
}

static NsRect
layer_core (const NsObjective *o, const NsTilePlan *plan, int t, int l)
{
  return ns_tile_feature_core (plan, &plan->tiles[t], o->strides[l], layer_shape (o, l));
}

/* The Gram matrix's normalisation, G = F^T F / (n c), with n the feature
 * positions of the whole image (the mask's sum over them with a region):
 * the one place it is written. */
static float
gram_scale (double mass, int c)
{
  return (float) (1.0 / (MAX (mass, 1e-12) * c));
}

/* ---- masks on the feature grids ---------------------------------------------------- */

/* A mask of the image's size averaged over each stride x stride block: the
 * layer's grid over the whole canvas of this margin, whose blocks start at
 * -margin (one spare row and column, so that a grid a border pixel short
 * or long still finds its values; blocks in the margin take the nearest
 * image pixels', but no core holds them). NULL if out of memory (a stride-1 layer's grid has
 * the image's size). */
static float *
mask_grid (const NsMask *mask, int stride, int margin, int *grid_width)
{
  int gw = (mask->width + 2 * margin) / stride + 2, gh = (mask->height + 2 * margin) / stride + 2;
  float *grid = g_try_new0 (float, (gsize) gw * gh);
  if (!grid)
    return NULL;
  for (int gy = 0; gy < gh; gy++)
    for (int gx = 0; gx < gw; gx++)
      {
        int y0 = CLAMP (gy * stride - margin, 0, mask->height - 1);
        int y1 = CLAMP ((gy + 1) * stride - margin, y0 + 1, mask->height);
        int x0 = CLAMP (gx * stride - margin, 0, mask->width - 1);
        int x1 = CLAMP ((gx + 1) * stride - margin, x0 + 1, mask->width);
        double sum = 0;
        for (int y = y0; y < y1; y++)
          for (int x = x0; x < x1; x++)
            sum += mask->values[(gsize) y * mask->width + x];
        grid[(gsize) gy * gw + gx] = (float) (sum / ((y1 - y0) * (x1 - x0)));
      }
  *grid_width = gw;
  return grid;
}

/* The part of a layer's grid mask under tile t's core r (NULL: no mask). */
static const NsCoreMask *
core_mask (const NsTilePlan *plan, int t, int stride, NsRect r, const float *grid, int grid_width,
           NsCoreMask *out)
{
  if (!grid)
    return NULL;
  const NsRect *window = &plan->tiles[t].window;
  int gx = (window->x0 + plan->margin) / stride + r.x0, gy = (window->y0 + plan->margin) / stride + r.y0;
  *out = (NsCoreMask) { grid + (gsize) gy * grid_width + gx, (gsize) grid_width };
  return out;
}

/* Sum of the grid mask over a core (its area without a mask). */
static double
core_mass (const NsCoreMask *mask, NsRect r)
{
  if (!mask)
    return (double) ns_rect_area (r);
  double sum = 0;
  for (int y = 0; y < r.y1 - r.y0; y++)
    for (int x = 0; x < r.x1 - r.x0; x++)
      sum += mask->values[(gsize) y * mask->stride + x];
  return sum;
}

/* ---- one tile through the network -------------------------------------------------- */

/* Runs the network on tile t's window of rgb (an image of the plan's size,
 * read through the margin's mirror), rebuilding the pass when the window
 * size changes. */
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
  gsize pixels = (gsize) ww * wh;
  if (pixels > o->window_pixels)
    {
      g_free (o->input), g_free (o->dinput);
      o->input = g_try_malloc (pixels * 3 * sizeof (float));
      o->dinput = g_try_malloc (pixels * 3 * sizeof (float));
      o->window_pixels = o->input && o->dinput ? pixels : 0;
      if (!o->window_pixels)
        {
          g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d window"), ww, wh);
          return FALSE;
        }
    }
  ns_tile_read_window (plan, &plan->tiles[t], rgb, o->input);
  ns_preprocess (o->model->recipe, o->input, pixels, o->input);
  ns_pass_forward (o->pass, o->input);
  o->last_tile = plan == o->plan ? t : -1;
  return TRUE;
}

/* ---- targets ------------------------------------------------------------------------ */

static NsImage *
resize_or_fail (const NsImage *image, int width, int height, GError **error)
{
  NsImage *resized = ns_image_resize (image, width, height);
  if (!resized)
    g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
  return resized;
}

/* Adds blend * G^l(style) to every style layer's target of group g: the
 * style image at scale times the working long side (its area alone, if
 * given), in tiles of the same size as the image's. */
static gboolean
add_style_target (NsObjective *o, NsStyleGroup *g, const NsStyle *style, double blend, double scale, int tile,
                  int halo, int margin, GError **error)
{
  const NsRecipe *recipe = o->model->recipe;
  const NsImage *image = style->image;
  double factor = scale * MAX (o->width, o->height) / MAX (image->width, image->height);
  int w = MAX (1, (int) (image->width * factor + 0.5)), h = MAX (1, (int) (image->height * factor + 0.5));
  g_autoptr (NsImage) resized = ns_image_resize (image, w, h);
  g_autoptr (NsMask) area = resized && style->area ? ns_mask_resize (style->area, w, h) : NULL;
  /* Its Gram over its inner part: see the top of this file. */
  g_autoptr (NsTilePlan) plan = ns_tile_plan_new_inset (w, h, tile, halo, ns_tile_inset (w, h, margin), margin);
  int n_style = recipe->n_style;
  g_autofree double *mass = g_new0 (double, n_style);
  g_autofree float **sums = g_new0 (float *, n_style), **grids = g_new0 (float *, n_style);
  g_autofree int *grid_widths = g_new0 (int, n_style);
  gboolean ok = resized && (!style->area || area);
  for (int l = 0; l < n_style && area && ok; l++)
    ok = (grids[l] = mask_grid (area, o->strides[l], plan->margin, &grid_widths[l])) != NULL;
  if (!ok)
    {
      for (int l = 0; l < n_style; l++)
        g_free (grids[l]);
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d style image"), w, h);
      return FALSE;
    }
  for (int t = 0; t < plan->n_tiles && ok; t++)
    {
      if (!(ok = run_tile (o, plan, t, resized->pixels, error)))
        break;
      for (int l = 0; l < n_style; l++)
        {
          NsShape s = layer_shape (o, l);
          NsRect r = layer_core (o, plan, t, l);
          NsCoreMask cm;
          const NsCoreMask *m = core_mask (plan, t, o->strides[l], r, grids[l], grid_widths[l], &cm);
          if (!sums[l])
            sums[l] = g_try_new0 (float, (gsize) s.c * s.c);
          if (!(ok = sums[l] && ns_core_gram (&o->scratch, o->pass->values[layer_node (o, l)], s, r, m, 1.0f,
                                              sums[l], o->threads)))
            break;
          mass[l] += core_mass (m, r);
        }
    }
  for (int l = 0; l < n_style; l++)
    {
      int c = o->pass ? layer_shape (o, l).c : 0;
      if (ok && !g->targets[l])
        ok = (g->targets[l] = g_try_new0 (float, (gsize) c * c)) != NULL;
      float weight = (float) blend * gram_scale (mass[l], c);
      for (gsize k = 0; ok && k < (gsize) c * c; k++)
        g->targets[l][k] += weight * sums[l][k];
      g_free (sums[l]);
      g_free (grids[l]);
    }
  if (!ok && error && !*error)   /* a Gram's, or the gathering scratch's, memory (a pass sets its own error) */
    g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d style image"), w, h);
  if (ok && !(mass[0] > 0))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the selected area of a style image is empty"));
      return FALSE;
    }
  return ok;
}

/* Appends content layer i's features in tile t's core to its target, which
 * holds *size floats (first: room for the whole image's, a position to
 * spare on each axis); FALSE if it cannot grow. */
static gboolean
add_content_core (NsObjective *o, int t, int i, gsize *size)
{
  int n_style = o->model->recipe->n_style, n_content = o->model->recipe->n_content;
  NsShape s = layer_shape (o, n_style + i);
  NsRect r = layer_core (o, o->plan, t, n_style + i);
  int stride = o->strides[n_style + i];
  if (*size == 0)
    *size = (gsize) (o->width / stride + 1) * (o->height / stride + 1) * s.c;
  gsize row = (gsize) MAX (0, r.x1 - r.x0) * s.c, *len = &o->content_counts[i];
  gsize needed = *len + row * MAX (0, r.y1 - r.y0);
  float *target = o->content_targets[i];
  if (!target || needed > *size)
    {
      *size = MAX (*size, needed);
      if (!(target = g_try_realloc_n (target, *size, sizeof (float))))
        return FALSE;
      o->content_targets[i] = target;
    }
  o->content_offsets[t * n_content + i] = *len;
  const float *features = o->pass->values[layer_node (o, n_style + i)];
  for (int y = r.y0; y < r.y1 && row; y++, *len += row)
    memcpy (target + *len, features + ((gsize) y * s.w + r.x0) * s.c, row * sizeof (float));
  return TRUE;
}

/* The content image's features in the cores of every tile, and the number
 * of feature positions of each layer over the whole image. */
static gboolean
set_content_targets (NsObjective *o, const NsImage *content, GError **error)
{
  const NsRecipe *recipe = o->model->recipe;
  int n_style = recipe->n_style;
  g_autoptr (NsImage) resized = resize_or_fail (content, o->width, o->height, error);
  if (!resized)
    return FALSE;
  g_autofree gsize *sizes = g_new0 (gsize, recipe->n_content);
  gboolean ok = TRUE;
  for (int t = 0; t < o->plan->n_tiles && ok; t++)
    {
      if (!(ok = run_tile (o, o->plan, t, resized->pixels, error)))
        break;
      for (int l = 0; l < n_style; l++)
        o->style_positions[l] += ns_rect_area (layer_core (o, o->plan, t, l));
      for (int g = 0; g < o->n_groups; g++)
        for (int l = 0; l < n_style; l++)
          {
            NsStyleGroup *group = &o->groups[g];
            NsRect r = layer_core (o, o->plan, t, l);
            NsCoreMask cm;
            group->mass[l] += core_mass (core_mask (o->plan, t, o->strides[l], r, group->masks[l],
                                                    group->mask_widths[l], &cm), r);
          }
      for (int i = 0; i < recipe->n_content && ok; i++)
        if (!(ok = add_content_core (o, t, i, &sizes[i])))
          g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), o->width,
                       o->height);
    }
  return ok;
}

/* Group g's region on every style layer's grid, at the working size. */
static gboolean
set_group_masks (NsObjective *o, NsStyleGroup *g, GError **error)
{
  g_autoptr (NsMask) region = ns_mask_resize (g->region, o->width, o->height);
  if (!region)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d mask"), o->width, o->height);
      return FALSE;
    }
  for (int l = 0; l < o->model->recipe->n_style; l++)
    if (!(g->masks[l] = mask_grid (region, o->strides[l], o->plan->margin, &g->mask_widths[l])))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d mask"), o->width,
                     o->height);
        return FALSE;
      }
  return TRUE;
}

/* The group of a style's region (NULL: everywhere), or NULL if none yet. */
static NsStyleGroup *
group_of (NsObjective *o, const NsStyle *style)
{
  for (int g = 0; g < o->n_groups; g++)
    if (o->groups[g].region == style->region)
      return &o->groups[g];
  return NULL;
}

/* Groups: the styles without a region together, then one per region. */
static gboolean
set_groups (NsObjective *o, const NsObjectiveSetup *setup, GError **error)
{
  int n_style = o->model->recipe->n_style;
  double total = 0;
  gboolean unguided = FALSE;
  for (int r = 0; r < setup->n_styles; r++)
    {
      total += setup->styles[r].blend;
      unguided |= setup->styles[r].blend > 0 && !setup->styles[r].region;
    }
  if (setup->n_styles < 1 || !(total > 0))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("the style blend weights must not all be 0"));
      return FALSE;
    }
  o->groups = g_new0 (NsStyleGroup, setup->n_styles + 1);
  if (unguided)
    o->n_groups = 1;
  for (int r = 0; r < setup->n_styles; r++)
    if (setup->styles[r].blend > 0 && setup->styles[r].region && !group_of (o, &setup->styles[r]))
      o->groups[o->n_groups++].region = setup->styles[r].region;   /* styles may share one region */
  for (int g = 0; g < o->n_groups; g++)
    {
      NsStyleGroup *group = &o->groups[g];
      group->targets = g_new0 (float *, n_style);
      group->grams = g_new0 (float *, n_style);
      group->mass = g_new0 (double, n_style);
      group->masks = g_new0 (float *, n_style);
      group->mask_widths = g_new0 (int, n_style);
      if (group->region && !set_group_masks (o, group, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
set_targets (NsObjective *o, const NsObjectiveSetup *setup, GError **error)
{
  if (!set_groups (o, setup, error))
    return FALSE;
  /* Each group's blends are normalised within it; the group's weight
   * is its share times the number of groups, 1 for a single group. */
  double total = 0;
  for (int r = 0; r < setup->n_styles; r++)
    total += setup->styles[r].blend;
  for (int r = 0; r < setup->n_styles; r++)
    if (setup->styles[r].blend > 0)
      group_of (o, &setup->styles[r])->weight += setup->styles[r].blend / total * o->n_groups;
  /* Styles first, so that their passes are freed before this size's pass
   * exists; a style of blend 0 costs nothing (and changes no bit). */
  for (int r = 0; r < setup->n_styles; r++)
    {
      const NsStyle *style = &setup->styles[r];
      NsStyleGroup *g = style->blend > 0 ? group_of (o, style) : NULL;
      if (g && !add_style_target (o, g, style, style->blend / total * o->n_groups / g->weight, setup->style_scale,
                                  setup->tile, setup->halo, setup->margin, error))
        return FALSE;
    }
  if (!set_content_targets (o, setup->content, error))
    return FALSE;
  for (int g = 0; g < o->n_groups; g++)
    if (!(o->groups[g].mass[0] > 0))
      {
        g_set_error (error, NS_ERROR, NS_ERROR_PARAMS, _("a style's region is empty at %dx%d"), o->width, o->height);
        return FALSE;
      }
  return TRUE;
}

/* The pixel term's target and mask at the working size (none without a target or weight). */
static gboolean
set_pixel_target (NsObjective *o, const NsObjectiveSetup *setup, GError **error)
{
  if (!setup->pixel_target || !(setup->pixel_weight > 0))
    return TRUE;
  g_autoptr (NsImage) target = resize_or_fail (setup->pixel_target, o->width, o->height, error);
  g_autoptr (NsMask) mask = target && setup->pixel_mask ? ns_mask_resize (setup->pixel_mask, o->width, o->height)
                                                         : NULL;
  if (!target || (setup->pixel_mask && !mask))
    {
      if (target)
        g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d mask"), o->width, o->height);
      return FALSE;
    }
  o->pixel_weight = setup->pixel_weight;
  o->pixel_target = g_steal_pointer (&target->pixels);
  o->pixel_mask = mask ? g_steal_pointer (&mask->values) : NULL;
  return TRUE;
}

/* ---- life cycle --------------------------------------------------------------------- */

NsObjective *
ns_objective_create (const NsModel *model, const NsObjectiveSetup *setup, int width, int height, GError **error)
{
  const NsRecipe *recipe = model->recipe;
  NsObjective *o = g_new0 (NsObjective, 1);
  o->model = model;
  o->width = width, o->height = height;
  o->content_weight = setup->content_weight;
  o->style_weight = setup->style_weight;
  o->tv_weight = setup->tv_weight;
  o->threads = ns_threads_resolve (setup->threads);
  o->last_tile = -1;
  o->plan = ns_tile_plan_new (width, height, setup->tile, setup->halo, setup->margin);
  o->strides = g_new (int, n_layers (o));
  o->content_targets = g_new0 (float *, recipe->n_content);
  o->content_counts = g_new0 (gsize, recipe->n_content);
  o->content_offsets = g_new0 (gsize, (gsize) o->plan->n_tiles * recipe->n_content);
  o->style_positions = g_new0 (gsize, recipe->n_style);

  g_autofree int *nodes = g_new (int, n_layers (o));
  for (int l = 0; l < n_layers (o); l++)
    nodes[l] = layer_node (o, l);
  gboolean ok = ns_tile_strides (model->net, nodes, n_layers (o), o->strides, NULL, error)
                && set_targets (o, setup, error) && set_pixel_target (o, setup, error);
  gsize values = (gsize) width * height * 3;
  o->rgb = ok ? g_try_malloc (values * sizeof (float)) : NULL;
  o->grad_rgb = ok ? g_try_malloc (values * sizeof (float)) : NULL;
  if (ok && (!o->rgb || !o->grad_rgb))
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
      ok = FALSE;
    }
  for (int g = 0; g < o->n_groups && ok; g++)
    for (int l = 0; l < recipe->n_style && ok; l++)
      if (!(ok = (o->groups[g].grams[l] = g_try_new (float, (gsize) layer_shape (o, l).c * layer_shape (o, l).c))
                 != NULL))
        g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), width, height);
  if (!ok)
    {
      ns_objective_free (o);
      return NULL;
    }
  return o;
}

NsObjective *
ns_objective_new_tiled (const NsModel *model, const NsImage *content, const NsImage *style, int width, int height,
                        double content_weight, double style_weight, double tv_weight, int tile, int halo,
                        int threads, GError **error)
{
  NsStyle one = { .image = style, .blend = 1.0 };
  NsObjectiveSetup setup = { content, &one, 1, 1.0, content_weight, style_weight, tv_weight, tile, halo, threads, 0, NULL, NULL, 0 };
  return ns_objective_create (model, &setup, width, height, error);
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
  for (int g = 0; g < o->n_groups; g++)
    {
      NsStyleGroup *group = &o->groups[g];
      for (int l = 0; l < o->model->recipe->n_style; l++)
        {
          g_free (group->targets[l]);
          g_free (group->grams[l]);
          g_free (group->masks[l]);
        }
      g_free (group->targets), g_free (group->grams), g_free (group->masks);
      g_free (group->mass), g_free (group->mask_widths);
    }
  g_free (o->groups);
  g_free (o->style_positions);
  for (int i = 0; i < o->model->recipe->n_content; i++)
    g_free (o->content_targets[i]);
  g_free (o->content_targets);
  g_free (o->content_offsets);
  g_free (o->content_counts);
  g_free (o->strides);
  ns_tile_plan_free (o->plan);
  ns_pass_free (o->pass);
  g_free (o->rgb);
  g_free (o->grad_rgb);
  g_free (o->pixel_target);
  g_free (o->pixel_mask);
  g_free (o->input);
  g_free (o->dinput);
  g_free (o->scratch.data);
  g_clear_error (&o->error);
  g_free (o);
}

/* ---- evaluation --------------------------------------------------------------------- */

/* The gathering scratch (ns-gram.h) could not grow: the evaluation fails. */
static gboolean
scratch_failed (NsObjective *o)
{
  if (!o->error)
    g_set_error (&o->error, NS_ERROR, NS_ERROR_MEMORY, _("not enough memory for a %dx%d image"), o->width,
                 o->height);
  return FALSE;
}

/* Sweep 1 for tile t: its cores' share of each group's Gram per style layer. */
static gboolean
accumulate_grams (NsObjective *o, int t)
{
  for (int g = 0; g < o->n_groups; g++)
    for (int l = 0; l < o->model->recipe->n_style; l++)
      {
        NsStyleGroup *group = &o->groups[g];
        NsShape s = layer_shape (o, l);
        NsRect r = layer_core (o, o->plan, t, l);
        NsCoreMask cm;
        if (!ns_core_gram (&o->scratch, o->pass->values[layer_node (o, l)], s, r,
                           core_mask (o->plan, t, o->strides[l], r, group->masks[l], group->mask_widths[l], &cm),
                           gram_scale (group->mass[l], s.c), group->grams[l], o->threads))
          return scratch_failed (o);
      }
  return TRUE;
}

/* Sweep 2 for tile t: the losses' gradients at its core positions (the
 * content loss is computed here too), back through the network to its
 * window, added into the image's gradient. */
static gboolean
backward_tile (NsObjective *o, int t, gboolean with_style)
{
  const NsRecipe *recipe = o->model->recipe;
  int n_style = recipe->n_style;
  NsPass *pass = o->pass;
  ns_pass_zero_grads (pass);
  for (int g = 0; g < o->n_groups && with_style; g++)
    for (int l = 0; l < n_style; l++)
      {
        NsStyleGroup *group = &o->groups[g];
        NsShape s = layer_shape (o, l);
        NsRect r = layer_core (o, o->plan, t, l);
        NsCoreMask cm;
        int node = layer_node (o, l);
        if (!ns_core_gram_backward (&o->scratch, pass->values[node], s, r,
                                    core_mask (o->plan, t, o->strides[l], r, group->masks[l], group->mask_widths[l],
                                               &cm),
                                    group->grams[l], gram_scale (group->mass[l], s.c), ns_pass_grad (pass, node),
                                    o->threads))
          return scratch_failed (o);
      }
  for (int i = 0; i < recipe->n_content; i++)
    {
      int l = n_style + i, node = layer_node (o, l);
      const float *target = o->content_targets[i] + o->content_offsets[t * recipe->n_content + i];
      o->content_loss += ns_core_content_loss (pass->values[node], layer_shape (o, l), layer_core (o, o->plan, t, l),
                                               target, o->content_counts[i],
                                               o->content_weight * recipe->content[i].weight,
                                               ns_pass_grad (pass, node));
    }
  ns_pass_backward (pass, o->dinput);

  /* d input / d rgb: input[c] = 255 * rgb[2 - c] - mean[c] (ns_preprocess),
   * in place; then onto the pixels the window read. */
  NsRect w = o->plan->tiles[t].window;
  float *d = o->dinput;
  for (gsize p = 0; p < ns_rect_area (w); p++, d += 3)
    {
      float b = d[0];
      d[0] = 255.0f * d[2], d[1] = 255.0f * d[1], d[2] = 255.0f * b;
    }
  ns_tile_add_window (o->plan, &o->plan->tiles[t], o->dinput, o->grad_rgb);
  return TRUE;
}

static gboolean
run_image_tile (NsObjective *o, int t)
{
  g_autoptr (GError) error = NULL;
  if (run_tile (o, o->plan, t, o->rgb, &error))
    return TRUE;
  if (!o->error)
    o->error = g_steal_pointer (&error);
  return FALSE;
}

double
ns_objective_evaluate (NsObjective *o, const double *x, double *grad)
{
  const NsRecipe *recipe = o->model->recipe;
  gsize values = (gsize) o->width * o->height * 3;
  for (gsize i = 0; i < values; i++)
    o->rgb[i] = (float) x[i];
  memset (o->grad_rgb, 0, values * sizeof (float));
  o->last_tile = -1;
  o->content_loss = o->style_loss = o->tv_loss = o->pixel_loss = 0;
  int n_tiles = o->plan->n_tiles;

  /* Sweep 1: the Gram matrices G^l(x), summed over the tiles' cores, then
   * the style loss, which turns each Gram into d loss / d Gram in place. */
  gboolean with_style = o->style_weight > 0 && recipe->n_style > 0;
  for (int g = 0; g < o->n_groups && with_style; g++)
    for (int l = 0; l < recipe->n_style; l++)
      memset (o->groups[g].grams[l], 0, sizeof (float) * layer_shape (o, l).c * layer_shape (o, l).c);
  for (int t = 0; t < n_tiles && with_style; t++)
    {
      if (!run_image_tile (o, t) || !accumulate_grams (o, t))
        return NAN;
    }
  for (int g = 0; g < o->n_groups && with_style; g++)
    for (int l = 0; l < recipe->n_style; l++)
      {
        NsStyleGroup *group = &o->groups[g];
        double share = group->mass[l] / MAX ((double) o->style_positions[l], 1.0);
        o->style_loss += ns_style_loss (group->grams[l], group->targets[l], layer_shape (o, l).c,
                                        o->style_weight * group->weight * share * recipe->style[l].weight,
                                        group->grams[l]);
      }

  /* Sweep 2, in reverse so that the last tile of sweep 1 need not run again:
   * the content loss, and every term's gradient back to the pixels. */
  for (int t = n_tiles - 1; t >= 0; t--)
    {
      if ((o->last_tile != t && !run_image_tile (o, t)) || !backward_tile (o, t, with_style))
        return NAN;
    }

  o->tv_loss = ns_tv_loss (o->rgb, o->width, o->height, 3, recipe->tv_epsilon, o->tv_weight, o->grad_rgb);
  if (o->pixel_target)
    o->pixel_loss = ns_pixel_target_loss (o->rgb, o->pixel_target, o->pixel_mask, (gsize) o->width * o->height, 3,
                                          o->pixel_weight, o->grad_rgb);
  for (gsize i = 0; i < values; i++)
    grad[i] = o->grad_rgb[i];
  return o->content_loss + o->style_loss + o->tv_loss + o->pixel_loss;
}
