/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for the outbox of PetrelDb: enqueueing is one transaction, the
 * outbox survives a restart in order, and a message leaves it exactly when
 * it leaves pending.
 */
#include "store-test.h"

#define ROMEO "romeo@montague.lit/petrel"

static gint64
enqueue (StoreFixture *fixture,
         gint64        conversation,
         const char   *origin_id,
         const char   *body)
{
  g_autoptr(GError) error = NULL;
  PetrelDbMessage message = store_test_message (conversation, PETREL_DB_DIRECTION_INCOMING, ROMEO,
                                                origin_id, NULL, 0, body);
  gint64 id = 0;

  /* Whatever direction and state the caller set, it is outgoing and pending. */
  message.state = PETREL_DB_STATE_DISPLAYED;
  message.local_time = g_get_real_time ();
  g_assert_true (petrel_db_outbox_enqueue (fixture->db, &message, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static GPtrArray *
outbox (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = petrel_db_outbox_list (fixture->db, fixture->account, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static void
test_enqueue_survives_restart_in_order (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  gint64 ids[4];

  ids[0] = enqueue (fixture, fixture->chat, "o-b", "first");
  ids[1] = enqueue (fixture, fixture->room, "o-a", "second");
  ids[2] = enqueue (fixture, fixture->chat, "o-d", "third");
  ids[3] = enqueue (fixture, fixture->chat, "o-c", "fourth");

  /* As after a crash: nothing but what is on disk. */
  store_fixture_reopen (fixture);

  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      PetrelDbOutboxEntry *entry = entries->pdata[i];

      g_assert_cmpint (entry->message->id, ==, ids[i]);
      g_assert_cmpint (entry->message->state, ==, PETREL_DB_STATE_PENDING);
      g_assert_cmpint (entry->message->direction, ==, PETREL_DB_DIRECTION_OUTGOING);
      g_assert_cmpuint (entry->attempts, ==, 0);
      g_assert_cmpint (entry->last_attempt, ==, 0);
    }

  /* Each entry says where it goes, with the same origin-id to resend. */
  g_assert_cmpstr (((PetrelDbOutboxEntry *) entries->pdata[0])->peer, ==, STORE_TEST_PEER);
  g_assert_cmpint (((PetrelDbOutboxEntry *) entries->pdata[0])->type, ==, PETREL_DB_CONVERSATION_CHAT);
  g_assert_cmpstr (((PetrelDbOutboxEntry *) entries->pdata[0])->message->origin_id, ==, "o-b");
  g_assert_cmpstr (((PetrelDbOutboxEntry *) entries->pdata[1])->peer, ==, STORE_TEST_ROOM);
  g_assert_cmpint (((PetrelDbOutboxEntry *) entries->pdata[1])->type, ==, PETREL_DB_CONVERSATION_GROUPCHAT);
  g_assert_cmpstr (((PetrelDbOutboxEntry *) entries->pdata[2])->message->body, ==, "third");
}

static void
test_outbox_is_per_account (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  gint64 other = 0, chat = 0;

  g_assert_true (petrel_db_account_ensure (fixture->db, "benvolio@montague.lit", &other, &error));
  g_assert_true (petrel_db_conversation_ensure (fixture->db, other, STORE_TEST_PEER,
                                                PETREL_DB_CONVERSATION_CHAT, &chat, &error));
  enqueue (fixture, fixture->chat, "o-1", "mine");
  enqueue (fixture, chat, "o-1", "theirs");

  mine = outbox (fixture);
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_cmpstr (((PetrelDbOutboxEntry *) mine->pdata[0])->message->body, ==, "mine");

  theirs = petrel_db_outbox_list (fixture->db, other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (theirs->len, ==, 1);
  g_assert_cmpstr (((PetrelDbOutboxEntry *) theirs->pdata[0])->message->body, ==, "theirs");
}

/* Both rows or neither: a failed enqueue leaves no message behind. */
static void
test_enqueue_is_one_transaction (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) history = NULL;
  PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                "o-1", NULL, 0, "hello");
  gint64 id = 0;

  enqueue (fixture, fixture->chat, "o-1", "hello");

  /* The same origin-id again: refused, and the first one stays alone. */
  g_assert_false (petrel_db_outbox_enqueue (fixture->db, &message, &id, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* No origin-id: it could never be resent safely. */
  message.origin_id = NULL;
  g_assert_false (petrel_db_outbox_enqueue (fixture->db, &message, &id, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The outbox row fails after the message row was written: the message
   * row goes too. */
  message.origin_id = (char *) "o-2";
  g_assert_cmpint (sqlite3_exec (fixture->db->db,
                                 "CREATE TEMP TRIGGER refuse BEFORE INSERT ON outbox"
                                 " BEGIN SELECT RAISE (ABORT, 'disk on fire'); END",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_false (petrel_db_outbox_enqueue (fixture->db, &message, &id, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sqlite3_exec (fixture->db->db, "DROP TRIGGER temp.refuse", NULL, NULL, NULL), ==, SQLITE_OK);

  history = petrel_db_message_history (fixture->db, fixture->chat, NULL, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_mark_sent_and_failed (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(PetrelDbMessage) message = NULL;
  gint64 sent, failed, waiting, delivered;
  guint attempts = 0;

  sent = enqueue (fixture, fixture->chat, "o-1", "sent");
  failed = enqueue (fixture, fixture->chat, "o-2", "failed");
  waiting = enqueue (fixture, fixture->chat, "o-3", "waiting");
  delivered = enqueue (fixture, fixture->chat, "o-4", "receipt before ack");

  g_assert_true (petrel_db_outbox_note_attempt (fixture->db, failed, 100, &attempts, &error));
  g_assert_cmpuint (attempts, ==, 1);
  g_assert_true (petrel_db_outbox_note_attempt (fixture->db, failed, 200, &attempts, &error));
  g_assert_cmpuint (attempts, ==, 2);
  g_assert_true (petrel_db_outbox_note_attempt (fixture->db, waiting, 300, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (petrel_db_outbox_mark_sent (fixture->db, sent, &error));
  g_assert_true (petrel_db_outbox_mark_failed (fixture->db, failed, &error));
  g_assert_true (petrel_db_message_set_state (fixture->db, delivered, PETREL_DB_STATE_DELIVERED, NULL, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((PetrelDbOutboxEntry *) entries->pdata[0])->message->id, ==, waiting);
  g_assert_cmpuint (((PetrelDbOutboxEntry *) entries->pdata[0])->attempts, ==, 1);
  g_assert_cmpint (((PetrelDbOutboxEntry *) entries->pdata[0])->last_attempt, ==, 300);

  message = petrel_db_message_get (fixture->db, sent, &error);
  g_assert_cmpint (message->state, ==, PETREL_DB_STATE_SENT);
  g_clear_pointer (&message, petrel_db_message_free);
  message = petrel_db_message_get (fixture->db, failed, &error);
  g_assert_cmpint (message->state, ==, PETREL_DB_STATE_FAILED);
  g_clear_pointer (&message, petrel_db_message_free);

  /* A late ack changes nothing on a failed or delivered message. */
  g_assert_true (petrel_db_outbox_mark_sent (fixture->db, failed, &error));
  g_assert_true (petrel_db_outbox_mark_sent (fixture->db, delivered, &error));
  message = petrel_db_message_get (fixture->db, failed, &error);
  g_assert_cmpint (message->state, ==, PETREL_DB_STATE_FAILED);
  g_clear_pointer (&message, petrel_db_message_free);
  message = petrel_db_message_get (fixture->db, delivered, &error);
  g_assert_cmpint (message->state, ==, PETREL_DB_STATE_DELIVERED);
  g_clear_pointer (&message, petrel_db_message_free);

  /* A sent message may still fail: an error bounce can follow the ack. */
  g_assert_true (petrel_db_outbox_mark_failed (fixture->db, sent, &error));
  message = petrel_db_message_get (fixture->db, sent, &error);
  g_assert_cmpint (message->state, ==, PETREL_DB_STATE_FAILED);
  g_clear_pointer (&message, petrel_db_message_free);

  g_assert_false (petrel_db_outbox_note_attempt (fixture->db, sent, 400, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (petrel_db_outbox_mark_sent (fixture->db, 4242, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);

  /* Outgoing messages are no unread ones. */
  {
    g_autoptr(PetrelDbConversation) conversation = petrel_db_conversation_get (fixture->db, fixture->chat, NULL);
    g_assert_cmpuint (conversation->unread, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/outbox/" path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

  ADD ("enqueue-survives-restart-in-order", test_enqueue_survives_restart_in_order);
  ADD ("outbox-is-per-account", test_outbox_is_per_account);
  ADD ("enqueue-is-one-transaction", test_enqueue_is_one_transaction);
  ADD ("mark-sent-and-failed", test_mark_sent_and_failed);

#undef ADD

  return g_test_run ();
}
