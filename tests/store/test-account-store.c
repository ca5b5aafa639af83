/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelAccountStore (accounts.ini): updating an account in
 * place, the disabled flag and the connection fields across a reopen,
 * and a password moving between the file and the keyring.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "petrel-account-store.h"
#include "store-test.h"

#define ROMEO "romeo@montague.lit"
#define JULIET "juliet@capulet.lit"

static char *
read_file (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "accounts.ini", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static PetrelAccountStore *
open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  PetrelAccountStore *store = petrel_account_store_open (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
test_update_round_trip (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.ini", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(PetrelAccountStore) store = open_store (dir);
  g_autoptr(PetrelAccountRecord) got = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jids = NULL;
  PetrelAccountRecord romeo = {
    .jid = (char *) ROMEO,
    .password = (char *) "wherefore",
    .host = (char *) "xmpp.montague.lit",
    .port = 5223,
    .direct_tls = TRUE,
    .resource = (char *) "balcony",
  };
  PetrelAccountRecord juliet = { .jid = (char *) JULIET, .password = (char *) "nurse" };
  PetrelAccountRecord changed = {
    .jid = (char *) ROMEO,
    .password = (char *) "art thou",
    .host = NULL,
    .port = 0,
    .transport = (char *) "websocket",
    .websocket_url = (char *) "wss://montague.lit/xmpp-websocket",
    .bosh_url = (char *) "https://montague.lit/http-bind",
    .resource = (char *) "garden",
    .disabled = TRUE,
  };
  GStatBuf st;

  g_assert_true (petrel_account_store_add (store, &romeo, &error));
  g_assert_true (petrel_account_store_add (store, &juliet, &error));
  g_assert_no_error (error);

  g_assert_true (petrel_account_store_update (store, &changed, &error));
  g_assert_no_error (error);

  contents = read_file (dir);
  g_assert_cmpstr (contents, ==,
                   "[" ROMEO "]\n"
                   "password=art thou\n"
                   "resource=garden\n"
                   "transport=websocket\n"
                   "websocket-url=wss://montague.lit/xmpp-websocket\n"
                   "bosh-url=https://montague.lit/http-bind\n"
                   "disabled=true\n"
                   "\n"
                   "[" JULIET "]\n"
                   "password=nurse\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Read back from the file, in the same order as before. */
  g_clear_pointer (&store, petrel_account_store_free);
  store = open_store (dir);
  jids = petrel_account_store_list (store);
  g_assert_cmpuint (g_strv_length (jids), ==, 2);
  g_assert_cmpstr (jids[0], ==, ROMEO);
  g_assert_cmpstr (jids[1], ==, JULIET);
  got = petrel_account_store_get (store, ROMEO, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->password, ==, "art thou");
  g_assert_null (got->host);
  g_assert_cmpuint (got->port, ==, 0);
  g_assert_false (got->direct_tls);
  g_assert_cmpstr (got->resource, ==, "garden");
  g_assert_cmpstr (got->transport, ==, "websocket");
  g_assert_cmpstr (got->websocket_url, ==, "wss://montague.lit/xmpp-websocket");
  g_assert_cmpstr (got->bosh_url, ==, "https://montague.lit/http-bind");
  g_assert_true (got->disabled);

  /* Enabled again: the flag is gone from the file. */
  got->disabled = FALSE;
  g_assert_true (petrel_account_store_update (store, got, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  contents = read_file (dir);
  g_assert_null (strstr (contents, "disabled"));
  g_clear_pointer (&got, petrel_account_record_free);
  got = petrel_account_store_get (store, ROMEO, &error);
  g_assert_false (got->disabled);

  store_test_remove_dir (dir);
}

static void
test_update_password_to_keyring (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *contents = NULL;
  g_autoptr(PetrelAccountStore) store = open_store (dir);
  g_autoptr(PetrelAccountRecord) got = NULL;
  g_autoptr(PetrelAccountRecord) copy = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccountRecord romeo = { .jid = (char *) ROMEO, .password = (char *) "in-the-file" };

  g_assert_true (petrel_account_store_add (store, &romeo, &error));
  g_assert_no_error (error);

  /* The password moved to the keyring: no copy may stay in the file. */
  copy = petrel_account_record_copy (&romeo);
  copy->password_in_keyring = TRUE;
  g_assert_true (petrel_account_store_update (store, copy, &error));
  g_assert_no_error (error);
  contents = read_file (dir);
  g_assert_cmpstr (contents, ==, "[" ROMEO "]\npassword-in-keyring=true\n");
  got = petrel_account_store_get (store, ROMEO, &error);
  g_assert_true (got->password_in_keyring);
  g_assert_null (got->password);

  /* And back to the file. */
  g_clear_pointer (&got, petrel_account_record_free);
  copy->password_in_keyring = FALSE;
  g_assert_true (petrel_account_store_update (store, copy, &error));
  g_clear_pointer (&contents, g_free);
  contents = read_file (dir);
  g_assert_cmpstr (contents, ==, "[" ROMEO "]\npassword=in-the-file\n");

  store_test_remove_dir (dir);
}

static void
test_update_unknown (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autoptr(PetrelAccountStore) store = open_store (dir);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) jids = NULL;
  PetrelAccountRecord nobody = { .jid = (char *) JULIET, .host = (char *) "capulet.lit" };

  g_assert_false (petrel_account_store_update (store, &nobody, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  jids = petrel_account_store_list (store);
  g_assert_cmpuint (g_strv_length (jids), ==, 0);

  store_test_remove_dir (dir);
}

static void
test_update_failure_keeps_store (void)
{
  g_autofree char *dir = store_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "accounts.ini", NULL);
  g_autoptr(PetrelAccountStore) store = open_store (dir);
  g_autoptr(PetrelAccountRecord) got = NULL;
  g_autoptr(GError) error = NULL;
  PetrelAccountRecord romeo = { .jid = (char *) ROMEO, .host = (char *) "montague.lit" };
  PetrelAccountRecord changed = { .jid = (char *) ROMEO, .host = (char *) "elsewhere.lit", .disabled = TRUE };

  g_assert_true (petrel_account_store_add (store, &romeo, &error));
  g_assert_no_error (error);

  /* A folder where the file was: the new file cannot replace it (not
   * even for root), and nothing changes. */
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_false (petrel_account_store_update (store, &changed, &error));
  g_assert_nonnull (error);
  got = petrel_account_store_get (store, ROMEO, NULL);
  g_assert_cmpstr (got->host, ==, "montague.lit");
  g_assert_false (got->disabled);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));

  store_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account-store/update-round-trip", test_update_round_trip);
  g_test_add_func ("/account-store/update-password-to-keyring", test_update_password_to_keyring);
  g_test_add_func ("/account-store/update-unknown", test_update_unknown);
  g_test_add_func ("/account-store/update-failure-keeps-store", test_update_failure_keeps_store);

  return g_test_run ();
}
