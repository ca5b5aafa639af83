/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelStoreHistory: a PetrelMessageList paged from a real
 * PetrelDb, with the message fields the views bind to, corrections shown
 * in place, exact cursors when messages share a time, and a closed store
 * that fails cleanly.
 */
#include "petrel-message-list.h"
#include "petrel-store-history.h"
#include "store-test.h"

#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)

static PetrelMessage *
item (PetrelMessageList *list,
      guint              position)
{
  PetrelMessage *message = g_list_model_get_item (G_LIST_MODEL (list), position);

  /* The list keeps it alive. */
  g_object_unref (message);
  return message;
}

static gint64
insert_message (StoreFixture      *fixture,
                PetrelDbDirection  direction,
                const char        *origin_id,
                gint64             time,
                const char        *body)
{
  PetrelDbMessage message = store_test_message (fixture->chat, direction,
                                                direction == PETREL_DB_DIRECTION_INCOMING
                                                  ? STORE_TEST_PEER "/balcony" : STORE_TEST_ACCOUNT,
                                                origin_id, NULL, time, body);

  return store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
}

static PetrelMessageList *
open_list (StoreFixture        *fixture,
           guint                page_size,
           guint                max_items,
           PetrelStoreHistory **out_source)
{
  g_autoptr(PetrelStoreHistory) source = NULL;
  PetrelMessageList *list;

  source = petrel_store_history_new (fixture->db, fixture->chat, STORE_TEST_ACCOUNT, STORE_TEST_PEER);
  list = g_object_new (PETREL_TYPE_MESSAGE_LIST,
                       "source", source,
                       "page-size", page_size,
                       "max-items", max_items,
                       NULL);
  if (out_source != NULL)
    *out_source = g_steal_pointer (&source);

  return list;
}

static void
test_fields (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GError) error = NULL;
  PetrelMessage *in, *out;
  gint64 in_id, out_id;
  GDateTime *time;

  in_id = insert_message (fixture, PETREL_DB_DIRECTION_INCOMING, "in-1", T0 + 123456, "hello");
  out_id = insert_message (fixture, PETREL_DB_DIRECTION_OUTGOING, "out-1", T0 + 2 * G_USEC_PER_SEC, "hi");

  list = open_list (fixture, 50, 1000, NULL);
  g_assert_true (petrel_message_list_load_newest (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  in = item (list, 0);
  g_assert_cmpstr (petrel_message_get_account (in), ==, STORE_TEST_ACCOUNT);
  g_assert_cmpstr (petrel_message_get_from (in), ==, STORE_TEST_PEER "/balcony");
  g_assert_cmpstr (petrel_message_get_to (in), ==, STORE_TEST_ACCOUNT);
  g_assert_cmpstr (petrel_message_get_message_type (in), ==, "chat");
  g_assert_cmpstr (petrel_message_get_body (in), ==, "hello");
  g_assert_cmpstr (petrel_message_get_origin_id (in), ==, "in-1");
  g_assert_cmpstr (petrel_message_get_id (in), ==, "in-1");
  g_assert_false (petrel_message_get_outgoing (in));
  g_assert_cmpstr (petrel_message_get_state (in), ==, "delivered");
  g_assert_cmpint (petrel_message_get_row_id (in), ==, in_id);
  g_assert_cmpint (petrel_message_get_sort_time (in), ==, T0 + 123456);
  /* Microseconds survive the trip into GDateTime. */
  time = petrel_message_get_time (in);
  g_assert_nonnull (time);
  g_assert_cmpint (g_date_time_to_unix (time), ==, T0 / G_USEC_PER_SEC);
  g_assert_cmpint (g_date_time_get_microsecond (time), ==, 123456);

  out = item (list, 1);
  g_assert_true (petrel_message_get_outgoing (out));
  g_assert_cmpstr (petrel_message_get_from (out), ==, STORE_TEST_ACCOUNT);
  g_assert_cmpstr (petrel_message_get_to (out), ==, STORE_TEST_PEER);
  g_assert_cmpstr (petrel_message_get_state (out), ==, "sent");
  g_assert_cmpint (petrel_message_get_row_id (out), ==, out_id);

  g_clear_object (&list);
}

static void
test_paging (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  /* 120 messages, three at a time sharing one sort time: only the
   * (sort time, row id) cursor keeps them apart. */
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      g_autofree char *body = g_strdup_printf ("message %u", i);

      insert_message (fixture, i % 2 ? PETREL_DB_DIRECTION_OUTGOING : PETREL_DB_DIRECTION_INCOMING,
                      id, T0 + (i / 3) * G_USEC_PER_SEC, body);
    }

  list = open_list (fixture, 50, 100, NULL);
  g_assert_true (petrel_message_list_load_newest (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 50);
  g_assert_true (petrel_message_list_get_has_older (list));
  g_assert_cmpstr (petrel_message_get_body (item (list, 0)), ==, "message 70");
  g_assert_cmpstr (petrel_message_get_body (item (list, 49)), ==, "message 119");

  g_assert_true (petrel_message_list_load_older (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100);
  g_assert_cmpstr (petrel_message_get_body (item (list, 0)), ==, "message 20");

  /* Past max-items: the newest end is dropped, and comes back after. */
  g_assert_true (petrel_message_list_load_older (list, &error));
  g_assert_no_error (error);
  g_assert_false (petrel_message_list_get_has_older (list));
  g_assert_true (petrel_message_list_get_has_newer (list));
  g_assert_cmpstr (petrel_message_get_body (item (list, 0)), ==, "message 0");

  while (petrel_message_list_get_has_newer (list))
    {
      g_assert_true (petrel_message_list_load_newer (list, &error));
      g_assert_no_error (error);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, 100);
  g_assert_cmpstr (petrel_message_get_body (item (list, n - 1)), ==, "message 119");

  /* Every neighbour is in history order, none twice. */
  for (guint i = 1; i < n; i++)
    {
      PetrelHistoryCursor a, b;

      petrel_history_cursor_init_from_message (&a, item (list, i - 1));
      petrel_history_cursor_init_from_message (&b, item (list, i));
      g_assert_cmpint (petrel_history_cursor_compare (&a, &b), <, 0);
    }
}

static void
test_correction_in_place (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GError) error = NULL;
  PetrelDbMessage correction;

  insert_message (fixture, PETREL_DB_DIRECTION_INCOMING, "orig", T0, "helo");
  correction = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, STORE_TEST_PEER "/balcony",
                                   "fix", NULL, T0 + G_USEC_PER_SEC, "hello");
  correction.replaces = (char *) "orig";
  store_test_insert (fixture->db, &correction, PETREL_DB_INSERT_DEFAULT, NULL);

  list = open_list (fixture, 50, 1000, NULL);
  g_assert_true (petrel_message_list_load_newest (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpstr (petrel_message_get_body (item (list, 0)), ==, "hello");
  g_assert_cmpstr (petrel_message_get_origin_id (item (list, 0)), ==, "orig");
}

static void
test_closed_store_fails (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(PetrelStoreHistory) source = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);

      insert_message (fixture, PETREL_DB_DIRECTION_INCOMING, id, T0 + i, "x");
    }

  list = open_list (fixture, 2, 4, &source);
  g_assert_cmpint (petrel_store_history_get_conversation_id (source), ==, fixture->chat);
  g_assert_cmpstr (petrel_store_history_get_account (source), ==, STORE_TEST_ACCOUNT);
  g_assert_cmpstr (petrel_store_history_get_peer (source), ==, STORE_TEST_PEER);
  g_assert_true (petrel_message_list_load_newest (list, &error));
  g_assert_no_error (error);

  petrel_store_history_close (source);
  g_assert_false (petrel_message_list_load_older (list, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  /* What was loaded stays. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
}

static void
test_empty_conversation (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(PetrelMessageList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = open_list (fixture, 50, 1000, NULL);
  g_assert_true (petrel_message_list_load_newest (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_false (petrel_message_list_get_has_older (list));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/store-history/" name, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)
  ADD ("fields", test_fields);
  ADD ("paging", test_paging);
  ADD ("correction-in-place", test_correction_in_place);
  ADD ("closed-store-fails", test_closed_store_fails);
  ADD ("empty-conversation", test_empty_conversation);
#undef ADD

  return g_test_run ();
}
