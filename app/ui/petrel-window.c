/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PetrelWindow: the main window (ui/petrel-window.ui).  For now it shows an
 * empty state; it remembers its size and maximized state in GSettings
 * (im.petrel.Petrel: window-width, window-height, window-maximized).
 */
#define G_LOG_DOMAIN "petrel-window"

#include "petrel-window.h"

struct _PetrelWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (PetrelWindow, petrel_window, ADW_TYPE_APPLICATION_WINDOW)

/* Returns the application's settings, or NULL when the schema is not
 * installed: a run from the build tree then works and simply forgets the
 * window size, instead of aborting in g_settings_new(). */
static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, PETREL_APP_ID, TRUE);

  if (schema == NULL)
    {
      g_debug ("Schema %s not found; the window state is not kept", PETREL_APP_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
restore_window_state (PetrelWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (PetrelWindow *self)
{
  int width;
  int height;

  if (self->settings == NULL)
    return;

  /* While maximized, the default size still holds the unmaximized size,
   * which is the one to restore. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
petrel_window_close_request (GtkWindow *window)
{
  PetrelWindow *self = PETREL_WINDOW (window);

  save_window_state (self);

  return GTK_WINDOW_CLASS (petrel_window_parent_class)->close_request (window);
}

static void
petrel_window_dispose (GObject *object)
{
  PetrelWindow *self = PETREL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PETREL_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (petrel_window_parent_class)->dispose (object);
}

static void
petrel_window_class_init (PetrelWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = petrel_window_dispose;
  window_class->close_request = petrel_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/im/petrel/Petrel/ui/petrel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PetrelWindow, status_page);
}

static void
petrel_window_init (PetrelWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = dup_settings ();
  restore_window_state (self);
}

/**
 * petrel_window_new:
 * @application: the application the window belongs to
 *
 * Returns: (transfer none): a new main window, owned by GTK until
 *   gtk_window_destroy()
 */
PetrelWindow *
petrel_window_new (PetrelApplication *application)
{
  g_return_val_if_fail (PETREL_IS_APPLICATION (application), NULL);

  return g_object_new (PETREL_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
