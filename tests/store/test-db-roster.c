/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for the smaller tables of PetrelDb: accounts, conversations, the
 * versioned roster, entity-caps results and archive catch-up positions.
 */
#include "store-test.h"

static PetrelDbRosterItem *
item_new (const char           *jid,
          const char           *name,
          PetrelDbSubscription  subscription,
          gboolean              ask,
          const char *const    *groups)
{
  PetrelDbRosterItem *item = g_new0 (PetrelDbRosterItem, 1);

  item->jid = g_strdup (jid);
  item->name = g_strdup (name);
  item->subscription = subscription;
  item->ask = ask;
  item->groups = groups != NULL ? g_strdupv ((char **) groups) : NULL;

  return item;
}

static GPtrArray *
load (StoreFixture  *fixture,
      char         **out_ver)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = petrel_db_roster_load (fixture->db, fixture->account, out_ver, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static void
assert_groups (const PetrelDbRosterItem *item,
               const char *const        *expected)
{
  g_assert_nonnull (item->groups);
  g_assert_true (g_strv_equal ((const char *const *) item->groups, expected));
}

static void
test_roster_replace_and_load (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autofree char *ver = NULL;
  const char *capulets[] = { "Capulets", "Verona", "Capulets", NULL };
  const char *none[] = { NULL };
  PetrelDbRosterItem *item;

  /* Nothing stored yet: no items, no version. */
  loaded = load (fixture, &ver);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_null (ver);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  g_ptr_array_add (items, item_new ("tybalt@capulet.lit", "Tybalt", PETREL_DB_SUBSCRIPTION_NONE, TRUE, NULL));
  g_ptr_array_add (items, item_new ("juliet@capulet.lit", "Juliet", PETREL_DB_SUBSCRIPTION_BOTH, FALSE, capulets));
  g_ptr_array_add (items, item_new ("nurse@capulet.lit", NULL, PETREL_DB_SUBSCRIPTION_FROM, FALSE, NULL));
  g_assert_true (petrel_db_roster_replace (fixture->db, fixture->account, "ver1", items, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  loaded = load (fixture, &ver);
  g_assert_cmpstr (ver, ==, "ver1");
  g_assert_cmpuint (loaded->len, ==, 3);

  /* Ordered by JID; groups sorted and once each; every item has groups. */
  item = loaded->pdata[0];
  g_assert_cmpstr (item->jid, ==, "juliet@capulet.lit");
  g_assert_cmpstr (item->name, ==, "Juliet");
  g_assert_cmpint (item->subscription, ==, PETREL_DB_SUBSCRIPTION_BOTH);
  g_assert_false (item->ask);
  assert_groups (item, (const char *[]) { "Capulets", "Verona", NULL });
  item = loaded->pdata[1];
  g_assert_cmpstr (item->jid, ==, "nurse@capulet.lit");
  g_assert_null (item->name);
  assert_groups (item, none);
  item = loaded->pdata[2];
  g_assert_cmpstr (item->jid, ==, "tybalt@capulet.lit");
  g_assert_true (item->ask);
  g_assert_cmpint (item->subscription, ==, PETREL_DB_SUBSCRIPTION_NONE);

  /* A whole roster replaces all of the old one. */
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, item_new ("romeo@montague.lit", NULL, PETREL_DB_SUBSCRIPTION_TO, FALSE, NULL));
  g_assert_true (petrel_db_roster_replace (fixture->db, fixture->account, "ver2", items, &error));
  g_clear_pointer (&ver, g_free);
  second = load (fixture, &ver);
  g_assert_cmpstr (ver, ==, "ver2");
  g_assert_cmpuint (second->len, ==, 1);
  g_assert_cmpstr (((PetrelDbRosterItem *) second->pdata[0])->jid, ==, "romeo@montague.lit");
  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM roster_groups"), ==, 0);
}

static void
test_roster_push (StoreFixture  *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  g_autoptr(PetrelDbRosterItem) update = NULL;
  g_autoptr(PetrelDbRosterItem) added = NULL;
  g_autoptr(PetrelDbRosterItem) removed = NULL;
  g_autofree char *ver = NULL;
  const char *old_groups[] = { "Capulets", NULL };
  const char *new_groups[] = { "Montagues", NULL };

  g_ptr_array_add (items, item_new ("juliet@capulet.lit", "Juliet", PETREL_DB_SUBSCRIPTION_TO, TRUE, old_groups));
  g_ptr_array_add (items, item_new ("tybalt@capulet.lit", NULL, PETREL_DB_SUBSCRIPTION_BOTH, FALSE, NULL));
  g_assert_true (petrel_db_roster_replace (fixture->db, fixture->account, "ver1", items, &error));

  /* An update replaces the item with its groups. */
  update = item_new ("juliet@capulet.lit", "Juliet Capulet", PETREL_DB_SUBSCRIPTION_BOTH, FALSE, new_groups);
  g_assert_true (petrel_db_roster_apply_push (fixture->db, fixture->account, "ver2", update, &error));
  added = item_new ("benvolio@montague.lit", NULL, PETREL_DB_SUBSCRIPTION_NONE, TRUE, NULL);
  g_assert_true (petrel_db_roster_apply_push (fixture->db, fixture->account, "ver3", added, &error));
  removed = item_new ("tybalt@capulet.lit", NULL, PETREL_DB_SUBSCRIPTION_REMOVE, FALSE, NULL);
  g_assert_true (petrel_db_roster_apply_push (fixture->db, fixture->account, "ver4", removed, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  {
    g_autoptr(GPtrArray) loaded = load (fixture, &ver);
    PetrelDbRosterItem *juliet;

    g_assert_cmpstr (ver, ==, "ver4");
    g_assert_cmpuint (loaded->len, ==, 2);
    g_assert_cmpstr (((PetrelDbRosterItem *) loaded->pdata[0])->jid, ==, "benvolio@montague.lit");
    juliet = loaded->pdata[1];
    g_assert_cmpstr (juliet->name, ==, "Juliet Capulet");
    g_assert_cmpint (juliet->subscription, ==, PETREL_DB_SUBSCRIPTION_BOTH);
    g_assert_false (juliet->ask);
    assert_groups (juliet, new_groups);
  }

  /* Removing an unknown item is no error; a push without a version
   * clears the stored one, so the next login asks for everything. */
  g_free (removed->jid);
  removed->jid = g_strdup ("nobody@example.org");
  g_assert_true (petrel_db_roster_apply_push (fixture->db, fixture->account, NULL, removed, &error));
  g_assert_no_error (error);
  g_clear_pointer (&ver, g_free);
  {
    g_autoptr(GPtrArray) loaded = load (fixture, &ver);
    g_assert_null (ver);
    g_assert_cmpuint (loaded->len, ==, 2);
  }
}

/* A refused push or roster changes nothing: items and version agree. */
static void
test_roster_refuses_bad_items (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(PetrelDbRosterItem) bad = NULL;
  g_autofree char *ver = NULL;
  const char *bad_groups[] = { "ok", "\xc0\xaf", NULL };

  g_ptr_array_add (items, item_new ("juliet@capulet.lit", NULL, PETREL_DB_SUBSCRIPTION_BOTH, FALSE, NULL));
  g_assert_true (petrel_db_roster_replace (fixture->db, fixture->account, "ver1", items, &error));

  bad = item_new ("tybalt@capulet.lit", NULL, PETREL_DB_SUBSCRIPTION_BOTH, FALSE, bad_groups);
  g_assert_false (petrel_db_roster_apply_push (fixture->db, fixture->account, "ver2", bad, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_ptr_array_add (items, g_steal_pointer (&bad));
  g_assert_false (petrel_db_roster_replace (fixture->db, fixture->account, "ver3", items, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* REMOVE is for pushes; a whole roster has no such item. */
  g_ptr_array_set_size (items, 0);
  g_ptr_array_add (items, item_new ("x@example.org", NULL, PETREL_DB_SUBSCRIPTION_REMOVE, FALSE, NULL));
  g_assert_false (petrel_db_roster_replace (fixture->db, fixture->account, "ver3", items, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Unknown account. */
  g_assert_false (petrel_db_roster_replace (fixture->db, 4242, "ver3", items, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (petrel_db_roster_load (fixture->db, 4242, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  loaded = load (fixture, &ver);
  g_assert_cmpstr (ver, ==, "ver1");
  g_assert_cmpuint (loaded->len, ==, 1);
}

static void
test_caps (StoreFixture  *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) features = NULL;
  const char *first[] = { "urn:xmpp:receipts", "http://jabber.org/protocol/disco#info",
                          "urn:xmpp:receipts", NULL };
  const char *second[] = { "urn:xmpp:jingle:1", NULL };
  const char *bad[] = { "ok", "\xfe", NULL };

  /* Unknown: the caller asks disco#info. */
  features = petrel_db_caps_dup_features (fixture->db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", &error);
  g_assert_null (features);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (petrel_db_caps_put (fixture->db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", first, &error));
  g_assert_true (petrel_db_caps_put (fixture->db, "sha-256", "QgayPKawpkPSDYmwT/WM94uAlu0=", second, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  features = petrel_db_caps_dup_features (fixture->db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) features,
                               (const char *[]) { "http://jabber.org/protocol/disco#info", "urn:xmpp:receipts", NULL }));
  g_clear_pointer (&features, g_strfreev);

  /* The algorithm is part of the key. */
  features = petrel_db_caps_dup_features (fixture->db, "sha-256", "QgayPKawpkPSDYmwT/WM94uAlu0=", &error);
  g_assert_true (g_strv_equal ((const char *const *) features, second));
  g_clear_pointer (&features, g_strfreev);

  /* A second put replaces; a refused one changes nothing. */
  g_assert_true (petrel_db_caps_put (fixture->db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", second, &error));
  g_assert_false (petrel_db_caps_put (fixture->db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", bad, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  features = petrel_db_caps_dup_features (fixture->db, "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0=", &error);
  g_assert_true (g_strv_equal ((const char *const *) features, second));
}

static void
test_archive_positions (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stanza_id = NULL;
  gint64 time = 0;

  g_assert_false (petrel_db_archive_get_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                  &stanza_id, &time, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (petrel_db_archive_set_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                 "s-1", 1000, &error));
  g_assert_true (petrel_db_archive_set_position (fixture->db, fixture->account, STORE_TEST_ROOM,
                                                 "r-1", 500, &error));
  g_assert_true (petrel_db_archive_set_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                 "s-2", 2000, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  g_assert_true (petrel_db_archive_get_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                 &stanza_id, &time, &error));
  g_assert_cmpstr (stanza_id, ==, "s-2");
  g_assert_cmpint (time, ==, 2000);
  g_clear_pointer (&stanza_id, g_free);
  g_assert_true (petrel_db_archive_get_position (fixture->db, fixture->account, STORE_TEST_ROOM,
                                                 &stanza_id, &time, &error));
  g_assert_cmpstr (stanza_id, ==, "r-1");
  g_clear_pointer (&stanza_id, g_free);

  g_assert_true (petrel_db_archive_clear_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT, &error));
  g_assert_false (petrel_db_archive_get_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                  NULL, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (petrel_db_archive_set_position (fixture->db, 4242, STORE_TEST_ACCOUNT, "s", 1, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

/* A page of archive results and the new position: both or neither. */
static void
test_archive_page_is_atomic (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;

  g_assert_true (petrel_db_begin (fixture->db, &error));
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *stanza = g_strdup_printf ("s-%u", i);
      PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                                    STORE_TEST_PEER "/balcony", NULL, stanza, 1000 * i, "x");

      store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
    }
  g_assert_true (petrel_db_archive_set_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                 "s-4", 4000, &error));
  /* The connection drops before the commit. */
  petrel_db_rollback (fixture->db);

  store_fixture_reopen (fixture);
  history = petrel_db_message_history (fixture->db, fixture->chat, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 0);
  g_assert_false (petrel_db_archive_get_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                  NULL, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

static void
test_accounts (StoreFixture  *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  gint64 again = 0, other = 0;

  g_assert_true (petrel_db_account_ensure (fixture->db, STORE_TEST_ACCOUNT, &again, &error));
  g_assert_cmpint (again, ==, fixture->account);
  g_assert_true (petrel_db_account_ensure (fixture->db, "benvolio@montague.lit", &other, &error));
  g_assert_cmpint (other, !=, fixture->account);

  accounts = petrel_db_account_list (fixture->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_assert_cmpstr (((PetrelDbAccount *) accounts->pdata[0])->jid, ==, STORE_TEST_ACCOUNT);
  g_assert_cmpint (((PetrelDbAccount *) accounts->pdata[0])->created, >, 0);

  g_assert_false (petrel_db_account_ensure (fixture->db, "\xff@example.org", NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (petrel_db_account_remove (fixture->db, "nobody@example.org", &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (petrel_db_conversation_ensure (fixture->db, 4242, STORE_TEST_PEER,
                                                 PETREL_DB_CONVERSATION_CHAT, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

/* Removing an account removes all that is its own, and only that. */
static void
test_account_remove_cascades (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) petrel_db_roster_item_free);
  const char *groups[] = { "Friends", NULL };
  PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                                STORE_TEST_PEER "/balcony", "o-1", "s-1", 1000, "bye");
  PetrelDbMessage pending = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING,
                                                STORE_TEST_ACCOUNT "/petrel", "o-2", NULL, 0, "wait");
  gint64 other = 0, other_chat = 0;

  g_assert_true (petrel_db_account_ensure (fixture->db, "benvolio@montague.lit", &other, &error));
  g_assert_true (petrel_db_conversation_ensure (fixture->db, other, STORE_TEST_PEER,
                                                PETREL_DB_CONVERSATION_CHAT, &other_chat, &error));
  store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
  message.conversation_id = other_chat;
  store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
  g_assert_true (petrel_db_outbox_enqueue (fixture->db, &pending, NULL, &error));
  g_ptr_array_add (items, item_new (STORE_TEST_PEER, NULL, PETREL_DB_SUBSCRIPTION_BOTH, FALSE, groups));
  g_assert_true (petrel_db_roster_replace (fixture->db, fixture->account, "v", items, &error));
  g_assert_true (petrel_db_archive_set_position (fixture->db, fixture->account, STORE_TEST_ACCOUNT, "s-1", 1, &error));
  g_assert_no_error (error);

  g_assert_true (petrel_db_account_remove (fixture->db, STORE_TEST_ACCOUNT, &error));
  g_assert_no_error (error);

  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM conversations"), ==, 1);
  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM messages"), ==, 1);
  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM roster_items"), ==, 0);
  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM roster_groups"), ==, 0);
  g_assert_cmpint (store_test_query_int (fixture->db, "SELECT count(*) FROM archive_positions"), ==, 0);
  /* The search index follows the messages. */
  g_assert_cmpint (store_test_query_int (fixture->db,
                                         "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'bye'"),
                   ==, 1);
  g_assert_cmpint (store_test_query_int (fixture->db,
                                         "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'wait'"),
                   ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/" path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

  ADD ("roster/replace-and-load", test_roster_replace_and_load);
  ADD ("roster/push", test_roster_push);
  ADD ("roster/refuses-bad-items", test_roster_refuses_bad_items);
  ADD ("caps/get-put", test_caps);
  ADD ("archive/positions", test_archive_positions);
  ADD ("archive/page-is-atomic", test_archive_page_is_atomic);
  ADD ("accounts/ensure-list-errors", test_accounts);
  ADD ("accounts/remove-cascades", test_account_remove_cascades);

#undef ADD

  return g_test_run ();
}
