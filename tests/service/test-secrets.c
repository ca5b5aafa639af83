/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for petrel-secrets.c and the keyring flag of accounts.ini.
 *
 * They never reach the user's keyring: the session bus is absent, a
 * socket that never answers, or a private bus (GTestDBus).  The round
 * trip through a real Secret Service runs only where gnome-keyring is
 * installed, with its own daemon and keyring directory on the private bus.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "petrel-account-store.h"
#include "petrel-secrets.h"
#include "store-test.h"

#define JID "romeo@montague.lit"

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  return *result;
}

/* Every call fails with NO_SECRET_SERVICE, and none takes long. */
static void
assert_unavailable (gint64 max_usec)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccountRecord record = { .jid = (char *) JID, .password_in_keyring = TRUE };
  PetrelAccountRecord in_file = { .jid = (char *) JID, .password = (char *) "pw" };
  gint64 start = g_get_monotonic_time ();
  char *password;

  g_assert_false (petrel_secrets_available (NULL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, max_usec);

  g_assert_false (petrel_secrets_store_sync (JID, "pw", NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);
  password = petrel_secrets_lookup_sync (JID, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);
  g_assert_false (petrel_secrets_clear_sync (JID, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);

  petrel_secrets_lookup_async (JID, NULL, result_cb, &result);
  password = petrel_secrets_lookup_finish (wait_result (&result), &error);
  g_assert_null (password);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);
  g_clear_object (&result);

  petrel_secrets_store_async (JID, "pw", NULL, result_cb, &result);
  g_assert_false (petrel_secrets_store_finish (wait_result (&result), &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);

  /* petrel-cli's path: a keyring account cannot load, a file one can. */
  g_assert_false (petrel_secrets_fill_record (&record, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_assert_null (record.password);
  g_clear_error (&error);
  g_assert_true (petrel_secrets_fill_record (&in_file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (in_file.password, ==, "pw");
}

static void
test_no_session_bus (void)
{
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");

  /* No address and no $XDG_RUNTIME_DIR/bus: no bus, answered at once. */
  assert_unavailable (G_USEC_PER_SEC / 2);

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
  assert_unavailable (G_USEC_PER_SEC / 2);
}

static void
test_silent_bus_does_not_hang (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "bus", NULL);
  g_autofree char *address = g_strdup_printf ("unix:path=%s", path);
  g_autoptr(GSocketAddress) socket_address = g_unix_socket_address_new (path);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* Connections are taken (the kernel's backlog) and never answered,
   * like a wedged bus daemon: the D-Bus handshake would wait forever. */
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, socket_address, TRUE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  g_assert_no_error (error);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  start = g_get_monotonic_time ();
  g_assert_false (petrel_secrets_available (NULL));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  g_socket_close (socket, NULL);
  g_unlink (path);
  store_test_remove_dir (dir);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
}

static void
test_private_bus_without_service (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

  g_test_dbus_up (bus);
  /* The bus daemon answers at once that nobody owns the name and nothing
   * can start it. */
  assert_unavailable (G_USEC_PER_SEC);
  g_test_dbus_down (bus);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
}

static void
test_account_store_keyring_flag (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.ini", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(PetrelAccountStore) store = NULL;
  g_autoptr(PetrelAccountRecord) keyring = NULL;
  g_autoptr(PetrelAccountRecord) file = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccountRecord in_keyring = {
    .jid = (char *) JID,
    .password = (char *) "kept-elsewhere",
    .password_in_keyring = TRUE,
  };
  PetrelAccountRecord in_file = {
    .jid = (char *) "juliet@capulet.lit",
    .password = (char *) "in-the-file",
  };
  GStatBuf st;

  store = petrel_account_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (petrel_account_store_add (store, &in_keyring, &error));
  g_assert_true (petrel_account_store_add (store, &in_file, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "password-in-keyring=true"));
  g_assert_null (strstr (contents, "kept-elsewhere"));
  g_assert_nonnull (strstr (contents, "in-the-file"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_clear_pointer (&store, petrel_account_store_free);
  store = petrel_account_store_open (dir, &error);
  g_assert_no_error (error);
  keyring = petrel_account_store_get (store, JID, &error);
  g_assert_no_error (error);
  g_assert_true (keyring->password_in_keyring);
  g_assert_null (keyring->password);
  file = petrel_account_store_get (store, "juliet@capulet.lit", &error);
  g_assert_no_error (error);
  g_assert_false (file->password_in_keyring);
  g_assert_cmpstr (file->password, ==, "in-the-file");

  store_test_remove_dir (dir);
}

/* A real Secret Service: gnome-keyring on a private bus. */

/* The daemons end with the test, even when it is killed at its timeout. */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/* A bus daemon of our own rather than GTestDBus: libsecret keeps proxies
 * (and so the shared connection) alive after secret_service_disconnect (),
 * and g_test_dbus_down () would wait for them in vain.  The configuration
 * names no service directories, so nothing (least of all the user's
 * keyring daemon) can be started on it by activation. */
static GSubprocess *
start_bus (const char  *dir,
           char       **out_address)
{
  g_autofree char *config = g_build_filename (dir, "bus.conf", NULL);
  g_autofree char *config_text = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  char *address;

  config_text = g_strdup_printf ("<busconfig><type>session</type><listen>unix:tmpdir=%s</listen>"
                                 "<policy context=\"default\"><allow send_destination=\"*\"/>"
                                 "<allow receive_sender=\"*\"/><allow own=\"*\"/></policy>"
                                 "</busconfig>", dir);
  g_assert_true (g_file_set_contents (config, config_text, -1, &error));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--nofork", "--print-address=1",
                                         "--config-file", config, NULL);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  *out_address = address;

  return g_steal_pointer (&process);
}

static void
stop_bus (GSubprocess *bus)
{
  g_autoptr(GDBusConnection) connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  /* A shared connection ends the process when its bus goes away. */
  if (connection != NULL)
    g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_subprocess_send_signal (bus, SIGTERM);
  g_subprocess_wait (bus, NULL, NULL);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/petrel-test-bus", TRUE);
}

static gboolean
wait_for_service (void)
{
  for (guint i = 0; i < 100; i++)
    {
      if (petrel_secrets_available (NULL))
        return TRUE;
      g_usleep (100 * 1000);
    }

  return FALSE;
}

static void
test_keyring_round_trip (void)
{
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autoptr(GSubprocess) bus = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *runtime_dir = NULL;
  g_autofree char *password = NULL;
  GOutputStream *input;
  PetrelAccountRecord record = { .jid = (char *) JID, .password_in_keyring = TRUE };

  if (daemon == NULL)
    {
      g_test_skip ("gnome-keyring is not installed");
      return;
    }

  dir = store_test_make_dir ();
  data_dir = g_build_filename (dir, "data", NULL);
  runtime_dir = g_build_filename (dir, "run", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (runtime_dir, 0700), ==, 0);

  bus = start_bus (dir, &address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  /* --unlock reads the password of a new login keyring from stdin and
   * makes it the default collection: no prompt anywhere. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  /* Our fatal-warnings are not the daemon's: replacing an item makes it
   * warn about its own bookkeeping. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, daemon, "--foreground", "--unlock",
                                         "--components=secrets", NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (process);
  g_output_stream_write_all (input, "test", 4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (input, NULL, NULL);

  if (!wait_for_service ())
    {
      g_subprocess_force_exit (process);
      petrel_secrets_disconnect ();
      stop_bus (bus);
      store_test_remove_dir (dir);
      g_test_skip ("gnome-keyring-daemon did not start on the private bus");
      return;
    }

  g_assert_true (petrel_secrets_store_sync (JID, "wherefore", NULL, &error));
  g_assert_no_error (error);
  password = petrel_secrets_lookup_sync (JID, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "wherefore");
  g_clear_pointer (&password, petrel_secrets_password_free);

  /* Replaced, not added twice. */
  petrel_secrets_store_async (JID, "art thou", NULL, result_cb, &result);
  g_assert_true (petrel_secrets_store_finish (wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  petrel_secrets_lookup_async (JID, NULL, result_cb, &result);
  password = petrel_secrets_lookup_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "art thou");
  g_clear_pointer (&password, petrel_secrets_password_free);
  g_clear_object (&result);

  g_assert_true (petrel_secrets_fill_record (&record, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (record.password, ==, "art thou");
  g_clear_pointer (&record.password, petrel_secrets_password_free);

  /* Another account has none. */
  password = petrel_secrets_lookup_sync ("juliet@capulet.lit", NULL, &error);
  g_assert_null (password);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  petrel_secrets_clear_async (JID, NULL, result_cb, &result);
  g_assert_true (petrel_secrets_clear_finish (wait_result (&result), &error));
  g_assert_no_error (error);
  password = petrel_secrets_lookup_sync (JID, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Clearing what is not there is fine. */
  g_assert_true (petrel_secrets_clear_sync (JID, NULL, &error));
  g_assert_no_error (error);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  petrel_secrets_disconnect ();
  stop_bus (bus);
  store_test_remove_dir (dir);
}

/* gnome-keyring on a private bus, as in the round trip; with @unlock a
 * login keyring is created and made the default collection, without it
 * there is no collection at all.  No prompter exists on this bus, so any
 * prompt fails or counts as dismissed.  Returns %NULL (test skipped) where
 * gnome-keyring is missing or does not start. */
typedef struct
{
  char *dir;
  GSubprocess *bus;
  GSubprocess *daemon;
} Keyring;

static gboolean
keyring_start (Keyring  *keyring,
               gboolean  unlock)
{
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *address = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *runtime_dir = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  if (daemon == NULL)
    {
      g_test_skip ("gnome-keyring is not installed");
      return FALSE;
    }

  keyring->dir = store_test_make_dir ();
  data_dir = g_build_filename (keyring->dir, "data", NULL);
  runtime_dir = g_build_filename (keyring->dir, "run", NULL);
  g_assert_cmpint (g_mkdir (data_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (runtime_dir, 0700), ==, 0);

  keyring->bus = start_bus (keyring->dir, &address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  launcher = g_subprocess_launcher_new ((unlock ? G_SUBPROCESS_FLAGS_STDIN_PIPE : G_SUBPROCESS_FLAGS_NONE) |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", keyring->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  if (unlock)
    keyring->daemon = g_subprocess_launcher_spawn (launcher, &error, daemon, "--foreground", "--unlock",
                                                   "--components=secrets", NULL);
  else
    keyring->daemon = g_subprocess_launcher_spawn (launcher, &error, daemon, "--foreground",
                                                   "--components=secrets", NULL);
  g_assert_no_error (error);
  if (unlock)
    {
      GOutputStream *input = g_subprocess_get_stdin_pipe (keyring->daemon);

      g_output_stream_write_all (input, "test", 4, NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (input, NULL, NULL);
    }

  if (!wait_for_service ())
    {
      g_test_skip ("gnome-keyring-daemon did not start on the private bus");
      return FALSE;
    }

  return TRUE;
}

static void
keyring_stop (Keyring *keyring)
{
  if (keyring->daemon != NULL)
    {
      g_subprocess_send_signal (keyring->daemon, SIGTERM);
      g_subprocess_wait (keyring->daemon, NULL, NULL);
      g_clear_object (&keyring->daemon);
    }
  petrel_secrets_disconnect ();
  if (keyring->bus != NULL)
    {
      stop_bus (keyring->bus);
      g_clear_object (&keyring->bus);
    }
  if (keyring->dir != NULL)
    store_test_remove_dir (keyring->dir);
  g_clear_pointer (&keyring->dir, g_free);
}

static void
test_keyring_without_collection (void)
{
  Keyring keyring = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A process of its own: libsecret keeps the shared connection to an
   * earlier test's bus, which is gone. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  if (!keyring_start (&keyring, FALSE))
    {
      keyring_stop (&keyring);
      return;
    }

  /* A Secret Service that answers, but without a default collection
   * ("no login keyring") and nobody to create one. */
  g_assert_true (petrel_secrets_available (NULL));
  petrel_secrets_store_async (JID, "wherefore", NULL, result_cb, &result);
  g_assert_false (petrel_secrets_store_finish (wait_result (&result), &error));
  g_test_message ("storing without a collection: %s", error->message);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);

  keyring_stop (&keyring);
}

static void
lock_all (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *collections[] = { "/org/freedesktop/secrets/collection/login", NULL };

  g_assert_nonnull (bus);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "Lock",
                                       g_variant_new ("(^ao)", collections), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

static void
test_keyring_locked (void)
{
  Keyring keyring = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  /* A process of its own: libsecret keeps the shared connection to an
   * earlier test's bus, which is gone. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC,
                              G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  if (!keyring_start (&keyring, TRUE))
    {
      keyring_stop (&keyring);
      return;
    }

  g_assert_true (petrel_secrets_store_sync (JID, "wherefore", NULL, &error));
  g_assert_no_error (error);

  /* Locked, and the unlock prompt goes nowhere (dismissed). */
  lock_all ();
  petrel_secrets_lookup_async (JID, NULL, result_cb, &result);
  password = petrel_secrets_lookup_finish (wait_result (&result), &error);
  g_assert_null (password);
  g_test_message ("reading from a locked keyring: %s", error->message);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Still "none" for an account that has no item at all. */
  password = petrel_secrets_lookup_sync ("juliet@capulet.lit", NULL, &error);
  g_assert_null (password);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  petrel_secrets_store_async (JID, "art thou", NULL, result_cb, &result);
  g_assert_false (petrel_secrets_store_finish (wait_result (&result), &error));
  g_test_message ("storing into a locked keyring: %s", error->message);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NO_SECRET_SERVICE);

  keyring_stop (&keyring);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = g_dir_make_tmp ("petrel-runtime-XXXXXX", NULL);

  /* Never the user's bus: the runtime dir (and its "bus" socket) is an
   * empty one of ours, and GTestDBus forgets the user's address. */
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_test_dbus_unset ();

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secrets/no-session-bus", test_no_session_bus);
  g_test_add_func ("/secrets/silent-bus-does-not-hang", test_silent_bus_does_not_hang);
  g_test_add_func ("/secrets/private-bus-without-service", test_private_bus_without_service);
  g_test_add_func ("/secrets/account-store-keyring-flag", test_account_store_keyring_flag);
  g_test_add_func ("/secrets/keyring-round-trip", test_keyring_round_trip);
  g_test_add_func ("/secrets/keyring-without-collection", test_keyring_without_collection);
  g_test_add_func ("/secrets/keyring-locked", test_keyring_locked);

  return g_test_run ();
}
