/* ns-objective.c: content, style and smoothness losses of an image and their
 * gradient with respect to its pixels, through the network. */
#include "ns-objective.h"
#include "ns-losses.h"

#include <string.h>

static double
gram_scale (NsShape s)
{
  return 1.0 / ((double) s.h * s.w * s.c);
}

/* Gram matrices of the style image's features, at a size whose long side
 * matches the working size. */
static gboolean
compute_style_grams (NsObjective *o, const NsImage *style, GError **error)
{
  const NsModel *model = o->model;
  int long_side = MAX (o->width, o->height);
  double scale = (double) long_side / MAX (style->width, style->height);
  int w = MAX (1, (int) (style->width * scale + 0.5)), h = MAX (1, (int) (style->height * scale + 0.5));
  g_autoptr (NsImage) resized = ns_image_resize (style, w, h);
  NsPass *pass = resized ? ns_pass_new (model->net, h, w, error) : NULL;
  if (!pass)
    {
      if (!resized)
        g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory to resize the style image");
      return FALSE;
    }
  float *input = g_new (float, (gsize) w * h * 3);
  ns_preprocess (model->recipe, resized->pixels, (gsize) w * h, input);
  ns_pass_forward (pass, input);
  g_free (input);
  for (int i = 0; i < model->recipe->n_style; i++)
    {
      int node = model->style_nodes[i];
      NsShape s = pass->shapes[node];
      o->style_grams[i] = g_new0 (float, (gsize) s.c * s.c);
      ns_gram_accumulate (pass->values[node], s.h * s.w, s.c, gram_scale (s), o->style_grams[i]);
    }
  ns_pass_free (pass);
  return TRUE;
}

NsObjective *
ns_objective_new (const NsModel *model, const NsImage *content, const NsImage *style, int width, int height,
                  double content_weight, double style_weight, double tv_weight, GError **error)
{
  const NsRecipe *recipe = model->recipe;
  NsObjective *o = g_new0 (NsObjective, 1);
  o->model = model;
  o->width = width, o->height = height;
  o->content_weight = content_weight, o->style_weight = style_weight, o->tv_weight = tv_weight;
  o->style_grams = g_new0 (float *, recipe->n_style);
  o->content_features = g_new0 (float *, recipe->n_content);
  gsize pixels = (gsize) width * height;
  /* Style first, so that its pass is freed before this size's pass exists. */
  if (!compute_style_grams (o, style, error) || !(o->pass = ns_pass_new (model->net, height, width, error)))
    {
      ns_objective_free (o);
      return NULL;
    }
  o->rgb = g_try_malloc (pixels * 3 * sizeof (float));
  o->input = g_try_malloc (pixels * 3 * sizeof (float));
  o->dinput = g_try_malloc (pixels * 3 * sizeof (float));
  o->grad_rgb = g_try_malloc (pixels * 3 * sizeof (float));
  int max_c = 1;
  for (int i = 0; i < recipe->n_style; i++)
    max_c = MAX (max_c, o->pass->shapes[model->style_nodes[i]].c);
  o->dgram = g_try_malloc ((gsize) max_c * max_c * sizeof (float));
  g_autoptr (NsImage) resized = ns_image_resize (content, width, height);
  if (!o->rgb || !o->input || !o->dinput || !o->grad_rgb || !o->dgram || !resized)
    {
      g_set_error (error, NS_ERROR, NS_ERROR_MEMORY, "not enough memory for a %dx%d image", width, height);
      ns_objective_free (o);
      return NULL;
    }
  ns_preprocess (recipe, resized->pixels, pixels, o->input);
  ns_pass_forward (o->pass, o->input);
  for (int i = 0; i < recipe->n_content; i++)
    {
      int node = model->content_nodes[i];
      gsize n = ns_shape_size (o->pass->shapes[node]);
      o->content_features[i] = g_memdup2 (o->pass->values[node], n * sizeof (float));
    }
  return o;
}

void
ns_objective_free (NsObjective *o)
{
  if (!o)
    return;
  for (int i = 0; i < o->model->recipe->n_style; i++)
    g_free (o->style_grams[i]);
  for (int i = 0; i < o->model->recipe->n_content; i++)
    g_free (o->content_features[i]);
  g_free (o->style_grams);
  g_free (o->content_features);
  ns_pass_free (o->pass);
  g_free (o->rgb);
  g_free (o->input);
  g_free (o->dinput);
  g_free (o->grad_rgb);
  g_free (o->dgram);
  g_free (o);
}

gsize
ns_objective_bytes (const NsModel *model, int width, int height)
{
  /* rgb, input, dinput, grad_rgb (floats) and x, grad (doubles in the optimiser) */
  return (gsize) width * height * 3 * (4 * sizeof (float) + 2 * sizeof (double));
}

double
ns_objective_evaluate (NsObjective *o, const double *x, double *grad)
{
  const NsModel *model = o->model;
  const NsRecipe *recipe = model->recipe;
  NsPass *pass = o->pass;
  gsize pixels = (gsize) o->width * o->height;
  for (gsize i = 0; i < pixels * 3; i++)
    o->rgb[i] = (float) x[i];
  ns_preprocess (recipe, o->rgb, pixels, o->input);
  ns_pass_forward (pass, o->input);
  ns_pass_zero_grads (pass);

  o->style_loss = 0;
  for (int i = 0; i < recipe->n_style; i++)
    {
      int node = model->style_nodes[i];
      NsShape s = pass->shapes[node];
      float *gram = o->dgram;   /* reused: the Gram, then its gradient in place */
      memset (gram, 0, (gsize) s.c * s.c * sizeof (float));
      ns_gram_accumulate (pass->values[node], s.h * s.w, s.c, gram_scale (s), gram);
      o->style_loss += ns_style_loss (gram, o->style_grams[i], s.c, o->style_weight * recipe->style[i].weight,
                                      o->dgram);
      ns_gram_backward (pass->values[node], s.h * s.w, s.c, o->dgram, gram_scale (s), ns_pass_grad (pass, node));
    }
  o->content_loss = 0;
  for (int i = 0; i < recipe->n_content; i++)
    {
      int node = model->content_nodes[i];
      o->content_loss += ns_content_loss (pass->values[node], o->content_features[i],
                                          ns_shape_size (pass->shapes[node]),
                                          o->content_weight * recipe->content[i].weight, ns_pass_grad (pass, node));
    }
  ns_pass_backward (pass, o->dinput);

  /* d input / d rgb: input[c] = 255 * rgb[2 - c] - mean[c] */
  for (gsize p = 0; p < pixels; p++)
    for (int c = 0; c < 3; c++)
      o->grad_rgb[p * 3 + (2 - c)] = 255.0f * o->dinput[p * 3 + c];
  o->tv_loss = ns_tv_loss (o->rgb, o->width, o->height, 3, recipe->tv_epsilon, o->tv_weight, o->grad_rgb);
  for (gsize i = 0; i < pixels * 3; i++)
    grad[i] = o->grad_rgb[i];
  return o->content_loss + o->style_loss + o->tv_loss;
}
