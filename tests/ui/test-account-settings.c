/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Widget tests of the account settings (PetrelAccountSettingsWindow and
 * its page) over a real profile and PetrelAccounts: the form shows the
 * stored settings; saved changes reach accounts.ini and reconnect the
 * account with them (a listening socket sees the new connection); the
 * switch disables the account at once; a new password without a keyring
 * asks before it goes to the profile file; a bad port is refused in the
 * form; removing asks first and forgets the account.  No session bus: the
 * keyring is never reachable here.
 */
#include <glib/gstdio.h>
#include <string.h>

#include <adwaita.h>

#include "counting-listener.h"
#include "petrel-account-settings-window.h"

#define ROMEO "romeo@montague.lit"


static void
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
run_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}


static gboolean
not_busy (gpointer data)
{
  return !petrel_account_settings_page_get_busy (data);
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

static char *
read_accounts_ini (const char *profile)
{
  g_autofree char *path = g_build_filename (profile, "accounts.ini", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static gpointer
child (PetrelAccountSettingsPage *page,
       const char                *name)
{
  gpointer object = gtk_widget_get_template_child (GTK_WIDGET (page), PETREL_TYPE_ACCOUNT_SETTINGS_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static void
fill (PetrelAccountSettingsPage *page,
      const char                *name,
      const char                *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (page, name)), text);
}

static const char *
text_of (PetrelAccountSettingsPage *page,
         const char                *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (child (page, name)));
}

static void
save (PetrelAccountSettingsPage *page)
{
  gtk_widget_activate_action (GTK_WIDGET (page), "account.save", NULL);
  wait_until (not_busy, page);
}

/* The message dialog on screen (there is one at most), answered. */
static void
answer_dialog (const char *response)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *dialog = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        g_assert_null (dialog);
        dialog = l->data;
      }
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, response));

  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static PetrelAccounts *
open_profile (const char *profile,
              guint16     port)
{
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccounts *accounts;
  PetrelAccountRecord record = {
    .jid = (char *) ROMEO,
    .password = (char *) "pw",
    .host = (char *) "127.0.0.1",
    .port = port,
  };

  store = petrel_account_store_open (profile, &error);
  g_assert_no_error (error);
  g_assert_true (petrel_account_store_add (store, &record, &error));
  g_assert_no_error (error);

  accounts = petrel_accounts_new (profile, &error);
  g_assert_no_error (error);
  return accounts;
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
stop_accounts (PetrelAccounts *accounts)
{
  g_autoptr(GAsyncResult) result = NULL;

  petrel_accounts_stop_async (accounts, NULL, result_cb, &result);
  wait_until (result_set, &result);
  g_assert_true (petrel_accounts_stop_finish (accounts, result, NULL));
  /* The replaced sessions end politely too. */
  run_for (50);
}

static void
test_edit_disable_save (void)
{
  g_autofree char *profile = g_dir_make_tmp ("petrel-ui-XXXXXX", NULL);
  g_autofree char *old_port = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(PetrelAccountRecord) settings = NULL;
  CountingListener first = { 0 }, second = { 0 };
  PetrelAccountSettingsWindow *window;
  PetrelAccountSettingsPage *page;
  PetrelAccounts *accounts;
  PetrelAccount *account;
  guint attempts;

  counting_listener_init (&first);
  counting_listener_init (&second);
  accounts = open_profile (profile, first.port);
  account = petrel_accounts_lookup (accounts, ROMEO);
  petrel_accounts_start (accounts);
  wait_until (counting_listener_has_attempt, &first);

  window = petrel_account_settings_window_new (accounts);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  page = petrel_account_settings_window_show_account (window, ROMEO);
  g_assert_nonnull (page);
  g_assert_true (petrel_account_settings_window_get_page (window) == page);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* The stored settings. */
  old_port = g_strdup_printf ("%u", first.port);
  g_assert_cmpstr (text_of (page, "host_row"), ==, "127.0.0.1");
  g_assert_cmpstr (text_of (page, "port_row"), ==, old_port);
  g_assert_cmpuint (adw_combo_row_get_selected (child (page, "transport_row")), ==, 0);
  g_assert_true (gtk_switch_get_active (child (page, "enabled_switch")));
  g_assert_cmpstr (adw_action_row_get_subtitle (child (page, "password_location_row")), ==,
                   "In the profile folder, readable only by your user");

  /* Edited and saved: in the file, and the account reconnects there. */
  {
    g_autofree char *port = g_strdup_printf ("%u", second.port);

    fill (page, "host_row", " localhost ");
    fill (page, "port_row", port);
  }
  /* TCP, so the new connection is the listener's to see; the WebSocket
   * URL is kept for when the transport is switched. */
  adw_combo_row_set_selected (child (page, "transport_row"), 1);
  fill (page, "websocket_row", "wss://montague.lit/xmpp-websocket");
  fill (page, "resource_row", "desk");
  gtk_switch_set_active (child (page, "direct_tls_switch"), TRUE);
  save (page);
  g_assert_null (petrel_account_settings_page_get_error_message (page));

  contents = read_accounts_ini (profile);
  expected = g_strdup_printf ("[" ROMEO "]\n"
                              "password=pw\n"
                              "host=localhost\n"
                              "port=%u\n"
                              "direct-tls=true\n"
                              "resource=desk\n"
                              "transport=tcp\n"
                              "websocket-url=wss://montague.lit/xmpp-websocket\n",
                              second.port);
  g_assert_cmpstr (contents, ==, expected);
  settings = petrel_accounts_dup_settings (accounts, ROMEO);
  g_assert_cmpstr (settings->host, ==, "localhost");
  g_assert_cmpuint (settings->port, ==, second.port);
  g_assert_cmpstr (settings->transport, ==, "tcp");
  g_assert_cmpstr (settings->websocket_url, ==, "wss://montague.lit/xmpp-websocket");
  wait_until (counting_listener_has_attempt, &second);
  /* The form shows what was stored. */
  g_assert_cmpuint (adw_combo_row_get_selected (child (page, "transport_row")), ==, 1);
  g_assert_cmpstr (text_of (page, "host_row"), ==, "localhost");

  /* The switch disables at once: remembered, and no more connecting. */
  gtk_switch_set_active (child (page, "enabled_switch"), FALSE);
  g_assert_false (petrel_account_get_enabled (account));
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);
  g_clear_pointer (&contents, g_free);
  contents = read_accounts_ini (profile);
  g_assert_nonnull (strstr (contents, "disabled=true\n"));

  /* Saving a change while disabled keeps it so, and connects nowhere. */
  attempts = first.attempts + second.attempts;
  fill (page, "resource_row", "garden");
  save (page);
  g_assert_null (petrel_account_settings_page_get_error_message (page));
  g_clear_pointer (&contents, g_free);
  contents = read_accounts_ini (profile);
  g_assert_nonnull (strstr (contents, "disabled=true\n"));
  g_assert_nonnull (strstr (contents, "resource=garden\n"));
  run_for (300);
  g_assert_cmpuint (first.attempts + second.attempts, ==, attempts);
  g_assert_cmpint (petrel_account_get_state (account), ==, PETREL_ACCOUNT_OFFLINE);
  g_assert_false (gtk_switch_get_active (child (page, "enabled_switch")));

  /* Enabled again: it connects. */
  gtk_switch_set_active (child (page, "enabled_switch"), TRUE);
  g_assert_true (petrel_account_get_enabled (account));
  g_clear_pointer (&contents, g_free);
  contents = read_accounts_ini (profile);
  g_assert_null (strstr (contents, "disabled"));
  run_for (300);
  g_assert_cmpuint (second.attempts, >, attempts - first.attempts);

  stop_accounts (accounts);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_assert_finalize_object (accounts);
  counting_listener_clear (&first);
  counting_listener_clear (&second);
  remove_tree (profile);
}

static void
test_password_bad_port_and_remove (void)
{
  g_autofree char *profile = g_dir_make_tmp ("petrel-ui-XXXXXX", NULL);
  g_autofree char *contents = NULL;
  CountingListener listener = { 0 };
  PetrelAccountSettingsWindow *window;
  PetrelAccountSettingsPage *page;
  PetrelAccounts *accounts;

  counting_listener_init (&listener);
  accounts = open_profile (profile, listener.port);

  window = petrel_account_settings_window_new (accounts);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  page = petrel_account_settings_window_show_account (window, ROMEO);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* No keyring: the user is asked; "Cancel" changes nothing. */
  fill (page, "password_row", "wherefore");
  save (page);
  answer_dialog ("cancel");
  g_assert_false (petrel_account_settings_page_get_busy (page));
  contents = read_accounts_ini (profile);
  g_assert_nonnull (strstr (contents, "password=pw\n"));

  /* "Keep in Profile": the new password is in the 0600 file. */
  save (page);
  answer_dialog ("keep");
  wait_until (not_busy, page);
  g_assert_null (petrel_account_settings_page_get_error_message (page));
  g_clear_pointer (&contents, g_free);
  contents = read_accounts_ini (profile);
  g_assert_nonnull (strstr (contents, "password=wherefore\n"));
  g_assert_null (strstr (contents, "password=pw\n"));
  g_assert_cmpstr (text_of (page, "password_row"), ==, "");

  /* A port out of range never leaves the form. */
  fill (page, "port_row", "99999");
  save (page);
  g_assert_nonnull (strstr (petrel_account_settings_page_get_error_message (page), "65535"));
  g_assert_true (gtk_widget_has_css_class (child (page, "port_row"), "error"));
  g_clear_pointer (&contents, g_free);
  contents = read_accounts_ini (profile);
  g_assert_null (strstr (contents, "99999"));

  /* Removing asks first; then the account is gone from list and file. */
  gtk_widget_activate_action (GTK_WIDGET (page), "account.remove", NULL);
  answer_dialog ("cancel");
  g_assert_nonnull (petrel_accounts_lookup (accounts, ROMEO));
  gtk_widget_activate_action (GTK_WIDGET (page), "account.remove", NULL);
  answer_dialog ("remove");
  g_assert_null (petrel_accounts_lookup (accounts, ROMEO));
  g_assert_cmpuint (g_list_model_get_n_items (petrel_accounts_get_accounts (accounts)), ==, 0);
  g_clear_pointer (&contents, g_free);
  contents = read_accounts_ini (profile);
  g_assert_null (strstr (contents, ROMEO));
  run_for (50);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_assert_finalize_object (accounts);
  counting_listener_clear (&listener);
  remove_tree (profile);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = g_dir_make_tmp ("petrel-runtime-XXXXXX", NULL);

  /* Never the user's keyring: no session bus at all. */
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
  g_setenv ("GIO_USE_NETWORK_MONITOR", "base", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/account-settings/edit-disable-save", test_edit_disable_save);
  g_test_add_func ("/ui/account-settings/password-bad-port-and-remove", test_password_bad_port_and_remove);

  return g_test_run ();
}
