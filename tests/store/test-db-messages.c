/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for messages in PetrelDb: dedup, forward-only states, history
 * pages, corrections, search, unread counts and hostile strings.
 */
#include "store-test.h"

#include <string.h>

#define JULIET "juliet@capulet.lit/balcony"
#define ROMEO "romeo@montague.lit/petrel"

static PetrelDbMessage *
get_message (PetrelDb *db,
             gint64    id)
{
  g_autoptr(GError) error = NULL;
  PetrelDbMessage *message = petrel_db_message_get (db, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

static GPtrArray *
history (PetrelDb              *db,
         gint64                 conversation,
         const PetrelDbCursor  *before,
         guint                  limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *messages = petrel_db_message_history (db, conversation, before, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (messages);
  return messages;
}

static guint
unread (PetrelDb *db,
        gint64    conversation)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PetrelDbConversation) row = petrel_db_conversation_get (db, conversation, &error);

  g_assert_no_error (error);
  return row->unread;
}

static GPtrArray *
search (PetrelDb   *db,
        gint64      account,
        gint64      conversation,
        const char *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *found = petrel_db_message_search (db, account, conversation, text, 100, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found;
}

static void
test_dedup_by_stanza_id (StoreFixture  *fixture,
                         gconstpointer  data)
{
  PetrelDbMessage live = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                             NULL, "s-1", 1000, "live");
  PetrelDbMessage archived = live;
  PetrelDbMessage other_archive = live;
  gboolean duplicate = FALSE;
  gint64 first, again, other;

  first = store_test_insert (fixture->db, &live, PETREL_DB_INSERT_DEFAULT, NULL);

  /* The archive's copy: same stanza-id and by, other local details. */
  archived.local_time = 99999;
  archived.body = (char *) "from the archive";
  again = store_test_insert (fixture->db, &archived, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_true (duplicate);
  g_assert_cmpint (again, ==, first);

  /* A stanza-id is only unique within the archive that gave it. */
  other_archive.stanza_id_by = (char *) STORE_TEST_ROOM;
  other = store_test_insert (fixture->db, &other_archive, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_false (duplicate);
  g_assert_cmpint (other, !=, first);

  {
    g_autoptr(GPtrArray) messages = history (fixture->db, fixture->chat, NULL, 10);
    g_assert_cmpuint (messages->len, ==, 2);
    g_assert_cmpstr (((PetrelDbMessage *) messages->pdata[0])->body, ==, "live");
  }
  g_assert_cmpuint (unread (fixture->db, fixture->chat), ==, 2);
}

static void
test_dedup_by_origin_id (StoreFixture  *fixture,
                         gconstpointer  data)
{
  PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                "o-1", NULL, 1000, "hello");
  PetrelDbMessage carbon = message;
  PetrelDbMessage mine = message;
  PetrelDbMessage elsewhere = message;
  gboolean duplicate = FALSE;
  gint64 first, id;

  first = store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);

  carbon.local_time = 5;
  id = store_test_insert (fixture->db, &carbon, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_true (duplicate);
  g_assert_cmpint (id, ==, first);

  /* The same origin-id in the other direction or conversation is another
   * message. */
  mine.direction = PETREL_DB_DIRECTION_OUTGOING;
  mine.sender = (char *) ROMEO;
  store_test_insert (fixture->db, &mine, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_false (duplicate);

  elsewhere.conversation_id = fixture->room;
  store_test_insert (fixture->db, &elsewhere, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_false (duplicate);

  g_assert_cmpuint (unread (fixture->db, fixture->chat), ==, 1);
}

/* `<origin-id id=''/>` must not make all such messages one. */
static void
test_empty_ids_are_no_ids (StoreFixture  *fixture,
                           gconstpointer  data)
{
  PetrelDbMessage one = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                            "", NULL, 1000, "one");
  PetrelDbMessage two = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                            "", NULL, 2000, "two");
  g_autoptr(PetrelDbMessage) stored = NULL;
  gint64 id;

  two.stanza_id = (char *) "";
  two.stanza_id_by = (char *) "";
  id = store_test_insert (fixture->db, &one, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &two, PETREL_DB_INSERT_DEFAULT, NULL);

  stored = get_message (fixture->db, id);
  g_assert_null (stored->origin_id);
  g_assert_null (stored->stanza_id);
}

/* The archive's copy of our own pending message acknowledges it. */
static void
test_archive_copy_completes_pending (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(PetrelDbMessage) stored = NULL;
  PetrelDbMessage pending = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                "o-1", NULL, 0, "Good night");
  PetrelDbMessage reflection = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                   "o-1", "s-9", 7000, "Good night");
  gboolean duplicate = FALSE;
  gint64 id = 0, again;

  pending.local_time = 5000;
  g_assert_true (petrel_db_outbox_enqueue (fixture->db, &pending, &id, &error));
  g_assert_no_error (error);

  again = store_test_insert (fixture->db, &reflection, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_true (duplicate);
  g_assert_cmpint (again, ==, id);

  stored = get_message (fixture->db, id);
  g_assert_cmpstr (stored->stanza_id, ==, "s-9");
  g_assert_cmpstr (stored->stanza_id_by, ==, STORE_TEST_ACCOUNT);
  g_assert_cmpint (stored->server_time, ==, 7000);
  g_assert_cmpint (stored->sort_time, ==, 5000); /* keeps its place */
  g_assert_cmpint (stored->state, ==, PETREL_DB_STATE_SENT);

  outbox = petrel_db_outbox_list (fixture->db, fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 0);
}

/* A stanza-id is unique per archive, so the service may not trust one a
 * contact made up; if one slips through it must not touch the message of
 * another conversation that has it. */
static void
test_stanza_id_from_other_conversation_changes_nothing (StoreFixture  *fixture,
                                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PetrelDbMessage) stored = NULL;
  PetrelDbMessage pending = store_test_message (fixture->room, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                "o-1", NULL, 0, "mine");
  PetrelDbMessage archived = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                                 STORE_TEST_ROOM "/nurse", "o-x", "s-1", 1000, "x");
  PetrelDbMessage forged = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                               "o-1", "s-1", 2000, "forged");
  gboolean duplicate = FALSE;
  gint64 id = 0, victim;

  pending.local_time = 500;
  g_assert_true (petrel_db_outbox_enqueue (fixture->db, &pending, &id, &error));
  victim = store_test_insert (fixture->db, &archived, PETREL_DB_INSERT_DEFAULT, NULL);

  store_test_insert (fixture->db, &forged, PETREL_DB_INSERT_DEFAULT, &duplicate);
  g_assert_true (duplicate);

  stored = get_message (fixture->db, id);
  g_assert_cmpint (stored->state, ==, PETREL_DB_STATE_PENDING);
  g_assert_null (stored->stanza_id);
  g_clear_pointer (&stored, petrel_db_message_free);
  stored = get_message (fixture->db, victim);
  g_assert_cmpint (stored->direction, ==, PETREL_DB_DIRECTION_INCOMING);
  g_assert_cmpint (stored->state, ==, PETREL_DB_STATE_DELIVERED);
}

static void
test_states_only_move_forward (StoreFixture  *fixture,
                               gconstpointer  data)
{
  /* allowed[from][to] */
  static const gboolean allowed[5][5] = {
    /* to:        pending sent   deliv. displ. failed */
    /* pending */ { FALSE, TRUE, TRUE, TRUE, TRUE },
    /* sent */ { FALSE, FALSE, TRUE, TRUE, TRUE },
    /* delivered */ { FALSE, FALSE, FALSE, TRUE, FALSE },
    /* displayed */ { FALSE, FALSE, FALSE, FALSE, FALSE },
    /* failed */ { FALSE, FALSE, FALSE, FALSE, FALSE },
  };
  guint n = 0;

  for (int from = 0; from < 5; from++)
    for (int to = 0; to < 5; to++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *origin = g_strdup_printf ("o-%u", n++);
        g_autoptr(PetrelDbMessage) stored = NULL;
        PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING,
                                                      ROMEO, origin, NULL, n, "x");
        gboolean changed = !allowed[from][to];
        gint64 id;

        message.state = from;
        id = store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
        g_assert_true (petrel_db_message_set_state (fixture->db, id, to, &changed, &error));
        g_assert_no_error (error);
        g_assert_cmpint (changed, ==, allowed[from][to]);

        stored = get_message (fixture->db, id);
        g_assert_cmpint (stored->state, ==, allowed[from][to] ? to : from);
      }
}

static void
test_set_state_errors (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (petrel_db_message_set_state (fixture->db, 4242, PETREL_DB_STATE_SENT, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (petrel_db_message_set_state (fixture->db, 1, 17, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
}

static void
test_lookups (StoreFixture  *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PetrelDbMessage) found = NULL;
  PetrelDbMessage in_chat = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                "o-1", "s-1", 1000, "chat");
  PetrelDbMessage in_room = store_test_message (fixture->room, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                "o-1", "s-2", 2000, "room");
  gint64 chat_id, room_id;

  chat_id = store_test_insert (fixture->db, &in_chat, PETREL_DB_INSERT_DEFAULT, NULL);
  room_id = store_test_insert (fixture->db, &in_room, PETREL_DB_INSERT_DEFAULT, NULL);

  found = petrel_db_message_lookup_by_origin_id (fixture->db, fixture->room, PETREL_DB_DIRECTION_OUTGOING,
                                                 "o-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, room_id);
  g_assert_cmpint (found->account_id, ==, fixture->account);
  g_clear_pointer (&found, petrel_db_message_free);

  /* A receipt from the peer cannot name our message in another chat. */
  found = petrel_db_message_lookup_by_origin_id (fixture->db, fixture->chat, PETREL_DB_DIRECTION_INCOMING,
                                                 "o-1", &error);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  found = petrel_db_message_lookup_by_stanza_id (fixture->db, fixture->account, STORE_TEST_ACCOUNT,
                                                 "s-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, chat_id);
  g_assert_cmpstr (found->body, ==, "chat");
  g_assert_cmpint (found->server_time, ==, 1000);
  g_assert_cmpint (found->local_time, ==, 2000);
  g_assert_cmpint (found->sort_time, ==, 1000);
  g_clear_pointer (&found, petrel_db_message_free);

  found = petrel_db_message_lookup_by_stanza_id (fixture->db, fixture->account, STORE_TEST_ROOM,
                                                 "s-1", &error);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

static gint64
cursor_compare (const PetrelDbMessage *a,
                const PetrelDbMessage *b)
{
  if (a->sort_time != b->sort_time)
    return a->sort_time < b->sort_time ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

static void
test_history_pages (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) newest = NULL;
  g_autoptr(GArray) backwards = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) forwards = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  PetrelDbCursor cursor;
  const guint total = 61;

  /* Times out of order, many of them equal: the id breaks the ties. */
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *origin = g_strdup_printf ("o-%u", i);
      PetrelDbMessage message = store_test_message (fixture->chat, i % 3 == 0, JULIET, origin, NULL,
                                                    1000 * g_rand_int_range (rand, 0, 12), "m");
      PetrelDbMessage noise = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                                  STORE_TEST_ROOM "/nurse", origin, NULL, 1000 * i, "n");

      if (i % 5 == 0)
        message.server_time = 0; /* sorted by local time */
      store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
      store_test_insert (fixture->db, &noise, PETREL_DB_INSERT_DEFAULT, NULL);
    }

  all = history (fixture->db, fixture->chat, NULL, 1000);
  g_assert_cmpuint (all->len, ==, total);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (cursor_compare (all->pdata[i - 1], all->pdata[i]), <, 0);

  /* The newest N, oldest first. */
  newest = history (fixture->db, fixture->chat, NULL, 5);
  g_assert_cmpuint (newest->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (((PetrelDbMessage *) newest->pdata[i])->id, ==,
                     ((PetrelDbMessage *) all->pdata[total - 5 + i])->id);

  /* Back to the start in pages of 7, each before the oldest one so far. */
  cursor.sort_time = ((PetrelDbMessage *) newest->pdata[0])->sort_time;
  cursor.id = ((PetrelDbMessage *) newest->pdata[0])->id;
  for (guint i = 5; i > 0; i--)
    g_array_prepend_val (backwards, ((PetrelDbMessage *) newest->pdata[i - 1])->id);
  for (;;)
    {
      g_autoptr(GPtrArray) page = history (fixture->db, fixture->chat, &cursor, 7);

      if (page->len == 0)
        break;
      g_assert_cmpuint (page->len, <=, 7);
      for (guint i = page->len; i > 0; i--)
        g_array_prepend_val (backwards, ((PetrelDbMessage *) page->pdata[i - 1])->id);
      cursor.sort_time = ((PetrelDbMessage *) page->pdata[0])->sort_time;
      cursor.id = ((PetrelDbMessage *) page->pdata[0])->id;
    }

  /* And forward again from the first one. */
  cursor.sort_time = ((PetrelDbMessage *) all->pdata[0])->sort_time;
  cursor.id = ((PetrelDbMessage *) all->pdata[0])->id;
  g_array_append_val (forwards, cursor.id);
  for (;;)
    {
      g_autoptr(GPtrArray) page = petrel_db_message_history_after (fixture->db, fixture->chat, &cursor, 4, &error);

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        g_array_append_val (forwards, ((PetrelDbMessage *) page->pdata[i])->id);
      cursor.sort_time = ((PetrelDbMessage *) page->pdata[page->len - 1])->sort_time;
      cursor.id = ((PetrelDbMessage *) page->pdata[page->len - 1])->id;
    }

  /* Every message once, in order, both ways. */
  g_assert_cmpuint (backwards->len, ==, total);
  g_assert_cmpuint (forwards->len, ==, total);
  for (guint i = 0; i < total; i++)
    {
      g_assert_cmpint (g_array_index (backwards, gint64, i), ==, ((PetrelDbMessage *) all->pdata[i])->id);
      g_assert_cmpint (g_array_index (forwards, gint64, i), ==, ((PetrelDbMessage *) all->pdata[i])->id);
    }
}

static void
test_unread_counts (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  guint total = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *origin = g_strdup_printf ("o-%u", i);
      PetrelDbMessage in_chat = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                    origin, NULL, 1000 + i, "hi");
      PetrelDbMessage mine = store_test_message (fixture->chat, PETREL_DB_DIRECTION_OUTGOING, ROMEO,
                                                 origin, NULL, 2000 + i, "hi");
      PetrelDbMessage old = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                                STORE_TEST_ROOM "/nurse", origin, NULL, 10 + i, "old");

      store_test_insert (fixture->db, &in_chat, PETREL_DB_INSERT_DEFAULT, NULL);
      store_test_insert (fixture->db, &mine, PETREL_DB_INSERT_DEFAULT, NULL);
      store_test_insert (fixture->db, &old, PETREL_DB_INSERT_BACKFILL, NULL);
    }

  g_assert_cmpuint (unread (fixture->db, fixture->chat), ==, 3);
  g_assert_cmpuint (unread (fixture->db, fixture->room), ==, 0);

  {
    PetrelDbMessage live = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                               STORE_TEST_ROOM "/nurse", "o-live", NULL, 5000, "now");
    store_test_insert (fixture->db, &live, PETREL_DB_INSERT_DEFAULT, NULL);
  }
  g_assert_true (petrel_db_conversation_count_unread (fixture->db, fixture->account, &total, &error));
  g_assert_cmpuint (total, ==, 4);

  /* The list: most recent activity first. */
  list = petrel_db_conversation_list (fixture->db, fixture->account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((PetrelDbConversation *) list->pdata[0])->id, ==, fixture->room);
  g_assert_cmpint (((PetrelDbConversation *) list->pdata[0])->last_activity, ==, 5000);
  g_assert_cmpint (((PetrelDbConversation *) list->pdata[1])->last_activity, ==, 2002);
  g_assert_cmpuint (((PetrelDbConversation *) list->pdata[1])->unread, ==, 3);

  g_assert_true (petrel_db_conversation_mark_read (fixture->db, fixture->chat, &error));
  g_assert_cmpuint (unread (fixture->db, fixture->chat), ==, 0);
  g_assert_true (petrel_db_conversation_count_unread (fixture->db, fixture->account, &total, &error));
  g_assert_cmpuint (total, ==, 1);

  g_assert_false (petrel_db_conversation_mark_read (fixture->db, 4242, &error));
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND);
}

static const PetrelDbMessage *
only (GPtrArray *messages)
{
  g_assert_cmpuint (messages->len, ==, 1);
  return messages->pdata[0];
}

static void
test_corrections (StoreFixture  *fixture,
                  gconstpointer  data)
{
  PetrelDbMessage original = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                 "o-1", NULL, 1000, "Wherfore");
  PetrelDbMessage first = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                              "o-2", NULL, 2000, "Wherefore");
  PetrelDbMessage second = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                               "o-3", NULL, 3000, "Wherefore art thou");
  PetrelDbMessage late_old = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                 "o-4", NULL, 1500, "stale");
  PetrelDbMessage of_correction = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                      "o-5", NULL, 4000, "Wherefore art thou Romeo?");
  gint64 original_id, id;

  first.replaces = second.replaces = late_old.replaces = (char *) "o-1";
  of_correction.replaces = (char *) "o-3"; /* names a correction, not the original */

  original_id = store_test_insert (fixture->db, &original, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &first, PETREL_DB_INSERT_DEFAULT, NULL);
  id = store_test_insert (fixture->db, &second, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &late_old, PETREL_DB_INSERT_DEFAULT, NULL);

  {
    g_autoptr(GPtrArray) messages = history (fixture->db, fixture->chat, NULL, 10);
    const PetrelDbMessage *shown = only (messages);

    g_assert_cmpint (shown->id, ==, original_id);
    g_assert_cmpstr (shown->body, ==, "Wherfore");
    g_assert_cmpint (shown->corrected_by, ==, id);
    g_assert_cmpstr (shown->corrected_body, ==, "Wherefore art thou");
  }
  {
    g_autoptr(PetrelDbMessage) correction = get_message (fixture->db, id);
    g_assert_cmpint (correction->replaces_id, ==, original_id);
    g_assert_cmpstr (correction->replaces, ==, "o-1");
  }

  store_test_insert (fixture->db, &of_correction, PETREL_DB_INSERT_DEFAULT, NULL);
  {
    g_autoptr(GPtrArray) messages = history (fixture->db, fixture->chat, NULL, 10);
    g_assert_cmpstr (only (messages)->corrected_body, ==, "Wherefore art thou Romeo?");
  }

  /* Corrections are no new messages to read. */
  g_assert_cmpuint (unread (fixture->db, fixture->chat), ==, 1);
}

static void
test_correction_before_original (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  PetrelDbMessage correction = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                   "o-2", NULL, 2000, "fixed");
  PetrelDbMessage original = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                 "o-1", NULL, 1000, "fxied");
  gint64 original_id, correction_id;

  correction.replaces = (char *) "o-1";
  correction_id = store_test_insert (fixture->db, &correction, PETREL_DB_INSERT_DEFAULT, NULL);

  /* Until its original comes, the correction is a message of its own. */
  {
    g_autoptr(GPtrArray) messages = history (fixture->db, fixture->chat, NULL, 10);
    g_assert_cmpint (only (messages)->id, ==, correction_id);
  }

  original_id = store_test_insert (fixture->db, &original, PETREL_DB_INSERT_BACKFILL, NULL);
  {
    g_autoptr(GPtrArray) messages = history (fixture->db, fixture->chat, NULL, 10);
    const PetrelDbMessage *shown = only (messages);

    g_assert_cmpint (shown->id, ==, original_id);
    g_assert_cmpstr (shown->corrected_body, ==, "fixed");
  }
}

static void
test_correction_by_another_occupant_is_not_applied (StoreFixture  *fixture,
                                                    gconstpointer  data)
{
  PetrelDbMessage original = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                                 STORE_TEST_ROOM "/juliet", "o-1", NULL, 1000, "I love Romeo");
  PetrelDbMessage forged = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                               STORE_TEST_ROOM "/tybalt", "o-2", NULL, 2000, "I hate Romeo");
  PetrelDbMessage early = store_test_message (fixture->room, PETREL_DB_DIRECTION_INCOMING,
                                              STORE_TEST_ROOM "/tybalt", "o-3", NULL, 500, "forged early");
  g_autoptr(GPtrArray) messages = NULL;

  forged.replaces = (char *) "o-1";
  early.replaces = (char *) "o-9";
  store_test_insert (fixture->db, &early, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &original, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &forged, PETREL_DB_INSERT_DEFAULT, NULL);
  original.origin_id = (char *) "o-9";
  store_test_insert (fixture->db, &original, PETREL_DB_INSERT_DEFAULT, NULL);

  messages = history (fixture->db, fixture->room, NULL, 10);
  g_assert_cmpuint (messages->len, ==, 4);
  for (guint i = 0; i < messages->len; i++)
    {
      const PetrelDbMessage *message = messages->pdata[i];

      g_assert_cmpint (message->corrected_by, ==, 0);
      g_assert_cmpint (message->replaces_id, ==, 0);
    }
}

/* Corrections that name each other, or themselves, hide no message. */
static void
test_correction_loops_hide_nothing (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  PetrelDbMessage a = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                          "a", NULL, 1000, "a");
  PetrelDbMessage b = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                          "b", NULL, 2000, "b");
  PetrelDbMessage self = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                             "c", NULL, 3000, "c");
  g_autoptr(GPtrArray) messages = NULL;

  a.replaces = (char *) "b";
  b.replaces = (char *) "a";
  self.replaces = (char *) "c";
  store_test_insert (fixture->db, &a, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &b, PETREL_DB_INSERT_DEFAULT, NULL);
  store_test_insert (fixture->db, &self, PETREL_DB_INSERT_DEFAULT, NULL);

  messages = history (fixture->db, fixture->chat, NULL, 10);
  g_assert_cmpuint (messages->len, ==, 3);
}

static void
test_search (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const char *bodies[] = {
    "Wherefore art thou Romeo?",
    "Meet me at the Café tomorrow",
    "rock and roll",
    "to be or not to be",
    "near the orchard wall",
    "a OR b",
  };
  gint64 other_account = 0, other_chat = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *origin = g_strdup_printf ("o-%u", i);
      PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                    origin, NULL, 1000 * (i + 1), bodies[i]);

      store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
    }

  /* Words in any order, case and accents ignored, newest first. */
  {
    g_autoptr(GPtrArray) found = search (fixture->db, fixture->account, 0, "romeo WHEREFORE");
    g_assert_cmpstr (only (found)->body, ==, bodies[0]);
  }
  {
    g_autoptr(GPtrArray) found = search (fixture->db, fixture->account, 0, "cafe");
    g_assert_cmpstr (only (found)->body, ==, bodies[1]);
  }
  {
    g_autoptr(GPtrArray) found = search (fixture->db, fixture->account, 0, "be");
    g_assert_cmpstr (only (found)->body, ==, bodies[3]);
  }
  {
    g_autoptr(GPtrArray) found = search (fixture->db, fixture->account, 0, "the");
    g_assert_cmpuint (found->len, ==, 2);
    g_assert_cmpstr (((PetrelDbMessage *) found->pdata[0])->body, ==, bodies[4]);
    g_assert_cmpstr (((PetrelDbMessage *) found->pdata[1])->body, ==, bodies[1]);
  }

  /* Scope: the conversation, the account. */
  {
    g_autoptr(GPtrArray) found = search (fixture->db, fixture->account, fixture->room, "romeo");
    g_assert_cmpuint (found->len, ==, 0);
  }
  g_assert_true (petrel_db_account_ensure (fixture->db, "tybalt@capulet.lit", &other_account, &error));
  g_assert_true (petrel_db_conversation_ensure (fixture->db, other_account, STORE_TEST_PEER,
                                                PETREL_DB_CONVERSATION_CHAT, &other_chat, &error));
  {
    g_autoptr(GPtrArray) found = search (fixture->db, other_account, 0, "romeo");
    g_assert_cmpuint (found->len, ==, 0);
  }
  {
    g_autoptr(GPtrArray) found = search (fixture->db, other_account, fixture->chat, "romeo");
    g_assert_cmpuint (found->len, ==, 0);
  }
}

/* FTS5 has a query language; what the user types must never be read as
 * it (a syntax error, or a query other than the words typed). */
static void
test_search_hostile_input (StoreFixture  *fixture,
                           gconstpointer  data)
{
  /* Each word the user typed is a word to find, whatever FTS5 would
   * make of it: all of them must occur.  "rock" alone is in two bodies. */
  static const struct {
    const char *text;
    guint count;
    const char *body; /* the body found when count is 1 */
  } cases[] = {
    { "\"", 0, NULL },
    { "\"\"", 0, NULL },
    { "\"rock", 2, NULL },
    { "rock\"", 2, NULL },
    { "ro\"ck", 0, NULL },
    { "NEAR(", 1, "NEAR(rock, roll)" },
    { "NEAR(rock roll", 1, "NEAR(rock, roll)" },
    { "NEAR(rock, roll)", 1, "NEAR(rock, roll)" },
    { "NEAR(rock roll, 0)", 0, NULL },
    { "*", 0, NULL },
    { "ro*", 0, NULL },
    { "rock*", 2, NULL },
    { "AND", 1, "rock AND roll" },
    { "and", 1, "rock AND roll" },
    { "OR", 0, NULL },
    { "NOT", 0, NULL },
    { "rock AND roll", 1, "rock AND roll" },
    { "rock OR paper", 0, NULL },
    { "paper OR rock", 0, NULL },
    { "rock NOT roll", 0, NULL },
    { "body:rock", 0, NULL },
    { "{body}: rock", 0, NULL },
    { "^rock", 2, NULL },
    { "-rock", 2, NULL },
    { "+rock", 2, NULL },
    { "(rock", 2, NULL },
    { "rock)", 2, NULL },
    { "' OR 1=1 --", 0, NULL },
    { "'); DROP TABLE messages; --", 0, NULL },
    { "\\", 0, NULL },
    { "\x01\x02", 0, NULL },
    { "", 0, NULL },
    { "   \t\n ", 0, NULL },
    { "😀", 0, NULL },
    { "Ünïcödé", 1, "Ünïcödé" },
    { "unicode", 1, "Ünïcödé" },
  };

  static const char *bodies[] = { "rock AND roll", "NEAR(rock, roll)", "Ünïcödé" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *origin = g_strdup_printf ("o-%u", i);
      PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                    origin, NULL, 1000 * (i + 1), bodies[i]);

      store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) found = NULL;

      g_test_message ("search for '%s'", cases[i].text);
      found = search (fixture->db, fixture->account, 0, cases[i].text);
      g_assert_cmpuint (found->len, ==, cases[i].count);
      if (cases[i].body != NULL)
        g_assert_cmpstr (((PetrelDbMessage *) found->pdata[0])->body, ==, cases[i].body);
    }

  /* Dropped or not, the messages are all still there. */
  {
    g_autoptr(GPtrArray) messages = history (fixture->db, fixture->chat, NULL, 10);
    g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (bodies));
  }
}

static void
test_search_invalid_utf8 (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *found = petrel_db_message_search (fixture->db, fixture->account, 0, "caf\xc3", 10, &error);

  g_assert_null (found);
  g_assert_error (error, PETREL_STORE_ERROR, PETREL_STORE_ERROR_INVALID);
}

static void
assert_refused (StoreFixture          *fixture,
                const PetrelDbMessage *message,
                int                    code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  gint64 id = -1;

  g_assert_false (petrel_db_message_insert (fixture->db, message, PETREL_DB_INSERT_DEFAULT, &id, NULL, &error));
  g_assert_error (error, PETREL_STORE_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpint (id, ==, -1);

  /* Nothing written, nothing counted. */
  messages = history (fixture->db, fixture->chat, NULL, 10);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpuint (unread (fixture->db, fixture->chat), ==, 0);
}

static void
test_hostile_strings (StoreFixture  *fixture,
                      gconstpointer  data)
{
  PetrelDbMessage message = store_test_message (fixture->chat, PETREL_DB_DIRECTION_INCOMING, JULIET,
                                                "o-1", "s-1", 1000, NULL);
  g_autofree char *controls = g_malloc (33);
  g_autofree char *huge = NULL;
  GString *builder;
  gint64 id;

  /* Invalid UTF-8 in any field is refused, with no trace left. */
  message.body = (char *) "caf\xc3\x28";
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.body = (char *) "ok";
  message.sender = (char *) "juliet@capulet.lit/\xff";
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.sender = (char *) JULIET;
  message.origin_id = (char *) "\xed\xa0\x80"; /* a UTF-16 surrogate */
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.origin_id = (char *) "o-1";
  message.stanza_id_by = NULL; /* a stanza-id without its archive */
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.stanza_id_by = (char *) STORE_TEST_ACCOUNT;
  message.sender = NULL;
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.sender = (char *) JULIET;
  message.direction = 7;
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.direction = PETREL_DB_DIRECTION_INCOMING;
  message.state = -1;
  assert_refused (fixture, &message, PETREL_STORE_ERROR_INVALID);
  message.state = PETREL_DB_STATE_DELIVERED;
  message.conversation_id = 4242;
  assert_refused (fixture, &message, PETREL_STORE_ERROR_NOT_FOUND);
  message.conversation_id = fixture->chat;

  /* Control characters and SQL are text like any other. */
  for (int i = 0; i < 32; i++)
    controls[i] = (char) (i + 1);
  controls[31] = '\0';
  message.body = controls;
  id = store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
  {
    g_autoptr(PetrelDbMessage) stored = get_message (fixture->db, id);
    g_assert_cmpmem (stored->body, strlen (stored->body), controls, 31);
  }

  message.origin_id = (char *) "'); DROP TABLE messages; --";
  message.stanza_id = (char *) "\"; DELETE FROM outbox; --";
  message.body = (char *) "Robert'); DROP TABLE messages;--";
  id = store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
  {
    g_autoptr(PetrelDbMessage) stored = get_message (fixture->db, id);
    g_assert_cmpstr (stored->origin_id, ==, message.origin_id);
    g_assert_cmpstr (stored->stanza_id, ==, message.stanza_id);
    g_assert_cmpstr (stored->body, ==, message.body);
  }

  /* A body as large as a stanza may be: stored, read back, searchable. */
  builder = g_string_sized_new (1024 * 1024 + 16);
  while (builder->len < 1024 * 1024 - 16)
    g_string_append (builder, "ünïcödé wörds ");
  g_string_append (builder, "needle");
  huge = g_string_free (builder, FALSE);
  message.origin_id = (char *) "o-huge";
  message.stanza_id = (char *) "s-huge";
  message.body = huge;
  id = store_test_insert (fixture->db, &message, PETREL_DB_INSERT_DEFAULT, NULL);
  {
    g_autoptr(PetrelDbMessage) stored = get_message (fixture->db, id);
    g_autoptr(GPtrArray) found = search (fixture->db, fixture->account, 0, "needle");

    g_assert_cmpstr (stored->body, ==, huge);
    g_assert_cmpint (only (found)->id, ==, id);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/messages/" path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

  ADD ("dedup-by-stanza-id", test_dedup_by_stanza_id);
  ADD ("dedup-by-origin-id", test_dedup_by_origin_id);
  ADD ("empty-ids-are-no-ids", test_empty_ids_are_no_ids);
  ADD ("archive-copy-completes-pending", test_archive_copy_completes_pending);
  ADD ("stanza-id-from-other-conversation-changes-nothing", test_stanza_id_from_other_conversation_changes_nothing);
  ADD ("states-only-move-forward", test_states_only_move_forward);
  ADD ("set-state-errors", test_set_state_errors);
  ADD ("lookups", test_lookups);
  ADD ("history-pages", test_history_pages);
  ADD ("unread-counts", test_unread_counts);
  ADD ("corrections", test_corrections);
  ADD ("correction-before-original", test_correction_before_original);
  ADD ("correction-by-another-occupant-is-not-applied", test_correction_by_another_occupant_is_not_applied);
  ADD ("correction-loops-hide-nothing", test_correction_loops_hide_nothing);
  ADD ("search", test_search);
  ADD ("search-hostile-input", test_search_hostile_input);
  ADD ("search-invalid-utf8", test_search_invalid_utf8);
  ADD ("hostile-strings", test_hostile_strings);

#undef ADD

  return g_test_run ();
}
