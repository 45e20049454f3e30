/* ns-plugin-i18n.h: the plug-in's text domain (GETTEXT_PACKAGE,
 * "gimp-neural-style"), bound before anything is shown. */
#pragma once

#include <glib.h>

/* Sets the locale from the environment and binds the text domain to the
 * first of: $NEURAL_STYLE_LOCALEDIR, a "locale" folder beside the executable
 * (where install.sh puts the catalogues), the installed locale folder. */
void        ns_plugin_i18n_init       (const char *executable);
/* The folder bound above, for gimp_plugin_domain_register(). */
const char *ns_plugin_i18n_locale_dir (void);
