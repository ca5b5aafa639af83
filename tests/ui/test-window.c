/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Widget tests of the main window and the application object.  They run on
 * a display (Xvfb under `meson test`) with GSETTINGS_BACKEND=memory and the
 * schema compiled in the build tree.
 */
#include <glib/gstdio.h>

#include <adwaita.h>

#include "petrel-application.h"
#include "petrel-conversation-sidebar.h"
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
new_window (PetrelAccounts *accounts)
{
  PetrelWindow *window = g_object_new (PETREL_TYPE_WINDOW, "accounts", accounts, NULL);

  return g_object_ref (window);
}

static gpointer
child (PetrelWindow *window,
       const char   *name)
{
  gpointer object = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (window), PETREL_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
test_window_shows_empty_state (void)
{
  PetrelWindow *window = new_window (NULL);
  GtkWidget    *status_page;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Petrel");

  status_page = child (window, "status_page");
  g_assert_true (ADW_IS_STATUS_PAGE (status_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status_page)),
                   ==, "No Conversation Selected");
  g_assert_nonnull (adw_status_page_get_description (ADW_STATUS_PAGE (status_page)));
  g_assert_nonnull (adw_status_page_get_icon_name (ADW_STATUS_PAGE (status_page)));

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_assert_true (gtk_widget_get_mapped (status_page));
  g_assert_true (gtk_widget_is_drawable (status_page));
  g_assert_cmpint (gtk_widget_get_width (status_page), >, 0);
  g_assert_cmpint (gtk_widget_get_height (status_page), >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static gboolean
is_folded_after_draw (int width)
{
  PetrelWindow *window = new_window (NULL);
  AdwLeaflet   *leaflet;
  gboolean      folded;

  gtk_window_set_default_size (GTK_WINDOW (window), width, 600);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  leaflet = child (window, "leaflet");
  folded = adw_leaflet_get_folded (leaflet);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, MAX (width, 360));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  return folded;
}

static void
test_window_folds_when_narrow (void)
{
  /* One pane at phone width, both side by side on a desktop. */
  g_assert_true (is_folded_after_draw (360));
  g_assert_false (is_folded_after_draw (1000));
}

static void
test_window_jump_to_chat (void)
{
  PetrelWindow *window = new_window (NULL);
  PetrelConversationSidebar *sidebar = child (window, "conversation_sidebar");
  GtkWidget *search = (gpointer) gtk_widget_get_template_child (GTK_WIDGET (sidebar), PETREL_TYPE_CONVERSATION_SIDEBAR,
                                                     "search_entry");
  GtkWidget *focus;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 600);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Folded on the content pane: Ctrl+K brings back the list's search. */
  adw_leaflet_set_visible_child_name (child (window, "leaflet"), "content");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.jump-to-chat", NULL));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (child (window, "leaflet")), ==, "sidebar");
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == search || gtk_widget_is_ancestor (focus, search));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-contacts", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (child (window, "sidebar_stack")), ==, "contacts");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child_path = g_build_filename (path, name, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        remove_tree (child_path);
      else
        g_unlink (child_path);
    }
  g_rmdir (path);
}

static void
test_window_with_accounts (void)
{
  g_autofree char *profile = g_dir_make_tmp ("petrel-ui-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;
  PetrelAccounts *accounts;
  PetrelWindow *window;

  accounts = petrel_accounts_new (profile, &error);
  g_assert_no_error (error);

  window = new_window (accounts);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* An unknown account: no conversation, a toast rather than a crash. */
  petrel_window_open_conversation (window, "nobody@example.org", "bob@example.org");
  g_assert_false (petrel_window_is_showing_conversation (window, "nobody@example.org", "bob@example.org"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_assert_finalize_object (accounts);

  remove_tree (profile);
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

  window = new_window (NULL);
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
  PetrelWindow *window = new_window (NULL);

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
  g_auto (GStrv) preferences_accels = NULL;
  GAction *open;

  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)),
                   ==, "im.petrel.Petrel");
  /* GActionGroup queries need a registered application; the map does not. */
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "about"));
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "quit"));
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "preferences"));
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "shortcuts"));
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "add-account"));
  /* The primary menu's "Accounts": the account settings. */
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "accounts"));
  open = g_action_map_lookup_action (G_ACTION_MAP (app), "account-settings");
  g_assert_nonnull (open);
  g_assert_true (g_variant_type_equal (g_action_get_parameter_type (open), G_VARIANT_TYPE_STRING));

  /* Notifications open a conversation by (account, peer). */
  open = g_action_map_lookup_action (G_ACTION_MAP (app), "open-conversation");
  g_assert_nonnull (open);
  g_assert_true (g_variant_type_equal (g_action_get_parameter_type (open), G_VARIANT_TYPE ("(ss)")));

  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpuint (g_strv_length (quit_accels), ==, 1);
  g_assert_cmpstr (quit_accels[0], ==, "<Control>q");
  preferences_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpuint (g_strv_length (preferences_accels), ==, 1);
  g_assert_cmpstr (preferences_accels[0], ==, "<Control>comma");

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
  g_test_add_func ("/ui/window/folds-when-narrow", test_window_folds_when_narrow);
  g_test_add_func ("/ui/window/jump-to-chat", test_window_jump_to_chat);
  g_test_add_func ("/ui/window/with-accounts", test_window_with_accounts);
  g_test_add_func ("/ui/window/restores-size", test_window_restores_size);
  g_test_add_func ("/ui/window/saves-size-on-close", test_window_saves_size_on_close);
  g_test_add_func ("/ui/application/actions", test_application_actions);

  return g_test_run ();
}
