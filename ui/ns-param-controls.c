/* ns-param-controls.c: the dialog's controls of the parameter table
 * (ns-param-controls.h). */
#include "ns-param-controls.h"
#include "ns-size-control.h"
#include "ns-slider.h"

#include <glib/gi18n-lib.h>

typedef struct
{
  NsParamControls   *owner;
  const NsParamSpec *spec;
  GtkAdjustment     *adjustment;   /* a number's */
  GtkWidget         *combo;        /* a choice's; each entry's ID is its value */
  GtkWidget         *size;         /* the working size's */
  GtkWidget         *widget;       /* what the user edits */
} Control;

struct _NsParamControls
{
  Control             *controls;
  int                  n;
  NsParamControlsFunc  changed;
  gpointer             user_data;
  gboolean             resetting;
  Control             *init, *seed;   /* the seed is used only with a noisy start */
  GtkWidget           *new_seed;
};

/* The dialog's heading of each group (NS_GROUP_STYLE follows the style rows). */
static const char *const headings[] = {
  [NS_GROUP_STYLE] = NULL,
  [NS_GROUP_BALANCE] = N_("Balance"),
  [NS_GROUP_QUALITY] = N_("Quality"),
  [NS_GROUP_START] = N_("Starting canvas"),
  [NS_GROUP_RUN] = N_("Running"),
};

GtkWidget *
ns_param_controls_heading (const char *text)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", text);
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_margin_top (label, 6);
  return label;
}

static void
row_label (GtkGrid *grid, int row, const NsParamSpec *spec, GtkWidget *target)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (_(spec->label));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), target);
  gtk_widget_set_tooltip_text (label, _(spec->tooltip));
  gtk_widget_set_tooltip_text (target, _(spec->tooltip));
  gtk_grid_attach (grid, label, 0, row, 1, 1);
}

static double
control_value (const Control *c)
{
  if (c->size != NULL)
    return ns_size_control_get_size (c->size);
  if (c->combo != NULL)
    {
      const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (c->combo));
      return id != NULL ? g_ascii_strtod (id, NULL) : c->spec->default_value;
    }
  return gtk_adjustment_get_value (c->adjustment);
}

static void
set_control_value (Control *c, double value)
{
  if (c->size != NULL)
    ns_size_control_set_size (c->size, (int) value);
  else if (c->combo != NULL)
    {
      g_autofree char *id = g_strdup_printf ("%d", (int) value);
      g_autofree char *fallback = g_strdup_printf ("%d", (int) c->spec->default_value);
      /* A value that is no choice shows the default. */
      if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (c->combo), id))
        gtk_combo_box_set_active_id (GTK_COMBO_BOX (c->combo), fallback);
    }
  else
    gtk_adjustment_set_value (c->adjustment, value);
}

static void
update_seed_sensitivity (NsParamControls *pc)
{
  if (pc->init == NULL || pc->seed == NULL)
    return;
  gboolean noisy = (int) control_value (pc->init) != NS_INIT_CONTENT;
  gtk_widget_set_sensitive (pc->seed->widget, noisy);
  gtk_widget_set_sensitive (pc->new_seed, noisy);
}

static void
notify (Control *c)
{
  NsParamControls *pc = c->owner;
  if (c == pc->init)
    update_seed_sensitivity (pc);
  if (!pc->resetting)
    pc->changed (c->spec, pc->user_data);
}

static void
on_changed (gpointer instance, Control *c)
{
  notify (c);
}

static void
on_size_changed (gpointer data)
{
  notify (data);
}

static void
on_new_seed (GtkButton *button, Control *seed)
{
  gtk_adjustment_set_value (seed->adjustment, g_random_int_range (0, G_MAXINT32));
}

/* A choice: a combo box of the row's labels. */
static void
attach_choice (GtkGrid *grid, int row, Control *c, double value)
{
  c->combo = c->widget = gtk_combo_box_text_new ();
  for (int i = 0; i < c->spec->n_choices; i++)
    {
      g_autofree char *id = g_strdup_printf ("%d", c->spec->choices[i].value);
      gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (c->combo), id, _(c->spec->choices[i].label));
    }
  set_control_value (c, value);
  gtk_widget_set_hexpand (c->combo, TRUE);
  row_label (grid, row, c->spec, c->combo);
  gtk_grid_attach (grid, c->combo, 1, row, 2, 1);
  g_signal_connect (c->combo, "changed", G_CALLBACK (on_changed), c);
}

/* The seed: a spin button over its whole range, and a new one at a click. */
static void
attach_seed (NsParamControls *pc, GtkGrid *grid, int row, Control *c, double value)
{
  c->adjustment = gtk_adjustment_new (value, c->spec->min, c->spec->max, 1, 100, 0);
  c->widget = gtk_spin_button_new (c->adjustment, 1, 0);
  gtk_widget_set_hexpand (c->widget, TRUE);
  row_label (grid, row, c->spec, c->widget);
  pc->new_seed = gtk_button_new_with_mnemonic (_("_New seed"));
  gtk_widget_set_tooltip_text (pc->new_seed, _("Try another random variation"));
  gtk_grid_attach (grid, c->widget, 1, row, 1, 1);
  gtk_grid_attach (grid, pc->new_seed, 2, row, 1, 1);
  g_signal_connect (c->adjustment, "value-changed", G_CALLBACK (on_changed), c);
  g_signal_connect (pc->new_seed, "clicked", G_CALLBACK (on_new_seed), c);
  pc->seed = c;
}

/* A number: a slider over the useful range, a spin button to the limits. */
static void
attach_number (GtkGrid *grid, int row, Control *c, double value)
{
  const NsParamSpec *spec = c->spec;
  NsSliderSpec slider = { spec->label, spec->tooltip, spec->soft_min, spec->soft_max, spec->min, spec->max,
                          spec->step, spec->digits, spec->log_scale };
  c->adjustment = ns_slider_attach (grid, row, &slider, value);
  c->widget = gtk_grid_get_child_at (grid, 2, row);
  g_signal_connect (c->adjustment, "value-changed", G_CALLBACK (on_changed), c);
}

NsParamControls *
ns_param_controls_new (GtkGrid *grid, int *row, const NsParams *values, int drawable_width, int drawable_height,
                       NsParamControlsFunc changed, gpointer user_data)
{
  int n = 0;
  const NsParamSpec *specs = ns_param_specs (&n);
  NsParamControls *pc = g_new0 (NsParamControls, 1);
  pc->controls = g_new0 (Control, n);
  pc->changed = changed;
  pc->user_data = user_data;
  int group = NS_GROUP_STYLE;   /* its heading is the style rows' */
  for (int i = 0; i < n; i++)
    {
      const NsParamSpec *spec = &specs[i];
      if (!(spec->fronts & NS_FRONT_DIALOG))
        continue;
      if ((int) spec->group != group && headings[spec->group] != NULL)
        gtk_grid_attach (grid, ns_param_controls_heading (_(headings[spec->group])), 0, (*row)++, 3, 1);
      group = spec->group;

      Control *c = &pc->controls[pc->n++];
      *c = (Control) { .owner = pc, .spec = spec };
      double value = ns_param_get (spec, values);
      if (g_str_equal (spec->key, "size"))
        {
          c->size = c->widget = ns_size_control_new (grid, *row, _(spec->label), _(spec->tooltip), drawable_width,
                                                     drawable_height, (int) value, on_size_changed, c);
          *row += NS_SIZE_CONTROL_ROWS;
          continue;
        }
      if (spec->type == NS_PARAM_ENUM)
        attach_choice (grid, *row, c, value);
      else if (g_str_equal (spec->key, "seed"))
        attach_seed (pc, grid, *row, c, value);
      else
        attach_number (grid, *row, c, value);
      if (g_str_equal (spec->key, "init"))
        pc->init = c;
      (*row)++;
    }
  update_seed_sensitivity (pc);
  return pc;
}

void
ns_param_controls_free (NsParamControls *pc)
{
  if (pc == NULL)
    return;
  g_free (pc->controls);
  g_free (pc);
}

void
ns_param_controls_get (const NsParamControls *pc, NsParams *params)
{
  for (int i = 0; i < pc->n; i++)
    ns_param_set (pc->controls[i].spec, params, control_value (&pc->controls[i]));
}

void
ns_param_controls_reset (NsParamControls *pc)
{
  pc->resetting = TRUE;
  for (int i = 0; i < pc->n; i++)
    set_control_value (&pc->controls[i], pc->controls[i].spec->default_value);
  pc->resetting = FALSE;
  update_seed_sensitivity (pc);
}

void
ns_param_controls_update_estimate (NsParamControls *pc, const NsModel *model, const NsParams *params)
{
  for (int i = 0; i < pc->n; i++)
    if (pc->controls[i].size != NULL)
      ns_size_control_update_estimate (pc->controls[i].size, model, params);
}
