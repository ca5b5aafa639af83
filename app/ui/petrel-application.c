/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelApplication: the GTK front end's process-wide object.  It owns the
 * app.* actions and opens the main window on activation.
 */
#define G_LOG_DOMAIN "petrel-application"

#include <glib/gi18n.h>

#include "petrel-application.h"
#include "petrel-window.h"

struct _PetrelApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PetrelApplication, petrel_application, ADW_TYPE_APPLICATION)

static void
petrel_application_activate (GApplication *app)
{
  PetrelApplication *self = PETREL_APPLICATION (app);
  GtkWindow         *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (petrel_window_new (self));

  gtk_window_present (window);
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PetrelApplication *self = user_data;
  GtkWindow         *parent;

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (parent,
                         "application-name", _("Petrel"),
                         "application-icon", PETREL_APP_ID,
                         "developer-name", _("Petrel developers"),
                         "version", PETREL_VERSION,
                         "website", "https://petrel.im",
                         "copyright", _("© 2026 Petrel developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: replace with your names, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  PetrelApplication *self = user_data;
  g_autolist (GtkWindow) windows = NULL;

  /* Closing each window, rather than g_application_quit(), lets every
   * window run its close-request (where it saves its state and may later
   * refuse, e.g. with unsent messages); the application exits once the
   * last window is gone.  The list is copied because closing a window
   * removes it from the application's list. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    windows = g_list_prepend (windows, g_object_ref (l->data));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action_cb },
  { .name = "quit", .activate = quit_action_cb },
};

static void
petrel_application_class_init (PetrelApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = petrel_application_activate;
}

static void
petrel_application_init (PetrelApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.quit",
                                         (const char *[]){ "<primary>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "window.close",
                                         (const char *[]){ "<primary>w", NULL });
}

/**
 * petrel_application_new:
 *
 * Returns: (transfer full): the application, with id im.petrel.Petrel
 */
PetrelApplication *
petrel_application_new (void)
{
  return g_object_new (PETREL_TYPE_APPLICATION,
                       "application-id", PETREL_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/im/petrel/Petrel",
                       NULL);
}
