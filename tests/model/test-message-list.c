/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for PetrelMessageList over a generated history: opening reads only
 * the newest page, older and newer pages join at exact positions, cursors
 * are exact across messages that share a sort time, and the number of
 * live PetrelMessage objects stays bounded however far the user scrolls.
 */
#include <string.h>

#include "petrel-message-list.h"

#include "model-test.h"

/*
 * FakeHistory: a PetrelHistorySource over n_messages messages that exist
 * only as numbers.  Message k (0 = oldest) has the sort time of its group
 * of group_size messages, so many share one sort time, and a row id that
 * rises within a group but falls from group to group: ordering by id
 * alone, or by time alone, would be wrong.  Messages are created on
 * demand, and each one is counted while it lives.
 */

#define FAKE_BASE_TIME G_GINT64_CONSTANT (1700000000000000)

static guint live_messages;

struct _FakeHistory
{
  GObject parent_instance;

  guint n_messages;
  guint group_size;
  guint n_reads;
  guint n_created;
  gboolean fail;
};

#define FAKE_TYPE_HISTORY (fake_history_get_type ())
G_DECLARE_FINAL_TYPE (FakeHistory, fake_history, FAKE, HISTORY, GObject)

static void fake_history_iface_init (PetrelHistorySourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeHistory, fake_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PETREL_TYPE_HISTORY_SOURCE, fake_history_iface_init))

static void
fake_cursor (FakeHistory         *self,
             guint                k,
             PetrelHistoryCursor *cursor)
{
  guint group = k / self->group_size;

  /* Independent of n_messages, so the history may grow. */
  cursor->sort_time = FAKE_BASE_TIME + (gint64) group * G_USEC_PER_SEC;
  cursor->id = (gint64) (1000000 - group) * self->group_size + k % self->group_size + 1;
}

/* The first k whose cursor is not before @cursor (or after, if @after). */
static guint
fake_search (FakeHistory               *self,
             const PetrelHistoryCursor *cursor,
             gboolean                   after)
{
  guint lo = 0;
  guint hi = self->n_messages;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      PetrelHistoryCursor c;
      int cmp;

      fake_cursor (self, mid, &c);
      cmp = petrel_history_cursor_compare (&c, cursor);
      if (cmp < 0 || (after && cmp == 0))
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
message_finalized_cb (gpointer  data,
                      GObject  *where_the_object_was)
{
  g_assert_cmpuint (live_messages, >, 0);
  live_messages--;
}

static PetrelMessage *
fake_message (FakeHistory *self,
              guint        k)
{
  PetrelHistoryCursor cursor;
  g_autofree char *origin_id = g_strdup_printf ("o%u", k);
  g_autofree char *body = g_strdup_printf ("message %u", k);
  gboolean outgoing = k % 2 == 1;
  PetrelMessage *message;

  fake_cursor (self, k, &cursor);
  message = g_object_new (PETREL_TYPE_MESSAGE,
                          "account", "me@example.org",
                          "from", outgoing ? "me@example.org" : "bob@example.org",
                          "to", outgoing ? "bob@example.org" : "me@example.org",
                          "id", origin_id,
                          "origin-id", origin_id,
                          "outgoing", outgoing,
                          "state", outgoing ? "delivered" : NULL,
                          "body", body,
                          "sort-time", cursor.sort_time,
                          "row-id", cursor.id,
                          NULL);
  g_object_weak_ref (G_OBJECT (message), message_finalized_cb, NULL);
  live_messages++;
  self->n_created++;

  return message;
}

static GPtrArray *
fake_range (FakeHistory  *self,
            guint         start,
            guint         end,
            GError      **error)
{
  GPtrArray *page;

  self->n_reads++;
  if (self->fail)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "disk on fire");
      return NULL;
    }

  page = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint k = start; k < end; k++)
    g_ptr_array_add (page, fake_message (self, k));

  return page;
}

static GPtrArray *
fake_load_before (PetrelHistorySource        *source,
                  const PetrelHistoryCursor  *cursor,
                  guint                       limit,
                  GError                    **error)
{
  FakeHistory *self = FAKE_HISTORY (source);
  guint end = cursor != NULL ? fake_search (self, cursor, FALSE) : self->n_messages;

  return fake_range (self, end > limit ? end - limit : 0, end, error);
}

static GPtrArray *
fake_load_after (PetrelHistorySource        *source,
                 const PetrelHistoryCursor  *cursor,
                 guint                       limit,
                 GError                    **error)
{
  FakeHistory *self = FAKE_HISTORY (source);
  guint start = fake_search (self, cursor, TRUE);

  return fake_range (self, start, MIN (self->n_messages, start + limit), error);
}

static void
fake_history_iface_init (PetrelHistorySourceInterface *iface)
{
  iface->load_before = fake_load_before;
  iface->load_after = fake_load_after;
}

static void
fake_history_class_init (FakeHistoryClass *klass)
{
}

static void
fake_history_init (FakeHistory *self)
{
}

static FakeHistory *
fake_history_new (guint n_messages,
                  guint group_size)
{
  FakeHistory *self = g_object_new (FAKE_TYPE_HISTORY, NULL);

  self->n_messages = n_messages;
  self->group_size = group_size;

  return self;
}

/* The message a list item stands for: its k. */
static guint
index_of (PetrelMessage *message)
{
  const char *body = petrel_message_get_body (message);

  g_assert_true (g_str_has_prefix (body, "message "));

  return (guint) g_ascii_strtoull (body + strlen ("message "), NULL, 10);
}

/* Asserts that the list holds exactly messages first..first+n-1, in order. */
static void
assert_window (PetrelMessageList *list,
               guint              first,
               guint              n)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PetrelMessage) message = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpuint (index_of (message), ==, first + i);
    }
}

static PetrelMessageList *
list_new (FakeHistory *history,
          guint        page_size,
          guint        max_items)
{
  return g_object_new (PETREL_TYPE_MESSAGE_LIST,
                       "source", history,
                       "page-size", page_size,
                       "max-items", max_items,
                       NULL);
}

static void
finish (PetrelMessageList *list,
        FakeHistory       *history)
{
  g_assert_finalize_object (list);
  g_assert_finalize_object (history);
  g_assert_cmpuint (live_messages, ==, 0);
}

#define N_BIG 100000

static void
test_open_reads_newest_page_only (void)
{
  FakeHistory *history = fake_history_new (N_BIG, 7);
  PetrelMessageList *list = petrel_message_list_new (PETREL_HISTORY_SOURCE (history));
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == PETREL_TYPE_MESSAGE);
  g_assert_cmpuint (petrel_message_list_get_page_size (list), ==, 50);
  g_assert_cmpuint (petrel_message_list_get_max_items (list), ==, 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpuint (history->n_reads, ==, 0);

  g_assert_true (petrel_message_list_load_newest (list, &error));
  g_assert_no_error (error);
  recorder_check (recorder, "(0,0,50)");
  assert_notified (log, "has-older,n-items");
  assert_window (list, N_BIG - 50, 50);
  g_assert_true (petrel_message_list_get_has_older (list));
  g_assert_false (petrel_message_list_get_has_newer (list));

  /* One read of one page (and the one row that says there is more). */
  g_assert_cmpuint (history->n_reads, ==, 1);
  g_assert_cmpuint (history->n_created, ==, 51);
  g_assert_cmpuint (live_messages, ==, 50);

  recorder_free (recorder);
  notify_log_free (log);
  finish (list, history);
}

static void
test_load_older_prepends (void)
{
  FakeHistory *history = fake_history_new (N_BIG, 7);
  PetrelMessageList *list = list_new (history, 50, 1000);
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,50)");
  assert_notified (log, "has-older,n-items");

  g_assert_true (petrel_message_list_load_older (list, NULL));
  recorder_check (recorder, "(0,0,50)");
  assert_notified (log, "n-items");
  assert_window (list, N_BIG - 100, 100);
  g_assert_cmpuint (history->n_reads, ==, 2);

  g_assert_true (petrel_message_list_load_older (list, NULL));
  recorder_check (recorder, "(0,0,50)");
  assert_window (list, N_BIG - 150, 150);

  recorder_free (recorder);
  notify_log_free (log);
  finish (list, history);
}

/* Scrolls through the whole 100,000-message history, back and forth,
 * with the window and the live objects never above max-items. */
static void
test_window_is_bounded (void)
{
  FakeHistory *history = fake_history_new (N_BIG, 7);
  PetrelMessageList *list = list_new (history, 50, 1000);
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  guint first = N_BIG - 50;
  guint loads = 0;

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,50)");

  /* The 20th page fills the window. */
  for (guint i = 0; i < 19; i++)
    g_assert_true (petrel_message_list_load_older (list, NULL));
  first -= 19 * 50;
  recorder_check (recorder, recorder->log->str);
  assert_window (list, first, 1000);
  g_assert_false (petrel_message_list_get_has_newer (list));
  assert_notified (log, "has-older,n-items,n-items,n-items,n-items,n-items,n-items,n-items,"
                        "n-items,n-items,n-items,n-items,n-items,n-items,n-items,n-items,"
                        "n-items,n-items,n-items,n-items,n-items");

  /* The 21st drops the newest page. */
  g_assert_true (petrel_message_list_load_older (list, NULL));
  first -= 50;
  recorder_check (recorder, "(0,0,50)(1000,50,0)");
  assert_notified (log, "has-newer");
  assert_window (list, first, 1000);
  g_assert_true (petrel_message_list_get_has_newer (list));

  /* All the way back: 100,000 is not a multiple of 50 * 7, so pages and
   * groups of equal sort times straddle each other everywhere. */
  while (petrel_message_list_get_has_older (list))
    {
      g_assert_true (petrel_message_list_load_older (list, NULL));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), <=, 1000);
      g_assert_cmpuint (live_messages, ==, g_list_model_get_n_items (G_LIST_MODEL (list)));
      if (++loads % 100 == 0)
        {
          g_autoptr(PetrelMessage) message = g_list_model_get_item (G_LIST_MODEL (list), 0);

          assert_window (list, index_of (message), 1000);
        }
    }
  assert_window (list, 0, 1000);
  recorder_check (recorder, recorder->log->str);
  g_assert_cmpuint (loads, ==, (N_BIG - 1000 - 50) / 50);

  /* Nothing older: no read. */
  {
    guint reads = history->n_reads;

    g_assert_true (petrel_message_list_load_older (list, NULL));
    g_assert_cmpuint (history->n_reads, ==, reads);
    recorder_check (recorder, "");
  }

  /* And forward again to the newest. */
  g_assert_true (petrel_message_list_load_newer (list, NULL));
  recorder_check (recorder, "(1000,0,50)(0,50,0)");
  assert_window (list, 50, 1000);
  g_assert_true (petrel_message_list_get_has_older (list));
  while (petrel_message_list_get_has_newer (list))
    {
      g_assert_true (petrel_message_list_load_newer (list, NULL));
      g_assert_cmpuint (live_messages, ==, g_list_model_get_n_items (G_LIST_MODEL (list)));
    }
  assert_window (list, N_BIG - 1000, 1000);
  recorder_check (recorder, recorder->log->str);

  /* Memory never depended on the length of the history. */
  g_assert_cmpuint (live_messages, ==, 1000);

  recorder_free (recorder);
  notify_log_free (log);
  finish (list, history);
}

/* Every message shares one sort time: only the row id orders them. */
static void
test_cursor_exact_with_equal_times (void)
{
  FakeHistory *history = fake_history_new (1003, 100000);
  PetrelMessageList *list = list_new (history, 10, 2000);
  Recorder *recorder = recorder_new (list);

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  while (petrel_message_list_get_has_older (list))
    g_assert_true (petrel_message_list_load_older (list, NULL));
  assert_window (list, 0, 1003);
  recorder_check (recorder, recorder->log->str);
  /* The oldest page held three; each read asked for one more than a page. */
  g_assert_cmpuint (history->n_reads, ==, 101);

  recorder_free (recorder);
  finish (list, history);
}

static void
test_short_histories (void)
{
  const struct { guint n; guint reads_to_open; gboolean has_older; } cases[] = {
    { 0, 1, FALSE },
    { 30, 1, FALSE },
    { 50, 1, FALSE },
    { 51, 1, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FakeHistory *history = fake_history_new (cases[i].n, 7);
      PetrelMessageList *list = list_new (history, 50, 1000);
      Recorder *recorder = recorder_new (list);
      g_autofree char *expected = cases[i].n > 0 ? g_strdup_printf ("(0,0,%u)", MIN (cases[i].n, 50)) : g_strdup ("");

      g_assert_true (petrel_message_list_load_newest (list, NULL));
      recorder_check (recorder, expected);
      g_assert_cmpuint (history->n_reads, ==, cases[i].reads_to_open);
      g_assert_cmpint (petrel_message_list_get_has_older (list), ==, cases[i].has_older);
      assert_window (list, cases[i].n - MIN (cases[i].n, 50), MIN (cases[i].n, 50));

      g_assert_true (petrel_message_list_load_older (list, NULL));
      if (cases[i].has_older)
        recorder_check (recorder, "(0,0,1)");
      else
        g_assert_cmpuint (history->n_reads, ==, 1);
      g_assert_false (petrel_message_list_get_has_older (list));
      assert_window (list, 0, cases[i].n);

      recorder_free (recorder);
      finish (list, history);
    }
}

/* Loading older before opening opens. */
static void
test_load_older_opens (void)
{
  FakeHistory *history = fake_history_new (500, 7);
  PetrelMessageList *list = list_new (history, 50, 1000);

  g_assert_true (petrel_message_list_load_older (list, NULL));
  assert_window (list, 450, 50);
  g_assert_true (petrel_message_list_load_newer (list, NULL));
  assert_window (list, 450, 50);
  g_assert_cmpuint (history->n_reads, ==, 1);

  finish (list, history);
}

static PetrelMessage *
live_message (gint64      sort_time,
              gint64      row_id,
              const char *body)
{
  PetrelMessage *message = g_object_new (PETREL_TYPE_MESSAGE,
                                         "account", "me@example.org",
                                         "body", body,
                                         "origin-id", body,
                                         "outgoing", TRUE,
                                         "state", "pending",
                                         "sort-time", sort_time,
                                         "row-id", row_id,
                                         NULL);

  return message;
}

static void
test_append_live (void)
{
  FakeHistory *history = fake_history_new (100, 7);
  PetrelMessageList *list = list_new (history, 10, 20);
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  PetrelHistoryCursor c97, c98;
  g_autoptr(PetrelMessage) early = live_message (0, 1, "too early");
  g_autoptr(PetrelMessage) late = NULL;
  g_autoptr(PetrelMessage) dup = NULL;

  /* Not open yet: nothing to append to. */
  g_assert_false (petrel_message_list_append (list, early));
  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,10)");
  assert_notified (log, "has-older,n-items");

  /* Live messages go to the end. */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *body = g_strdup_printf ("live %u", i);
      g_autoptr(PetrelMessage) message = live_message (FAKE_BASE_TIME + 1000 * G_USEC_PER_SEC + i, 1000000 + i, body);

      g_assert_true (petrel_message_list_append (list, message));
    }
  recorder_check (recorder, "(10,0,1)(11,0,1)(12,0,1)(13,0,1)(14,0,1)"
                            "(15,0,1)(16,0,1)(17,0,1)(18,0,1)(19,0,1)");
  assert_notified (log, "n-items,n-items,n-items,n-items,n-items,n-items,n-items,n-items,n-items,n-items");

  /* The 21st goes past max-items: the oldest item goes. */
  {
    g_autoptr(PetrelMessage) message = live_message (FAKE_BASE_TIME + 2000 * G_USEC_PER_SEC, 2000000, "live 10");

    g_assert_true (petrel_message_list_append (list, message));
    recorder_check (recorder, "(20,0,1)(0,1,0)");
    assert_notified (log, "");
  }

  /* A late message goes to its place: between the fake's messages 97 and
   * 98, which have different sort times. */
  fake_cursor (history, 97, &c97);
  fake_cursor (history, 98, &c98);
  g_assert_cmpint (c97.sort_time, <, c98.sort_time);
  late = live_message (c97.sort_time, c97.id + 1000, "late");
  g_assert_true (petrel_message_list_append (list, late));
  recorder_check (recorder, "(7,0,1)(0,1,0)");
  {
    g_autoptr(PetrelMessage) item = g_list_model_get_item (G_LIST_MODEL (list), 6);

    g_assert_true (item == late);
  }

  /* The same message twice is kept once. */
  dup = live_message (c97.sort_time, c97.id + 1000, "late again");
  g_assert_false (petrel_message_list_append (list, dup));
  /* One older than the window stays in the store. */
  g_assert_false (petrel_message_list_append (list, early));
  recorder_check (recorder, "");

  recorder_free (recorder);
  notify_log_free (log);
  g_assert_finalize_object (list);
  g_assert_finalize_object (g_steal_pointer (&late));
  g_assert_finalize_object (g_steal_pointer (&dup));
  g_assert_finalize_object (g_steal_pointer (&early));
  g_assert_finalize_object (history);
  g_assert_cmpuint (live_messages, ==, 0);
}

/* Scrolled back, the window is not at the live end: a live message is
 * left to the store, and load_newer () brings it. */
static void
test_append_while_scrolled_back (void)
{
  FakeHistory *history = fake_history_new (1000, 7);
  PetrelMessageList *list = list_new (history, 10, 20);
  g_autoptr(PetrelMessage) message = NULL;
  PetrelHistoryCursor cursor;

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  g_assert_true (petrel_message_list_load_older (list, NULL));
  g_assert_true (petrel_message_list_load_older (list, NULL));
  g_assert_true (petrel_message_list_get_has_newer (list));
  assert_window (list, 970, 20);

  /* The store gets message 1000; the list does not take it. */
  history->n_messages = 1001;
  fake_cursor (history, 1000, &cursor);
  message = live_message (cursor.sort_time, cursor.id, "message 1000");
  g_assert_false (petrel_message_list_append (list, message));

  g_assert_true (petrel_message_list_load_newer (list, NULL));
  g_assert_true (petrel_message_list_get_has_newer (list));
  assert_window (list, 980, 20);
  g_assert_true (petrel_message_list_load_newer (list, NULL));
  g_assert_false (petrel_message_list_get_has_newer (list));
  assert_window (list, 981, 20);

  g_assert_finalize_object (g_steal_pointer (&message));
  finish (list, history);
}

static void
test_load_newest_jumps_back (void)
{
  FakeHistory *history = fake_history_new (1000, 7);
  PetrelMessageList *list = list_new (history, 10, 20);
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  for (guint i = 0; i < 5; i++)
    g_assert_true (petrel_message_list_load_older (list, NULL));
  recorder_check (recorder, recorder->log->str);
  assert_notified (log, "has-newer,has-older,n-items,n-items");

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,20,10)");
  assert_notified (log, "has-newer,n-items");
  assert_window (list, 990, 10);

  recorder_free (recorder);
  notify_log_free (log);
  finish (list, history);
}

static void
test_update_state (void)
{
  FakeHistory *history = fake_history_new (1000, 7);
  PetrelMessageList *list = list_new (history, 10, 20);
  Recorder *recorder = recorder_new (list);
  g_autoptr(PetrelMessage) m995 = NULL;
  NotifyLog *message_log;

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,10)");
  m995 = g_list_model_get_item (G_LIST_MODEL (list), 5);
  g_assert_cmpstr (petrel_message_get_origin_id (m995), ==, "o995");
  message_log = notify_log_new (m995);

  g_assert_true (petrel_message_list_update_state (list, "o995", "displayed"));
  g_assert_true (petrel_message_list_update_state (list, "o995", "displayed"));
  g_assert_cmpstr (petrel_message_get_state (m995), ==, "displayed");
  assert_notified (message_log, "state");
  /* A state is no reason to rebuild a row: the row binds the property. */
  recorder_check (recorder, "");

  /* Incoming messages have no delivery state. */
  g_assert_false (petrel_message_list_update_state (list, "o994", "displayed"));
  /* Outside the window: only the store knows it. */
  g_assert_false (petrel_message_list_update_state (list, "o11", "displayed"));

  notify_log_free (message_log);
  recorder_free (recorder);
  g_assert_finalize_object (list);
  g_assert_finalize_object (g_steal_pointer (&m995));
  g_assert_finalize_object (history);
  g_assert_cmpuint (live_messages, ==, 0);
}

/* A view lowers the page size and the window to what it lays out in a
 * turn; a shorter window drops the end away from the live end. */
static void
test_view_lowers_paging (void)
{
  FakeHistory *history = fake_history_new (1000, 7);
  PetrelMessageList *list = list_new (history, 50, 1000);
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,50)");
  assert_notified (log, "has-older,n-items");

  petrel_message_list_set_page_size (list, 10);
  petrel_message_list_set_page_size (list, 10);
  assert_notified (log, "page-size");
  g_assert_cmpuint (petrel_message_list_get_max_items (list), ==, 1000);

  /* At the live end: the oldest go. */
  petrel_message_list_set_max_items (list, 30);
  recorder_check (recorder, "(0,20,0)");
  assert_notified (log, "max-items,n-items");
  assert_window (list, 970, 30);
  g_assert_true (petrel_message_list_get_has_older (list));
  g_assert_false (petrel_message_list_get_has_newer (list));

  /* Pages are the new size; the window stays bounded. */
  g_assert_true (petrel_message_list_load_older (list, NULL));
  recorder_check (recorder, "(0,0,10)(30,10,0)");
  assert_window (list, 960, 30);
  g_assert_true (petrel_message_list_get_has_newer (list));
  assert_notified (log, "has-newer");

  /* Scrolled back: the newest go; never below two pages. */
  petrel_message_list_set_max_items (list, 5);
  g_assert_cmpuint (petrel_message_list_get_max_items (list), ==, 20);
  recorder_check (recorder, "(20,10,0)");
  assert_window (list, 960, 20);
  assert_notified (log, "max-items,n-items");

  /* A larger page raises the bound with it. */
  petrel_message_list_set_page_size (list, 15);
  g_assert_cmpuint (petrel_message_list_get_max_items (list), ==, 30);
  assert_notified (log, "max-items,page-size");
  recorder_check (recorder, "");

  recorder_free (recorder);
  notify_log_free (log);
  finish (list, history);
}

/* XEP-0308: a correction reaches the shown original in place. */
static void
test_update_corrects_in_place (void)
{
  FakeHistory *history = fake_history_new (1000, 7);
  PetrelMessageList *list = list_new (history, 10, 20);
  Recorder *recorder = recorder_new (list);
  g_autoptr(PetrelMessage) m995 = NULL;
  g_autoptr(PetrelMessage) corrected = NULL;
  g_autoptr(PetrelMessage) outside = NULL;
  g_autoptr(PetrelMessage) unstored = NULL;
  NotifyLog *message_log;

  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,10)");
  m995 = g_list_model_get_item (G_LIST_MODEL (list), 5);
  g_assert_cmpstr (petrel_message_get_body (m995), ==, "message 995");
  message_log = notify_log_new (m995);

  /* The store's copy of the original, now with the corrected body. */
  corrected = fake_message (history, 995);
  petrel_message_set_body (corrected, "message 995, corrected");
  g_assert_true (petrel_message_list_update (list, corrected));
  g_assert_cmpstr (petrel_message_get_body (m995), ==, "message 995, corrected");
  assert_notified (message_log, "body");
  /* The same again changes nothing. */
  g_assert_true (petrel_message_list_update (list, corrected));
  assert_notified (message_log, "");
  /* The row follows the item: no rebuild. */
  recorder_check (recorder, "");

  /* Every item of the window is found, among equal sort times too. */
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(PetrelMessage) fresh = fake_message (history, 990 + i);
      g_autoptr(PetrelMessage) item = NULL;
      g_autofree char *body = g_strdup_printf ("message %u, edited", 990 + i);

      petrel_message_set_body (fresh, body);
      g_assert_true (petrel_message_list_update (list, fresh));
      item = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_assert_cmpstr (petrel_message_get_body (item), ==, body);
    }
  recorder_check (recorder, "");

  /* Outside the window, or never stored: only the store has it. */
  outside = fake_message (history, 11);
  g_assert_false (petrel_message_list_update (list, outside));
  unstored = petrel_message_new ("me@example.org", "bob@example.org", "me@example.org", "chat",
                                 "x", "message 0", NULL);
  g_assert_false (petrel_message_list_update (list, unstored));

  notify_log_free (message_log);
  recorder_free (recorder);
  g_assert_finalize_object (list);
  g_assert_finalize_object (g_steal_pointer (&m995));
  g_assert_finalize_object (g_steal_pointer (&corrected));
  g_assert_finalize_object (g_steal_pointer (&outside));
  g_assert_finalize_object (g_steal_pointer (&unstored));
  g_assert_finalize_object (history);
  g_assert_cmpuint (live_messages, ==, 0);
}

static void
test_source_errors (void)
{
  FakeHistory *history = fake_history_new (1000, 7);
  PetrelMessageList *list = list_new (history, 10, 20);
  Recorder *recorder = recorder_new (list);
  NotifyLog *log = notify_log_new (list);
  g_autoptr(GError) error = NULL;

  history->fail = TRUE;
  g_assert_false (petrel_message_list_load_newest (list, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  recorder_check (recorder, "");
  assert_notified (log, "");

  history->fail = FALSE;
  g_assert_true (petrel_message_list_load_newest (list, NULL));
  recorder_check (recorder, "(0,0,10)");
  assert_notified (log, "has-older,n-items");

  history->fail = TRUE;
  g_assert_false (petrel_message_list_load_older (list, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  recorder_check (recorder, "");
  assert_notified (log, "");
  assert_window (list, 990, 10);

  recorder_free (recorder);
  notify_log_free (log);
  finish (list, history);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message-list/open-reads-newest-page-only", test_open_reads_newest_page_only);
  g_test_add_func ("/message-list/load-older-prepends", test_load_older_prepends);
  g_test_add_func ("/message-list/window-is-bounded", test_window_is_bounded);
  g_test_add_func ("/message-list/cursor-exact-with-equal-times", test_cursor_exact_with_equal_times);
  g_test_add_func ("/message-list/short-histories", test_short_histories);
  g_test_add_func ("/message-list/load-older-opens", test_load_older_opens);
  g_test_add_func ("/message-list/append-live", test_append_live);
  g_test_add_func ("/message-list/append-while-scrolled-back", test_append_while_scrolled_back);
  g_test_add_func ("/message-list/load-newest-jumps-back", test_load_newest_jumps_back);
  g_test_add_func ("/message-list/update-state", test_update_state);
  g_test_add_func ("/message-list/view-lowers-paging", test_view_lowers_paging);
  g_test_add_func ("/message-list/update-corrects-in-place", test_update_corrects_in_place);
  g_test_add_func ("/message-list/source-errors", test_source_errors);

  return g_test_run ();
}
