/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Widget tests of the main window and the application object.  They run on
 * a display (Xvfb under `meson test`) with GSETTINGS_BACKEND=memory and the
 * schema compiled in the build tree.
 */
#include <adwaita.h>

#include "petrel-application.h"
#include "petrel-window.h"

/* Fails early and clearly if the test environment does not point
 * GSETTINGS_SCHEMA_DIR at the compiled schema; the window would otherwise
 * quietly run without settings and the tests below would prove nothing. */
static void
assert_schema_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  g_assert_nonnull (source);
  schema = g_settings_schema_source_lookup (source, PETREL_APP_ID, TRUE);
  g_assert_nonnull (schema);
}

/* Returns a window and a reference the caller owns besides GTK's. */
static PetrelWindow *
new_window (void)
{
  PetrelWindow *window = g_object_new (PETREL_TYPE_WINDOW, NULL);

  return g_object_ref (window);
}

static void
test_window_shows_empty_state (void)
{
  PetrelWindow *window = new_window ();
  GtkWidget    *status_page;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Petrel");

  status_page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                           PETREL_TYPE_WINDOW,
                                                           "status_page"));
  g_assert_true (ADW_IS_STATUS_PAGE (status_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status_page)),
                   ==, "No accounts yet");
  g_assert_nonnull (adw_status_page_get_description (ADW_STATUS_PAGE (status_page)));
  g_assert_nonnull (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status_page)));

  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_assert_true (gtk_widget_get_mapped (status_page));
  g_assert_true (gtk_widget_is_drawable (status_page));
  g_assert_cmpint (gtk_widget_get_width (status_page), >, 0);
  g_assert_cmpint (gtk_widget_get_height (status_page), >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_restores_size (void)
{
  g_autoptr (GSettings) settings = g_settings_new (PETREL_APP_ID);
  PetrelWindow *window;
  int           width;
  int           height;

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);

  window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);
  g_assert_false (gtk_window_is_maximized (GTK_WINDOW (window)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_window_saves_size_on_close (void)
{
  g_autoptr (GSettings) settings = g_settings_new (PETREL_APP_ID);
  PetrelWindow *window = new_window ();

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Closing runs close-request, which saves and then destroys the window. */
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 480);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_assert_finalize_object (window);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
}

static void
test_application_actions (void)
{
  PetrelApplication *app = petrel_application_new ();
  g_auto (GStrv) quit_accels = NULL;

  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)),
                   ==, "im.petrel.Petrel");
  /* GActionGroup queries need a registered application; the map does not. */
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "about"));
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "quit"));

  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpuint (g_strv_length (quit_accels), ==, 1);
  g_assert_cmpstr (quit_accels[0], ==, "<Control>q");

  g_assert_finalize_object (app);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  assert_schema_installed ();

  g_test_add_func ("/ui/window/shows-empty-state", test_window_shows_empty_state);
  g_test_add_func ("/ui/window/restores-size", test_window_restores_size);
  g_test_add_func ("/ui/window/saves-size-on-close", test_window_saves_size_on_close);
  g_test_add_func ("/ui/application/actions", test_application_actions);

  return g_test_run ();
}
