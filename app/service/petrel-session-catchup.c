/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Archive catch-up of a PetrelSession (XEP-0313 with XEP-0059 paging).
 *
 * After every fresh connection the own archive is read forward from the
 * last stored position, one page at a time until the server says the
 * result is complete.  A page is stored in one transaction and only then
 * does the position move, so a cut in the middle fetches the page again
 * and deduplication (stanza-id, origin-id) keeps every message once.
 */
#define G_LOG_DOMAIN "petrel-session-catchup"

#include "petrel-session-private.h"

#include "xep-0313-mam.h"
#include "xmpp-error.h"

#define PAGE_SIZE 100
/* A first login takes the most recent page only, not years of history. */
#define FIRST_PAGE_SIZE 50

typedef struct
{
  XmppNode *message;
  char *archive_id;
  GDateTime *stamp;
} Result;

typedef struct
{
  GPtrArray *results;   /* Result, of the page in flight */
  char *after;          /* position the page starts from, NULL on a first login */
  gint64 after_time;    /* when the message at @after was archived (µs), 0 if unknown */
  GDateTime *start;     /* read from this time instead (the position was lost) */
  gint64 fetched;
  guint pages;
} CatchUp;

static void
result_free (gpointer data)
{
  Result *r = data;

  xmpp_node_unref (r->message);
  g_free (r->archive_id);
  g_clear_pointer (&r->stamp, g_date_time_unref);
  g_free (r);
}

static void
catch_up_free (gpointer data)
{
  CatchUp *c = data;

  g_ptr_array_unref (c->results);
  g_free (c->after);
  g_clear_pointer (&c->start, g_date_time_unref);
  g_free (c);
}

static void
result_cb (XmppClient *client,
           XmppNode   *message,
           const char *archive_id,
           GDateTime  *stamp,
           gpointer    user_data)
{
  CatchUp *c = user_data;
  Result *r = g_new0 (Result, 1);

  r->message = xmpp_node_ref (message);
  r->archive_id = g_strdup (archive_id);
  r->stamp = stamp ? g_date_time_ref (stamp) : NULL;
  g_ptr_array_add (c->results, r);
}

static gint64
store_page (PetrelSession *self,
            CatchUp       *c)
{
  g_autoptr(GError) error = NULL;
  gint64 stored = 0;

  if (!petrel_db_begin (self->db, &error))
    {
      g_warning ("cannot store archive results: %s", error->message);
      return 0;
    }

  for (guint i = 0; i < c->results->len; i++)
    {
      Result *r = g_ptr_array_index (c->results, i);
      g_autoptr(XmppJid) from = NULL;
      const char *from_attr = xmpp_node_get_attr (r->message, "from");
      gboolean outgoing, is_new = FALSE;

      /* In the own archive, what the account sent carries its own JID. */
      from = from_attr ? xmpp_jid_parse (from_attr, NULL) : NULL;
      outgoing = from != NULL && xmpp_jid_equal_bare (from, self->jid);
      petrel_session_store_message (self, r->message, outgoing, r->archive_id, r->stamp, TRUE, &is_new);
      stored += is_new;
    }

  if (!petrel_db_commit (self->db, &error))
    g_warning ("cannot store archive results: %s", error->message);

  g_ptr_array_set_size (c->results, 0);
  return stored;
}

static void query_page (GTask *task);

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PetrelSession *self = g_task_get_source_object (task);
  CatchUp *c = g_task_get_task_data (task);
  g_autoptr(XmppMamPage) page = NULL;
  g_autoptr(GError) error = NULL;
  const char *archive = xmpp_jid_get_bare_string (self->jid);

  page = xmpp_mam_query_finish (XMPP_CLIENT (source), result, &error);
  if (page == NULL)
    {
      g_ptr_array_set_size (c->results, 0);

      /* The stored position is unknown to the server (the archive dropped
       * old messages): read forward from the time of that position, so
       * nothing newer is skipped; without a time, the newest page. */
      if (c->after != NULL && g_error_matches (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_ITEM_NOT_FOUND))
        {
          g_debug ("archive position %s is gone; reading by time", c->after);
          petrel_db_archive_clear_position (self->db, self->account_id, archive, NULL);
          g_clear_pointer (&c->after, g_free);
          if (c->after_time > 0)
            c->start = g_date_time_new_from_unix_utc ((c->after_time / G_USEC_PER_SEC) - 60);
          c->after_time = 0;
          query_page (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The position's time is the archive's stamp of its newest message. */
  if (c->results->len > 0)
    {
      Result *newest = g_ptr_array_index (c->results, c->results->len - 1);

      if (newest->stamp != NULL)
        c->after_time = g_date_time_to_unix (newest->stamp) * G_USEC_PER_SEC;
    }
  c->fetched += store_page (self, c);
  c->pages++;

  if (page->last != NULL)
    {
      if (!petrel_db_archive_set_position (self->db, self->account_id, archive, page->last,
                                           c->after_time ? c->after_time : g_get_real_time (), &error))
        g_warning ("cannot store the archive position: %s", error->message);
    }

  /* A first login reads one page; later ones read until complete.  An
   * empty page without `complete` would loop forever: stop there too. */
  if ((c->after == NULL && c->start == NULL) || page->complete || page->last == NULL)
    {
      g_task_return_int (task, c->fetched);
      return;
    }

  g_clear_pointer (&c->start, g_date_time_unref);
  g_free (c->after);
  c->after = g_strdup (page->last);
  query_page (g_steal_pointer (&task));
}

static void
query_page (GTask *task)
{
  PetrelSession *self = g_task_get_source_object (task);
  CatchUp *c = g_task_get_task_data (task);
  g_autoptr(XmppMamQuery) query = xmpp_mam_query_new ();

  if (!petrel_session_check_connected (self, task))
    {
      g_object_unref (task);
      return;
    }

  if (c->after != NULL)
    {
      query->after_id = g_strdup (c->after);
      query->max = PAGE_SIZE;
    }
  else if (c->start != NULL)
    {
      query->start = g_date_time_ref (c->start);
      query->max = PAGE_SIZE;
    }
  else
    {
      query->before_id = g_strdup ("");
      query->max = FIRST_PAGE_SIZE;
    }

  xmpp_mam_query_async (self->client, NULL, query, result_cb, c,
                        g_task_get_cancellable (task), page_cb, task);
}

void
petrel_session_catch_up_async (PetrelSession       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CatchUp *c;

  g_return_if_fail (PETREL_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, petrel_session_catch_up_async);

  if (self->db == NULL)
    {
      g_task_return_new_error (task, PETREL_STORE_ERROR, PETREL_STORE_ERROR_NOT_FOUND,
                               "No message store is open");
      return;
    }

  c = g_new0 (CatchUp, 1);
  c->results = g_ptr_array_new_with_free_func (result_free);
  petrel_db_archive_get_position (self->db, self->account_id, xmpp_jid_get_bare_string (self->jid),
                                  &c->after, &c->after_time, NULL);
  g_task_set_task_data (task, c, catch_up_free);

  query_page (g_steal_pointer (&task));
}

gint64
petrel_session_catch_up_finish (PetrelSession  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}
