/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelConversationList: newest activity first, exact
 * items-changed positions when a message moves a conversation up, and a
 * total-unread count notified once per change.
 */
#include "petrel-conversation-list.h"

#include "model-test.h"

#define ME "me@example.org"

static char *
order_of (PetrelConversationList *list)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PetrelConversation) conversation = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", petrel_conversation_get_peer (conversation));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_order(list, expected) \
  G_STMT_START { \
    g_autofree char *_order = order_of (list); \
    g_assert_cmpstr (_order, ==, (expected)); \
  } G_STMT_END

static PetrelConversation *
upsert (PetrelConversationList *list,
        const char             *account,
        const char             *peer,
        gint64                  last_activity,
        guint                   unread)
{
  g_autoptr(PetrelConversation) conversation = petrel_conversation_new (account, peer, PETREL_CONVERSATION_CHAT);

  petrel_conversation_set_last_activity (conversation, last_activity);
  petrel_conversation_set_unread (conversation, unread);

  return petrel_conversation_list_upsert (list, conversation);
}

/* a (time 40, 1 unread), b (30), c (20, 2 unread), d (10) */
static PetrelConversationList *
make_list (void)
{
  PetrelConversationList *list = petrel_conversation_list_new ();

  upsert (list, ME, "c", 20, 2);
  upsert (list, ME, "a", 40, 1);
  upsert (list, ME, "d", 10, 0);
  upsert (list, ME, "b", 30, 0);

  return list;
}

static void
test_upsert_sorted (void)
{
  PetrelConversationList *list = petrel_conversation_list_new ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);

  upsert (list, ME, "c", 20, 2);
  recorder_check (recorder, "(0,0,1)");
  upsert (list, ME, "a", 40, 1);
  recorder_check (recorder, "(0,0,1)");
  upsert (list, ME, "d", 10, 0);
  recorder_check (recorder, "(2,0,1)");
  upsert (list, ME, "b", 30, 0);
  recorder_check (recorder, "(1,0,1)");
  assert_order (list, "a b c d");
  assert_notified (log, "n-items,n-items,n-items,n-items,total-unread,total-unread");
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, 3);

  /* Equal times: by account, then peer. */
  upsert (list, "zed@example.org", "b", 30, 0);
  recorder_check (recorder, "(2,0,1)");
  upsert (list, ME, "aa", 30, 0);
  recorder_check (recorder, "(1,0,1)");
  assert_order (list, "a aa b b c d");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_bump_moves_to_top (void)
{
  PetrelConversationList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  PetrelConversation *c = petrel_conversation_list_lookup (list, ME, "c");
  NotifyLog *c_log = notify_log_new (c);

  g_assert_true (petrel_conversation_list_bump (list, ME, "c", 50, "hello", 1));
  recorder_check (recorder, "(2,1,0)(0,0,1)");
  assert_order (list, "c a b d");
  assert_notified (c_log, "last-activity,last-message-preview,unread");
  assert_notified (log, "total-unread");
  g_assert_cmpuint (petrel_conversation_get_unread (c), ==, 3);
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, 4);
  g_assert_cmpstr (petrel_conversation_get_last_message_preview (c), ==, "hello");

  /* Already on top: nothing moves. */
  g_assert_true (petrel_conversation_list_bump (list, ME, "c", 60, "again", 0));
  recorder_check (recorder, "");
  assert_notified (c_log, "last-activity,last-message-preview");
  assert_notified (log, "");

  /* An older message (history fetched late) neither moves nor replaces
   * the preview; it may count as unread. */
  g_assert_true (petrel_conversation_list_bump (list, ME, "d", 5, "old", 1));
  recorder_check (recorder, "");
  g_assert_null (petrel_conversation_get_last_message_preview (petrel_conversation_list_lookup (list, ME, "d")));
  assert_notified (log, "total-unread");

  /* To the middle. */
  g_assert_true (petrel_conversation_list_bump (list, ME, "d", 35, "mid", 0));
  recorder_check (recorder, "(3,1,0)(2,0,1)");
  assert_order (list, "c a d b");

  g_assert_false (petrel_conversation_list_bump (list, ME, "nobody", 70, "?", 1));
  g_assert_false (petrel_conversation_list_bump (list, "other@example.org", "c", 70, "?", 1));
  recorder_check (recorder, "");

  notify_log_free (c_log);
  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_mark_read (void)
{
  PetrelConversationList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);

  g_assert_true (petrel_conversation_list_mark_read (list, ME, "c"));
  g_assert_true (petrel_conversation_list_mark_read (list, ME, "c"));
  g_assert_true (petrel_conversation_list_mark_read (list, ME, "b"));
  assert_notified (log, "total-unread");
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, 1);
  g_assert_false (petrel_conversation_list_mark_read (list, ME, "nobody"));
  recorder_check (recorder, "");

  /* Unread set on a conversation directly counts too. */
  petrel_conversation_set_unread (petrel_conversation_list_lookup (list, ME, "d"), 7);
  assert_notified (log, "total-unread");
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, 8);

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_upsert_existing (void)
{
  PetrelConversationList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  PetrelConversation *d = petrel_conversation_list_lookup (list, ME, "d");
  g_autoptr(PetrelConversation) fresh = petrel_conversation_new (ME, "d", PETREL_CONVERSATION_CHAT);

  petrel_conversation_set_display_name (fresh, "Dee");
  petrel_conversation_set_last_activity (fresh, 100);
  petrel_conversation_set_unread (fresh, 4);
  g_assert_true (petrel_conversation_list_upsert (list, fresh) == d);
  recorder_check (recorder, "(3,1,0)(0,0,1)");
  assert_order (list, "d a b c");
  g_assert_cmpstr (petrel_conversation_get_display_name (d), ==, "Dee");
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, 7);
  assert_notified (log, "total-unread");

  /* The same object again: nothing. */
  g_assert_true (petrel_conversation_list_upsert (list, d) == d);
  recorder_check (recorder, "");
  assert_notified (log, "");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
}

static void
test_remove (void)
{
  PetrelConversationList *list = make_list ();
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  g_autoptr(PetrelConversation) c = g_object_ref (petrel_conversation_list_lookup (list, ME, "c"));

  g_assert_true (petrel_conversation_list_remove (list, ME, "c"));
  recorder_check (recorder, "(2,1,0)");
  assert_notified (log, "n-items,total-unread");
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, 1);
  g_assert_false (petrel_conversation_list_remove (list, ME, "c"));

  /* A removed conversation is no longer watched. */
  petrel_conversation_set_last_activity (c, 1000);
  petrel_conversation_set_unread (c, 9);
  recorder_check (recorder, "");
  assert_notified (log, "");

  g_assert_true (petrel_conversation_list_remove (list, ME, "a"));
  recorder_check (recorder, "(0,1,0)");
  assert_order (list, "b d");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
  g_assert_finalize_object (g_steal_pointer (&c));
}

/* Many random bumps; the mirror checks every position. */
static void
test_random_bumps (void)
{
  PetrelConversationList *list = petrel_conversation_list_new ();
  Recorder *recorder = recorder_new (list);
  GRand *rand = g_rand_new_with_seed (7);
  guint expected_unread = 0;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *peer = g_strdup_printf ("p%02u@example.org", i);

      upsert (list, ME, peer, g_rand_int_range (rand, 0, 100), 0);
    }
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *peer = g_strdup_printf ("p%02u@example.org", g_rand_int_range (rand, 0, 50));
      guint delta = g_rand_int_range (rand, 0, 2);

      petrel_conversation_list_bump (list, ME, peer, g_rand_int_range (rand, 0, 5000), "x", delta);
      expected_unread += delta;
    }
  recorder_check (recorder, recorder->log->str);
  g_assert_cmpuint (petrel_conversation_list_get_total_unread (list), ==, expected_unread);

  for (guint i = 1; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(PetrelConversation) a = g_list_model_get_item (G_LIST_MODEL (list), i - 1);
      g_autoptr(PetrelConversation) b = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (petrel_conversation_get_last_activity (a), >=, petrel_conversation_get_last_activity (b));
    }

  g_rand_free (rand);
  recorder_free (recorder);
  g_assert_finalize_object (list);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conversation-list/upsert-sorted", test_upsert_sorted);
  g_test_add_func ("/conversation-list/bump-moves-to-top", test_bump_moves_to_top);
  g_test_add_func ("/conversation-list/mark-read", test_mark_read);
  g_test_add_func ("/conversation-list/upsert-existing", test_upsert_existing);
  g_test_add_func ("/conversation-list/remove", test_remove);
  g_test_add_func ("/conversation-list/random-bumps", test_random_bumps);

  return g_test_run ();
}
